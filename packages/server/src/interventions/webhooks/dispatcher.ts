/**
 * Webhook delivery: every fired intervention becomes one signed JSON POST per matching webhook,
 * holding the instances (one per target) the webhook's filters let through.
 *
 * - Never blocks the engine: `enqueue` only records the delivery; requests run in the background,
 *   at most `concurrency` at a time per webhook.
 * - A 2xx answer is success. Anything else (status, network error, timeout) is retried after
 *   `baseDelayMs`, doubling up to `maxDelayMs` (±10 % jitter), until `maxAttempts`; then the
 *   delivery goes to the dead-letter list (`webhook-dead-letters.jsonl`, `GET /api/v1/webhooks/dead-letters`).
 * - Deliveries not yet done are kept in an outbox file (`webhook-outbox.jsonl`), so a restart
 *   resumes them. The outbox is appended without fsync: it survives a killed process, not a
 *   power cut, and a delivery queued in the instant between the event's log write and this
 *   append is lost if the process dies in between (log replay restores markers, never deliveries).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InterventionInstance } from '@signalbox/core';
import type { Logger } from 'pino';
import type { WebhookTuning } from '../config.js';
import type { Firing } from '../evaluator.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signature.js';
import type { Webhook, WebhookStore } from './webhook-store.js';

/** What a webhook receives (before the per-attempt `timestamp` and `attempt`). */
export interface WebhookPayload {
  type: 'intervention';
  webhook: string;
  intervention_id: string;
  name: string;
  version: number;
  fired_at: string;
  instances: InterventionInstance[];
}

interface Delivery {
  key: string;
  webhook: string;
  payload: WebhookPayload;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
}

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

export interface WebhookCounters {
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
}

const DEAD_LETTERS_KEPT = 1000;

