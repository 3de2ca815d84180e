/**
 * Bad rows (design §5): input that could not become a good enriched event is kept with its
 * reasons, never dropped silently. Each bad row is appended to `<data dir>/bad-rows.jsonl`
 * and the most recent ones are kept in memory for `GET /api/v1/bad-rows` and `/micro/bad`.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BadRow {
  /** When it was received, ISO-8601. */
  received_at: string;
  /** Where it came from: `api/events`, `collector/tp2`, `collector/i`, … */
  source: string;
  /** Why it was rejected, one reason per problem. */
  reasons: string[];
  /** The rejected input, or as much of it as is useful (truncated to 64 KiB). */
  payload: string;
  /** Position in the request: 1-based TSV line or 0-based JSON/tp2 element. */
  position?: number;
}

/** How much of a rejected input a bad row keeps. */
export const MAX_PAYLOAD = 64 * 1024;

export class BadRows {
  private readonly path: string;
  private recent: BadRow[] = [];
  private total = 0;
  readonly countsBySource = new Map<string, number>();

  constructor(dataDir: string, private readonly keep = 10_000) {
    this.path = join(dataDir, 'bad-rows.jsonl');
    if (existsSync(this.path)) {
      const lines = readFileSync(this.path, 'utf8').split('\n').filter((l) => l !== '');
      this.total = lines.length;
      this.recent = lines.slice(-keep).map((l) => JSON.parse(l) as BadRow);
    }
  }

  add(rows: Array<Omit<BadRow, 'received_at'> & { received_at?: string }>): void {
    if (rows.length === 0) return;
    const now = new Date().toISOString();
    const complete = rows.map((r) => ({
      ...r,
      received_at: r.received_at ?? now,
      payload: r.payload.length > MAX_PAYLOAD ? `${r.payload.slice(0, MAX_PAYLOAD)}…` : r.payload,
    }));
    appendFileSync(this.path, complete.map((r) => `${JSON.stringify(r)}\n`).join(''));
    for (const r of complete) this.countsBySource.set(r.source, (this.countsBySource.get(r.source) ?? 0) + 1);
    this.total += complete.length;
    this.recent.push(...complete);
    if (this.recent.length > this.keep) this.recent = this.recent.slice(-this.keep);
  }

  /** Newest first. */
  list(limit = 100): BadRow[] {
    return this.recent.slice(-limit).reverse();
  }

  /** Forget the in-memory list (Micro's reset); the file keeps its history. */
  reset(): void {
    this.recent = [];
  }

  get count(): number {
    return this.total;
  }
}
