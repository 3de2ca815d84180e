/**
 * The webhook outbox: the durable ledger of deliveries (`webhook-outbox.jsonl` in the data dir).
 * It remembers, across restarts and `kill -9`, which deliveries are still open, how many attempts
 * each has had, when the next may go, and the delivered / failed / dead-lettered counts per
 * webhook — so "N attempts, then the dead-letter list" holds however often the server restarts.
 *
 * One JSON record per line, appended as things happen (without fsync: a killed process loses
 * nothing, a power cut may lose the last records):
 *
 *     {"op":"add","delivery":{key, webhook, payload, attempts, next_at, …}}   queued (or compacted state)
 *     {"op":"attempt","key","attempts","next_at"}   attempt n is about to be sent; if it fails, retry at next_at
 *     {"op":"failed","key","webhook","last_status","last_error"}   that attempt failed
 *     {"op":"done","key","webhook","outcome"}       delivered, dead_lettered or dropped (webhook deleted)
 *     {"op":"counts","webhooks":[[name, counts], …]}   counts carried over by compaction
 *
 * An attempt is recorded before it is sent, so one cut short by a crash still counts. Recovery
 * folds the records into one state per open delivery (keyed: a delivery is never held twice) and
 * compaction rewrites the file as that state, atomically.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileDurably } from '../../durable-file.js';
import type { WebhookPayload } from './payload.js';

export interface OutboxDelivery {
  /** `<webhook>\0<intervention_id>`: one delivery per webhook and firing. */
  key: string;
  webhook: string;
  payload: WebhookPayload;
  /** Attempts made (or started) so far. */
  attempts: number;
  /** Epoch ms before which the next attempt must not go (0: at once). */
  next_at: number;
  last_status?: number;
  last_error?: string;
}

export interface WebhookCounters {
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
}

export type Outcome = 'delivered' | 'dead_lettered' | 'dropped';

type OutboxRecord =
  | { op: 'add'; delivery: OutboxDelivery }
  | { op: 'attempt'; key: string; attempts: number; next_at: number }
  | { op: 'failed'; key: string; webhook: string; last_status: number | null; last_error: string }
  | { op: 'done'; key: string; webhook: string; outcome: Outcome }
  | { op: 'counts'; webhooks: Array<[string, WebhookCounters]> };

const zero = (): WebhookCounters => ({ delivered: 0, failedAttempts: 0, deadLettered: 0 });

/** Compact once this many records were appended and they are more than four per open delivery. */
const COMPACT_AFTER = 1000;

export class WebhookOutbox {
  private readonly path: string;
  private readonly open = new Map<string, OutboxDelivery>();
  /** By webhook name (client-chosen, hence a Map); deleted webhooks keep theirs so totals never go back. */
  private readonly counts = new Map<string, WebhookCounters>();
  readonly totals: WebhookCounters = zero();
  private appended = 0;

  constructor(dataDir: string, private readonly logger?: Logger) {
    this.path = join(dataDir, 'webhook-outbox.jsonl');
  }

  /** Read the ledger left by earlier runs, compact it, and return the open deliveries. */
  recover(): OutboxDelivery[] {
    this.open.clear();
    this.counts.clear();
    Object.assign(this.totals, zero());
    if (existsSync(this.path)) {
      for (const line of readFileSync(this.path, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        let record: OutboxRecord;
        try {
          record = JSON.parse(line) as OutboxRecord;
        } catch {
          continue; // a torn last line from a killed process: that step never completed
        }
        this.fold(record);
      }
    }
    this.compact();
    return [...this.open.values()];
  }

  /** A new delivery; false (and nothing recorded) when one with this key is already open. */
  add(delivery: OutboxDelivery): boolean {
    if (this.open.has(delivery.key)) return false;
    this.write({ op: 'add', delivery });
    return true;
  }

  attempting(key: string, attempts: number, nextAt: number): void {
    this.write({ op: 'attempt', key, attempts, next_at: nextAt });
  }

  failed(key: string, webhook: string, lastStatus: number | undefined, lastError: string): void {
    this.write({ op: 'failed', key, webhook, last_status: lastStatus ?? null, last_error: lastError });
  }

  /** The delivery is over. Also for one that never was open (dead-lettered on arrival), to count it. */
  done(key: string, webhook: string, outcome: Outcome): void {
    this.write({ op: 'done', key, webhook, outcome });
  }

  countsFor(webhook: string): WebhookCounters {
    return { ...(this.counts.get(webhook) ?? zero()) };
  }

  get openCount(): number {
    return this.open.size;
  }

  private write(record: OutboxRecord): void {
    this.fold(record);
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.logger?.error({ err: error }, 'webhook outbox write failed; deliveries continue in memory only');
    }
    if (++this.appended >= COMPACT_AFTER && this.appended > 4 * this.open.size) this.compact();
  }

  private fold(record: OutboxRecord): void {
    switch (record.op) {
      case 'add':
        // Outboxes of earlier versions recorded neither a retry time nor the attempts made.
        this.open.set(record.delivery.key, { ...record.delivery, attempts: record.delivery.attempts ?? 0, next_at: record.delivery.next_at ?? 0 });
        return;
      case 'attempt': {
        const d = this.open.get(record.key);
        if (d) {
          d.attempts = record.attempts;
          d.next_at = record.next_at;
        }
        return;
      }
      case 'failed': {
        const d = this.open.get(record.key);
        if (d) {
          if (record.last_status === null) delete d.last_status;
          else d.last_status = record.last_status;
          d.last_error = record.last_error;
        }
        this.count(record.webhook, 'failedAttempts');
        return;
      }
      case 'done':
        this.open.delete(record.key);
        if (record.outcome === 'delivered') this.count(record.webhook, 'delivered');
        else if (record.outcome === 'dead_lettered') this.count(record.webhook, 'deadLettered');
        return;
      case 'counts':
        for (const [name, counts] of record.webhooks) {
          for (const field of ['delivered', 'failedAttempts', 'deadLettered'] as const) this.count(name, field, counts[field]);
        }
        return;
    }
  }

  private count(webhook: string | undefined, field: keyof WebhookCounters, n = 1): void {
    if (webhook === undefined) return; // a `done` of an earlier version, which did not name its webhook
    let c = this.counts.get(webhook);
    if (!c) this.counts.set(webhook, (c = zero()));
    c[field] += n;
    this.totals[field] += n;
  }

  /** Rewrite the ledger as its current state: the counts, then each open delivery. */
  private compact(): void {
    const records: OutboxRecord[] = [{ op: 'counts', webhooks: [...this.counts] }, ...[...this.open.values()].map((delivery) => ({ op: 'add' as const, delivery }))];
    try {
      writeFileDurably(this.path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      this.appended = 0;
    } catch (error) {
      this.logger?.error({ err: error }, 'webhook outbox compaction failed; the ledger keeps growing until it succeeds');
    }
  }
}
