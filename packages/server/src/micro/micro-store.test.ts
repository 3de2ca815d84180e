import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeEnrichedJson } from '@signalbox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BadRows } from '../bad-rows/bad-rows.js';
import { MicroStore } from './micro-store.js';
import { apiOfSource, goodEventOf } from './shapes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function badRows(): BadRows {
  const dir = mkdtempSync(join(tmpdir(), 'signalbox-micro-'));
  dirs.push(dir);
  return new BadRows(dir);
}
const event = (n: number, extra: Record<string, unknown> = {}) =>
  normalizeEnrichedJson({ event_id: `e${n}`, collector_tstamp: '2025-05-01T10:00:00.000Z', event: 'page_view', ...extra });

describe('MicroStore', () => {
  it('keeps the newest events up to its capacity, newest first', () => {
    const store = new MicroStore(badRows(), 3);
    for (let i = 0; i < 10; i++) store.add([event(i)]);
    expect(store.goodCount).toBe(3);
    expect(store.good().map((g) => g.event['event_id'])).toEqual(['e9', 'e8', 'e7']);
    expect(store.summary()).toEqual({ total: 3, good: 3, bad: 0 });
  });

  it('counts and filters bad rows by the API their source stands for', () => {
    const rows = badRows();
    rows.add([
      { source: 'collector/tp2', reasons: ['e: unknown event type "zz"'], payload: '{"e":"zz"}' },
      { source: 'collector/i', reasons: ['sid: not a UUID'], payload: 'e=pv&sid=x' },
      { source: 'api/events', reasons: ['field 7 (event_id): required'], payload: 'a\tb' },
    ]);
    const store = new MicroStore(rows);
    expect(store.summary()).toEqual({ total: 3, good: 0, bad: 3 });
    expect(store.bad().map((b) => b.errors[0])).toEqual(['field 7 (event_id): required', 'sid: not a UUID', 'e: unknown event type "zz"']);
    expect(store.bad({ vendor: 'com.snowplowanalytics.snowplow' })).toHaveLength(2);
    expect(store.bad({ version: 'tp1' }).map((b) => b.collectorPayload?.body)).toEqual(['e=pv&sid=x']);
    expect(store.bad({ limit: 1 })).toHaveLength(1);
    store.reset();
    expect(store.summary()).toEqual({ total: 0, good: 0, bad: 0 });
    expect(apiOfSource('api/events')).toEqual({ vendor: 'signalbox', version: 'events' });
  });

  it('gives no schema when the event_* fields are incomplete, and Micro\'s empty shapes', () => {
    const good = goodEventOf(event(1));
    expect(good.schema).toBeNull();
    expect(good.contexts).toEqual([]);
    expect(good.event['contexts']).toEqual({});
    expect(good.event['unstruct_event']).toBeNull();
    expect(good.rawEvent.parameters).toEqual({ e: 'pv', eid: 'e1' });
  });
});
