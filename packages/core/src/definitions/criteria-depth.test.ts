import { describe, expect, it } from 'vitest';
import { MAX_CRITERIA_DEPTH, criteriaTooDeep } from './criteria-depth.js';
import { RuleIntervention } from './intervention.js';

const leaf = { attribute: 'g:a', operator: '>', value: 1 };
/** Criteria nesting `levels` groups, cycling through all / any / none. */
function nested(levels: number): unknown {
  let criteria: unknown = leaf;
  for (let i = 0; i < levels; i++) criteria = { [['all', 'any', 'none'][i % 3]!]: [leaf, criteria] };
  return criteria;
}

describe('the nesting bound of intervention criteria', () => {
  it(`accepts ${MAX_CRITERIA_DEPTH} levels of all / any / none`, () => {
    expect(criteriaTooDeep(nested(MAX_CRITERIA_DEPTH))).toBe(false);
    expect(RuleIntervention.safeParse({ name: 'i', criteria: nested(MAX_CRITERIA_DEPTH) }).success).toBe(true);
  });

  it('refuses one level more, at the criteria, naming the limit', () => {
    expect(criteriaTooDeep(nested(MAX_CRITERIA_DEPTH + 1))).toBe(true);
    const result = RuleIntervention.safeParse({ name: 'i', criteria: nested(MAX_CRITERIA_DEPTH + 1) });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['criteria'], message: 'all / any / none nest deeper than the limit of 16 levels; flatten the criteria' }),
    ]);
  });

  it('refuses criteria 1,000 and 100,000 levels deep before the recursive schema runs', () => {
    for (const levels of [1000, 100_000]) {
      const result = RuleIntervention.safeParse({ name: 'i', criteria: nested(levels) });
      expect(result.error?.issues.map((i) => i.message)).toEqual(['all / any / none nest deeper than the limit of 16 levels; flatten the criteria']);
    }
  });

  it('follows only the grouping keys; the schema judges the rest', () => {
    expect(criteriaTooDeep({ attribute: 'g:a', operator: 'in', value: [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]] })).toBe(false);
    expect(criteriaTooDeep('all')).toBe(false);
    expect(criteriaTooDeep({ all: 'not a list' })).toBe(false);
  });
});
