import { describe, expect, it } from 'vitest';
import type { EnrichedEvent } from '../events/index.js';
import { type PlannableAttribute, planBatches } from './batch-plan.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const spec = { aggregation: 'sum' as const, window: undefined, ttlMs: 3_600_000 };

function attribute(hash: string, keyName: string, keyField: string, passes = (_: EnrichedEvent) => true): PlannableAttribute {
  return { hash, keyName, spec, readKey: (e) => e[keyField], readValue: (e) => e['se_value'], passes };
}

const event = (id: string, fields: Record<string, unknown>): EnrichedEvent =>
  ({ event_id: id, collector_tstamp: '2026-11-28T11:59:00.000Z', ...fields }) as unknown as EnrichedEvent;

describe('planBatches', () => {
  const spend = attribute('spend', 'domain_userid', 'domain_userid');
  const spendByUser = attribute('spend-user', 'user_id', 'user_id');
  const bigOnly = attribute('big', 'domain_userid', 'domain_userid', (e) => Number(e['se_value']) > 10);

  it('groups updates per (key, identifier), events in order, each event once per identifier', () => {
    const events = [
      event('e1', { domain_userid: 'a', user_id: 'u', se_value: '20' }),
      event('e2', { domain_userid: 'b', se_value: '5' }),
      event('e3', { domain_userid: 'a', se_value: 'not a number' }),
      event('e4', { se_value: '1' }),
    ];
    const [plan, ...rest] = planBatches(events, () => [spend, spendByUser, bigOnly], NOW);
    expect(rest).toEqual([]);
    const time = Date.parse('2026-11-28T11:59:00Z');
    expect(plan!.updates).toEqual([
      { keyName: 'domain_userid', id: 'a', events: [{ eventId: 'e1', updates: [{ hash: 'spend', spec, value: 20, time }, { hash: 'big', spec, value: 20, time }] }] },
      { keyName: 'user_id', id: 'u', events: [{ eventId: 'e1', updates: [{ hash: 'spend-user', spec, value: 20, time }] }] },
      { keyName: 'domain_userid', id: 'b', events: [{ eventId: 'e2', updates: [{ hash: 'spend', spec, value: 5, time }] }] },
    ]);
    expect(plan!.placements).toEqual([[[0, 0], [1, 0]], [[2, 0]], [], []]);
    // e3's value is not numeric for either attribute of `a` (the filter of `big` fails first).
    expect(plan!.skippedValues).toBe(1);
  });

  it('ends a plan after an event that updates a watched attribute', () => {
    const events = ['e1', 'e2', 'e3'].map((id, i) => event(id, { domain_userid: 'a', user_id: i === 1 ? 'u' : undefined, se_value: '1' }));
    const plans = planBatches(events, () => [spend, spendByUser], NOW, { commitAfter: (h) => h === 'spend-user' });
    expect(plans.map((p) => p.events.map((e) => e['event_id']))).toEqual([['e1', 'e2'], ['e3']]);
  });

  it('an event time after processing is clamped to now', () => {
    const [plan] = planBatches([event('e1', { domain_userid: 'a', se_value: 1, collector_tstamp: '2030-01-01T00:00:00.000Z' })], () => [spend], NOW);
    expect(plan!.updates[0]!.events[0]!.updates[0]!.time).toBe(NOW);
  });
});
