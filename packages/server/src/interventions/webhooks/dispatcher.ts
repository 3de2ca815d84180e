/**
 * Webhook delivery: every fired intervention becomes one signed JSON POST per matching webhook
 * (payload.ts, send.ts), retried with backoff (backoff.ts) until `maxAttempts`, then put on the
 * dead-letter list (dead-letters.ts). Every step is recorded in the outbox first (outbox.ts), so
 * attempt counts, retry times, the dead-letter decision and the delivered counts survive restarts.
 *
 * - Never blocks the engine: `enqueue` only records the delivery; requests run in the
 *   background, at most `concurrency` at a time per webhook.
 * - Each open delivery is in exactly one place: waiting for its retry time, in its webhook's
 *   ready queue, or in flight. After a restart the outbox's open deliveries resume there, each
 *   once, at their recorded retry time.
 * - At least once: a receiver that answered but whose answer was not seen before a crash gets
 *   the same `intervention_id` again.
 */
import type { Logger } from 'pino';
import type { WebhookTuning } from '../config.js';
import type { Firing } from '../evaluator.js';
import { retryDelayMs } from './backoff.js';
import { type DeadLetter, DeadLetterList } from './dead-letters.js';
import { type OutboxDelivery, type WebhookCounters, WebhookOutbox } from './outbox.js';
import { payloadFor } from './payload.js';
import { sendAttempt } from './send.js';
import type { Webhook, WebhookStore } from './webhook-store.js';