export class WebhookDispatcher {
  private readonly outboxPath: string;
  private readonly deadLetterPath: string;
  private readonly pending = new Map<string, Delivery>();
  private readonly ready = new Map<string, Delivery[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();
  private deadLetters: DeadLetter[] = [];
  private closed = false;
  readonly counters: WebhookCounters = { delivered: 0, failedAttempts: 0, deadLettered: 0 };
  readonly perWebhook = new Map<string, WebhookCounters>();

  constructor(
    private readonly store: WebhookStore,
    dataDir: string,
    private readonly tuning: WebhookTuning,
    private readonly clock: () => number,
    private readonly logger?: Logger,
  ) {
    this.outboxPath = join(dataDir, 'webhook-outbox.jsonl');
    this.deadLetterPath = join(dataDir, 'webhook-dead-letters.jsonl');
    this.loadDeadLetters();
  }

  /** Resume deliveries left in the outbox by the previous run. */
  start(): void {
    if (!existsSync(this.outboxPath)) return;
    const open = new Map<string, Delivery>();
    for (const line of readFileSync(this.outboxPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const record = JSON.parse(line) as { op: 'add'; delivery: Delivery } | { op: 'done'; key: string };
        if (record.op === 'add') open.set(record.delivery.key, record.delivery);
        else open.delete(record.key);
      } catch {
        // A torn last line from a killed process: that delivery was never acknowledged as queued.
      }
    }
    writeFileSync(this.outboxPath, [...open.values()].map((d) => `${JSON.stringify({ op: 'add', delivery: d })}\n`).join(''));
    for (const d of open.values()) {
      this.pending.set(d.key, d);
      this.makeReady(d);
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  stats(name: string): WebhookCounters & { pending: number } {
    let pending = 0;
    for (const d of this.pending.values()) if (d.webhook === name) pending++;
    return { ...(this.perWebhook.get(name) ?? { delivered: 0, failedAttempts: 0, deadLettered: 0 }), pending };
  }

  /** Queue a fired intervention for every webhook whose filters match it. */
  enqueue(firing: Firing): void {
    if (this.closed) return;
    for (const webhook of this.store.list()) {
      if (webhook.interventions && !webhook.interventions.includes(firing.name)) continue;
      const instances = webhook.attribute_keys
        ? firing.instances.filter((i) => i.target_attribute_key && webhook.attribute_keys!.includes(i.target_attribute_key.name))
        : firing.instances;
      if (instances.length === 0) continue;
      const delivery: Delivery = {
        key: `${webhook.name}\u0000${firing.interventionId}`,
        webhook: webhook.name,
        attempts: 0,
        payload: {
          type: 'intervention',
          webhook: webhook.name,
          intervention_id: firing.interventionId,
          name: firing.name,
          version: firing.version,
          fired_at: new Date(firing.at).toISOString(),
          instances,
        },
      };
      if (this.stats(webhook.name).pending >= this.tuning.maxPending) {
        delivery.lastError = `more than ${this.tuning.maxPending} deliveries were waiting for this webhook`;
        this.deadLetter(delivery, webhook.url);
        continue;
      }
      this.pending.set(delivery.key, delivery);
      this.appendOutbox({ op: 'add', delivery });
      this.makeReady(delivery);
    }
  }

  listDeadLetters(): DeadLetter[] {
    return [...this.deadLetters];
  }

  clearDeadLetters(): number {
    const n = this.deadLetters.length;
    this.deadLetters = [];
    writeFileSync(this.deadLetterPath, '');
    return n;
  }

  /** Stop sending; what is not done stays in the outbox for the next start. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts) a.abort();
  }

  // ---- internals ---------------------------------------------------------------------------

  private counterFor(name: string): WebhookCounters {
    let c = this.perWebhook.get(name);
    if (!c) {
      c = { delivered: 0, failedAttempts: 0, deadLettered: 0 };
      this.perWebhook.set(name, c);
    }
    return c;
  }

  private appendOutbox(record: unknown): void {
    try {
      appendFileSync(this.outboxPath, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.logger?.error({ err: error }, 'webhook outbox write failed; delivery continues in memory only');
    }
  }

  private makeReady(d: Delivery): void {
    const list = this.ready.get(d.webhook) ?? [];
    list.push(d);
    this.ready.set(d.webhook, list);
    this.pump(d.webhook);
  }

  private pump(name: string): void {
    const list = this.ready.get(name);
    while (!this.closed && list && list.length > 0 && (this.inFlight.get(name) ?? 0) < this.tuning.concurrency) {
      const d = list.shift()!;
      this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
      void this.attempt(d).finally(() => {
        this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
        this.pump(name);
      });
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const webhook = this.store.find(d.webhook);
    if (!webhook) {
      // Deleted while this was waiting: nobody to deliver to.
      this.finish(d);
      return;
    }
    d.attempts++;
    const timestamp = Math.floor(this.clock() / 1000);
    const body = JSON.stringify({ ...d.payload, timestamp, attempt: d.attempts });
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.tuning.timeoutMs);
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Signalbox-Webhooks/0.1',
          [SIGNATURE_HEADER]: sign(webhook.secret, body),
          [TIMESTAMP_HEADER]: String(timestamp),
          'x-signalbox-webhook': webhook.name,
          'x-signalbox-delivery': d.payload.intervention_id,
          'x-signalbox-attempt': String(d.attempts),
        },
        body,
        signal: abort.signal,
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        this.counters.delivered++;
        this.counterFor(d.webhook).delivered++;
        this.finish(d);
        return;
      }
      d.lastStatus = response.status;
      d.lastError = `HTTP ${response.status}`;
    } catch (error) {
      if (this.closed) return;
      delete d.lastStatus;
      d.lastError = abort.signal.aborted ? `no answer within ${this.tuning.timeoutMs} ms` : describe(error);
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
    if (this.closed) return;
    this.counters.failedAttempts++;
    this.counterFor(d.webhook).failedAttempts++;
    if (d.attempts >= this.tuning.maxAttempts) {
      this.deadLetter(d, webhook.url);
      this.finish(d);
      return;
    }
    this.retryLater(d);
  }

  private retryLater(d: Delivery): void {
    const exponential = this.tuning.baseDelayMs * 2 ** (d.attempts - 1);
    const delay = Math.min(this.tuning.maxDelayMs, exponential) * (0.9 + Math.random() * 0.2);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.makeReady(d);
    }, delay);
    this.timers.add(timer);
  }

  private finish(d: Delivery): void {
    if (this.pending.delete(d.key)) this.appendOutbox({ op: 'done', key: d.key });
  }

  private deadLetter(d: Delivery, url: string): void {
    const letter: DeadLetter = {
      intervention_id: d.payload.intervention_id,
      webhook: d.webhook,
      url,
      attempts: d.attempts,
      last_status: d.lastStatus ?? null,
      last_error: d.lastError ?? 'unknown error',
      failed_at: new Date(this.clock()).toISOString(),
      payload: d.payload,
    };
    this.counters.deadLettered++;
    this.counterFor(d.webhook).deadLettered++;
    this.deadLetters.push(letter);
    if (this.deadLetters.length > DEAD_LETTERS_KEPT) this.deadLetters.shift();
    try {
      appendFileSync(this.deadLetterPath, `${JSON.stringify(letter)}\n`);
    } catch (error) {
      this.logger?.error({ err: error }, 'could not write the webhook dead-letter file');
    }
    this.logger?.warn({ webhook: d.webhook, intervention_id: letter.intervention_id, error: letter.last_error }, 'webhook delivery dead-lettered');
  }

  private loadDeadLetters(): void {
    if (!existsSync(this.deadLetterPath)) return;
    const lines = readFileSync(this.deadLetterPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
    // Keep the file bounded too: only the newest are listed anyway.
    if (lines.length > DEAD_LETTERS_KEPT * 2) writeFileSync(this.deadLetterPath, lines.slice(-DEAD_LETTERS_KEPT).map((l) => `${l}\n`).join(''));
    for (const line of lines.slice(-DEAD_LETTERS_KEPT)) {
      try {
        this.deadLetters.push(JSON.parse(line) as DeadLetter);
      } catch {
        // torn last line
      }
    }
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? 'request failed'} (${cause})` : (e?.message ?? String(error));
}

export type { Webhook };
