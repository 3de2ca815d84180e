/** Which fields a write would change in a published definition, and where two keys of one name disagree. */
import { type AttributeKey, AttributeKey as AttributeKeySchema, builtInKey } from '@signalbox/core';
import { describe, expect, it } from 'vitest';
import { describeChanges, immutableChanges, keyDisagreements } from './changes.js';

describe('immutableChanges', () => {
  const group = { name: 'g', owner: 'a', ttl: undefined, attributes: [{ name: 'a', aggregation: 'counter' }, { name: 'b', aggregation: 'last', period: 'PT1H' }] };

  it('ignores description, owner, is_published and an undefined optional', () => {
    expect(immutableChanges(group, { ...group, owner: 'b', description: 'new', is_published: true })).toEqual([]);
  });

  it('ignores descriptions and owners at any depth, but not what sits beside them', () => {
    const after = {
      ...group,
      attributes: [{ name: 'a', aggregation: 'counter', description: 'counts' }, { name: 'b', aggregation: 'last', period: 'PT1H' }],
      batch_source: { name: 's', owner: 'b@example.com' },
    };
    const before = { ...group, batch_source: { name: 's', owner: 'a@example.com' } };
    expect(immutableChanges(before, after)).toEqual([]);
    expect(immutableChanges(before, { ...after, batch_source: { name: 't', owner: 'b@example.com' } })).toEqual(['batch_source.name']);
  });

  it('names nested paths, added and removed fields, and extra list items', () => {
    const after = { ...group, ttl: 'P1D', attributes: [{ name: 'a', aggregation: 'sum' }, { name: 'b', aggregation: 'last' }, { name: 'c' }] };
    expect(immutableChanges(group, after)).toEqual(['attributes[0].aggregation', 'attributes[1].period', 'attributes[2]', 'ttl']);
  });

  it('describes one or many fields', () => {
    expect(describeChanges(['ttl'])).toBe('field ttl');
    expect(describeChanges(['a', 'b'])).toBe('fields a, b');
  });
});

describe('keyDisagreements', () => {
  const key = (body: Record<string, unknown>): AttributeKey => AttributeKeySchema.parse(body);
  const shopper = key({ name: 'shopper_id', property: { type: 'atomic', name: 'user_id' }, ttl: 'P1D' });

  it('finds nothing where the carried key leaves a field out, or says the same in other words', () => {
    expect(keyDisagreements(key({ name: 'shopper_id' }), shopper, true)).toEqual([]);
    expect(keyDisagreements(key({ name: 'shopper_id', key: 'user_id', ttl: 'PT24H', description: 'other words' }), shopper, true)).toEqual([]);
    const sdkConstant = key({ name: 'domain_sessionid', key: 'domain_sessionid', description: 'The domain session ID for the session.' });
    expect(keyDisagreements(sdkConstant, builtInKey('domain_sessionid')!, true)).toEqual([]);
    expect(keyDisagreements(key({ name: 'user', key: 'domain_userid' }), builtInKey('user')!, true)).toEqual([]);
  });

  it('names where the keys would make a group compute differently', () => {
    expect(keyDisagreements(key({ name: 'shopper_id', property: { type: 'atomic', name: 'user_ipaddress' } }), shopper, true)).toEqual(['property']);
    expect(keyDisagreements(key({ name: 'shopper_id', key: 'network_userid', ttl: 'P2D', external_column: 'id' }), shopper, true))
      .toEqual(['key', 'external_column', 'ttl']);
    expect(keyDisagreements(key({ name: 'domain_userid', key: 'user_id' }), builtInKey('domain_userid')!, true)).toEqual(['key']);
    expect(keyDisagreements({ ...builtInKey('domain_userid')!, key: 'user_ipaddress' }, builtInKey('domain_userid')!, true)).toEqual(['key']);
  });

  it('compares every field when the other key would replace the carried one', () => {
    const carried = key({ name: 'shopper_id', property: { type: 'atomic', name: 'user_id' } });
    expect(keyDisagreements(carried, shopper, false)).toEqual(['ttl']);
    expect(keyDisagreements(carried, key({ name: 'shopper_id', key: 'user_id' }), false)).toEqual([]);
  });
});
