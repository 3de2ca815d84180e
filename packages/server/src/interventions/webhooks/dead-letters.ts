/**
 * The dead-letter list: deliveries given up after their last attempt, kept in
 * `webhook-dead-letters.jsonl` in the data dir (the newest 1000 are listed) for
 * `GET /api/v1/webhooks/dead-letters`. A delivery is put on it at most once, even when a crash
 * between writing it here and closing it in the outbox makes the dispatcher decide again.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WebhookPayload } from './payload.js';

export interface DeadLetter {
  intervention_id: string;
  webhook: string;
  url: string;
  attempts: number;
  last_status: number | null;
  last_error: string;
  failed_at: string;
  payload: WebhookPayload;
}

export const DEAD_LETTERS_KEPT = 1000;

const keyOf = (letter: Pick<DeadLetter, 'webhook' | 'intervention_id'>) => `${letter.webhook}\u0000${letter.intervention_id}`;

export class DeadLetterList {
  private readonly path: string;
  private letters: DeadLetter[] = [];
  private readonly keys = new Set<string>();

  constructor(dataDir: string, private readonly logger?: Logger) {
    this.path = join(dataDir, 'webhook-dead-letters.jsonl');
    if (!existsSync(this.path)) return;
    const lines = readFileSync(this.path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    // Keep the file bounded too: only the newest are listed anyway.
    if (lines.length > DEAD_LETTERS_KEPT * 2) writeFileSync(this.path, lines.slice(-DEAD_LETTERS_KEPT).map((l) => `${l}\n`).join(''));
    for (const line of lines.slice(-DEAD_LETTERS_KEPT)) {
      try {
        this.remember(JSON.parse(line) as DeadLetter);
      } catch {
        // a torn last line
      }
    }
  }

  /** Add a letter unless this delivery is already on the list; true when added. */
  add(letter: DeadLetter): boolean {
    if (this.keys.has(keyOf(letter))) return false;
    this.remember(letter);
    try {
      appendFileSync(this.path, `${JSON.stringify(letter)}\n`);
    } catch (error) {
      this.logger?.error({ err: error }, 'could not write the webhook dead-letter file');
    }
    return true;
  }

  list(): DeadLetter[] {
    return [...this.letters];
  }

  clear(): number {
    const n = this.letters.length;
    this.letters = [];
    this.keys.clear();
    writeFileSync(this.path, '');
    return n;
  }

  private remember(letter: DeadLetter): void {
    this.letters.push(letter);
    this.keys.add(keyOf(letter));
    if (this.letters.length > DEAD_LETTERS_KEPT) this.keys.delete(keyOf(this.letters.shift()!));
  }
}
