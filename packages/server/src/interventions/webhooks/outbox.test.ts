import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INTERVENTIONS_CONFIG } from '../config.js';
import { DeadLetterList } from './dead-letters.js';
import { WebhookDispatcher } from './dispatcher.js';
import { type OutboxDelivery, WebhookOutbox } from './outbox.js';
import type { WebhookPayload } from './payload.js';
import { WebhookInput, WebhookStore } from './webhook-store.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'signalbox-outbox-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const payload = (id: string): WebhookPayload => ({ type: 'intervention', webhook: 'crm', intervention_id: id, name: 'engaged', version: 1, fired_at: '2026-11-28T12:00:00.000Z', instances: [] });
const delivery = (id: string): OutboxDelivery => ({ key: `crm\u0000${id}`, webhook: 'crm', payload: payload(id), attempts: 0, next_at: 0 });
const lines = (dir: string) => readFileSync(join(dir, 'webhook-outbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string });

describe('the webhook outbox', () => {
  it('recovers attempts, retry times, the last failure and the counts after a restart', () => {
    const dir = dataDir();
    const outbox = new WebhookOutbox(dir);
    outbox.recover();
    outbox.add(delivery('a'));
    outbox.add(delivery('b'));
    outbox.attempting('crm\u0000a', 1, 5000);
    outbox.failed('crm\u0000a', 'crm', 503, 'HTTP 503');
    outbox.attempting('crm\u0000a', 2, 9000);
    outbox.attempting('crm\u0000b', 1, 5000);
    outbox.done('crm\u0000b', 'crm', 'delivered');

    const again = new WebhookOutbox(dir);
    expect(again.recover()).toEqual([{ ...delivery('a'), attempts: 2, next_at: 9000, last_status: 503, last_error: 'HTTP 503' }]);
    expect(again.countsFor('crm')).toEqual({ delivered: 1, failedAttempts: 1, deadLettered: 0 });
    expect(again.totals).toEqual({ delivered: 1, failedAttempts: 1, deadLettered: 0 });
  });

  it('compacts to the counts and one record per open delivery, and recovers the same from that', () => {
    const dir = dataDir();
    const outbox = new WebhookOutbox(dir);
    outbox.recover();
    for (const id of ['a', 'b', 'c']) outbox.add(delivery(id));
    outbox.attempting('crm\u0000a', 1, 7000);
    outbox.done('crm\u0000b', 'crm', 'dead_lettered');
    const open = new WebhookOutbox(dir).recover();
    expect(lines(dir).map((l) => l.op)).toEqual(['counts', 'add', 'add']);
    const third = new WebhookOutbox(dir);
    expect(third.recover()).toEqual(open);
    expect(third.countsFor('crm')).toEqual({ delivered: 0, failedAttempts: 0, deadLettered: 1 });
  });

  it('holds a delivery once, and ignores a torn last line', () => {
    const dir = dataDir();
    const outbox = new WebhookOutbox(dir);
    outbox.recover();
    expect(outbox.add(delivery('a'))).toBe(true);
    expect(outbox.add(delivery('a'))).toBe(false);
    appendFileSync(join(dir, 'webhook-outbox.jsonl'), '{"op":"done","key":"crm\\u0000a","webh');
    expect(new WebhookOutbox(dir).recover()).toEqual([delivery('a')]);
  });
});

describe('the dispatcher after a restart', () => {
  it('finishes a dead-letter decision cut short by a crash exactly once', () => {
    const dir = dataDir();
    const store = new WebhookStore(dir);
    store.put(WebhookInput.parse({ name: 'crm', url: 'http://127.0.0.1:9/hook', secret: 'a-secret-of-enough-length' }), 0);
    const tuning = { ...DEFAULT_INTERVENTIONS_CONFIG.webhooks, maxAttempts: 3 };
    // The last attempt failed and its dead letter was written, then the process died before the outbox heard.
    const outbox = new WebhookOutbox(dir);
    outbox.recover();
    outbox.add(delivery('a'));
    outbox.attempting('crm\u0000a', 3, 0);
    outbox.failed('crm\u0000a', 'crm', 500, 'HTTP 500');
    new DeadLetterList(dir).add({ intervention_id: 'a', webhook: 'crm', url: 'http://127.0.0.1:9/hook', attempts: 3, last_status: 500, last_error: 'HTTP 500', failed_at: '2026-11-28T12:00:00.000Z', payload: payload('a') });

    for (let run = 0; run < 2; run++) {
      const dispatcher = new WebhookDispatcher(new WebhookStore(dir), dir, tuning, () => 0);
      dispatcher.start();
      expect(dispatcher.stats('crm')).toEqual({ delivered: 0, failedAttempts: 1, deadLettered: 1, pending: 0 });
      expect(dispatcher.listDeadLetters()).toHaveLength(1);
      dispatcher.close();
    }
  });
});
