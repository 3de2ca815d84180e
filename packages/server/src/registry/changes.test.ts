/** Which fields a write would change in a published definition, as the refusal names them. */
import { describe, expect, it } from 'vitest';
import { describeChanges, immutableChanges } from './changes.js';

describe('immutableChanges', () => {
  const group = { name: 'g', owner: 'a', ttl: undefined, attributes: [{ name: 'a', aggregation: 'counter' }, { name: 'b', aggregation: 'last', period: 'PT1H' }] };

  it('ignores description, owner, is_published and an undefined optional', () => {
    expect(immutableChanges(group, { ...group, owner: 'b', description: 'new', is_published: true })).toEqual([]);
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