export class WebhookDispatcher {
  private readonly outbox: WebhookOutbox;
  private readonly deadLetters: DeadLetterList;
  /** Open deliveries by key; each is also in exactly one of: `waiting`, a `ready` queue, in flight. */
  private readonly pending = new Map<string, OutboxDelivery>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private readonly ready = new Map<string, OutboxDelivery[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly closing = new AbortController();
  private closed = false;

  constructor(
    private readonly store: WebhookStore,
    dataDir: string,
    private readonly tuning: WebhookTuning,
    private readonly clock: () => number,
    private readonly logger?: Logger,
  ) {
    this.outbox = new WebhookOutbox(dataDir, logger);
    this.deadLetters = new DeadLetterList(dataDir, logger);
  }

  /** Resume the deliveries the outbox holds open, each at its recorded retry time. */
  start(): void {
    for (const d of this.outbox.recover()) {
      this.pending.set(d.key, d);
      const webhook = this.store.find(d.webhook);
      if (!webhook) this.finish(d, 'dropped');
      // Its last attempt failed (or was cut short) and was the last allowed: finish that decision.
      else if (d.attempts >= this.tuning.maxAttempts) this.giveUp(d, webhook.url);
      else this.schedule(d);
    }
  }

  /** Totals over every webhook, deleted ones included (they never go back). */
  get counters(): Readonly<WebhookCounters> {
    return this.outbox.totals;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  stats(name: string): WebhookCounters & { pending: number } {
    let pending = 0;
    for (const d of this.pending.values()) if (d.webhook === name) pending++;
    return { ...this.outbox.countsFor(name), pending };
  }

  /** Per webhook, the open deliveries whose last attempt failed, with the error of one of them (for /health-all). */
  retrying(): Map<string, { deliveries: number; error: string }> {
    const out = new Map<string, { deliveries: number; error: string }>();
    for (const d of this.pending.values()) {
      if (d.last_error === undefined) continue;
      const entry = out.get(d.webhook) ?? { deliveries: 0, error: d.last_error };
      entry.deliveries++;
      out.set(d.webhook, entry);
    }
    return out;
  }

  /** Queue a fired intervention for every webhook whose filters match it. */
  enqueue(firing: Firing): void {
    if (this.closed) return;
    for (const webhook of this.store.list()) {
      const payload = payloadFor(webhook, firing);
      if (!payload) continue;
      const d: OutboxDelivery = { key: `${webhook.name}\u0000${firing.interventionId}`, webhook: webhook.name, payload, attempts: 0, next_at: 0 };
      if (this.pending.has(d.key)) continue;
      if (this.stats(webhook.name).pending >= this.tuning.maxPending) {
        d.last_error = `more than ${this.tuning.maxPending} deliveries were waiting for this webhook`;
        this.giveUp(d, webhook.url);
        continue;
      }
      if (!this.outbox.add(d)) continue;
      this.pending.set(d.key, d);
      this.makeReady(d);
    }
  }

  listDeadLetters(): DeadLetter[] {
    return this.deadLetters.list();
  }

  clearDeadLetters(): number {
    return this.deadLetters.clear();
  }

  /** Stop sending; what is not done stays in the outbox for the next start. */
  close(): void {
    this.closed = true;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.closing.abort();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Into the ready queue at its retry time (at once if that has passed). */
  private schedule(d: OutboxDelivery): void {
    const delay = d.next_at - this.clock();
    if (delay <= 0) return this.makeReady(d);
    const timer = setTimeout(() => {
      this.waiting.delete(d.key);
      this.makeReady(d);
    }, delay);
    this.waiting.set(d.key, timer);
  }

  private makeReady(d: OutboxDelivery): void {
    const queue = this.ready.get(d.webhook) ?? [];
    queue.push(d);
    this.ready.set(d.webhook, queue);
    this.pump(d.webhook);
  }

  private pump(name: string): void {
    const queue = this.ready.get(name);
    while (!this.closed && queue && queue.length > 0 && (this.inFlight.get(name) ?? 0) < this.tuning.concurrency) {
      const d = queue.shift()!;
      this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
      void this.attempt(d).finally(() => {
        this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
        this.pump(name);
      });
    }
  }

  private async attempt(d: OutboxDelivery): Promise<void> {
    const webhook = this.store.find(d.webhook);
    if (!webhook) return this.finish(d, 'dropped'); // deleted while this waited: nobody to deliver to
    d.attempts++;
    d.next_at = this.clock() + retryDelayMs(this.tuning, d.attempts);
    // Recorded before sending: an attempt cut short by a crash still counts.
    this.outbox.attempting(d.key, d.attempts, d.next_at);
    const result = await sendAttempt(webhook, d.payload, {
      attempt: d.attempts, timestamp: Math.floor(this.clock() / 1000), timeoutMs: this.tuning.timeoutMs, signal: this.closing.signal,
    });
    if (result.ok) return this.finish(d, 'delivered');
    if ('cancelled' in result) return; // closing: the outbox resumes it at the next start
    if (result.status === undefined) delete d.last_status;
    else d.last_status = result.status;
    d.last_error = result.error;
    this.outbox.failed(d.key, d.webhook, result.status, result.error);
    if (d.attempts >= this.tuning.maxAttempts) this.giveUp(d, webhook.url);
    else this.schedule(d);
  }

  private finish(d: OutboxDelivery, outcome: 'delivered' | 'dead_lettered' | 'dropped'): void {
    this.pending.delete(d.key);
    this.outbox.done(d.key, d.webhook, outcome);
  }

  /** Onto the dead-letter list (once per delivery, also when a restart decides again), then closed. */
  private giveUp(d: OutboxDelivery, url: string): void {
    const added = this.deadLetters.add({
      intervention_id: d.payload.intervention_id,
      webhook: d.webhook,
      url,
      attempts: d.attempts,
      last_status: d.last_status ?? null,
      last_error: d.last_error ?? 'the last attempt was cut short by a restart',
      failed_at: new Date(this.clock()).toISOString(),
      payload: d.payload,
    });
    this.finish(d, 'dead_lettered');
    if (added) this.logger?.warn({ webhook: d.webhook, intervention_id: d.payload.intervention_id, error: d.last_error }, 'webhook delivery dead-lettered');
  }
}

export type { Webhook };
export type { DeadLetter } from './dead-letters.js';
export type { WebhookCounters } from './outbox.js';
export type { WebhookPayload } from './payload.js';
