import { type InterventionCriteria, InterventionCriteriaSchema } from '@signalbox/core';
import { describe, expect, it } from 'vitest';
import { type CriteriaCounters, compileCriteria } from './intervention-criteria.js';

const evaluate = (criteria: InterventionCriteria, values: Record<string, unknown>, options = {}) =>
  compileCriteria(InterventionCriteriaSchema.parse(criteria), options)((ref) => values[ref]);

type Row = [value: unknown, operator: string, operand: unknown, expected: boolean];

/** Each row: the attribute's current value, the operator, the criterion's value, whether it holds. */
const ROWS: Row[] = [
  // =
  [5, '=', 5, true],
  ['5', '=', 5, true],
  ['5.0', '=', 5, true],
  [5, '=', '5', true],
  [5, '=', 6, false],
  ['abc', '=', 'abc', true],
  ['abc', '=', 'ABC', false],
  [true, '=', true, true],
  [true, '=', 'true', true],
  [1, '=', true, false],
  [null, '=', 5, false],
  [undefined, '=', 'x', false],
  [['a'], '=', 'a', false],
  // !=
  [5, '!=', 6, true],
  [5, '!=', '5', false],
  ['a', '!=', 'b', true],
  [null, '!=', 5, false],
  // < > <= >=
  [3, '<', 5, true],
  ['10', '<', 9, false],
  ['10', '>', 9, true],
  [9.5, '>', '9', true],
  ['b', '>', 'a', true],
  ['2026-11-28T12:00:00.000Z', '>', '2026-11-01T00:00:00.000Z', true],
  ['abc', '<', 5, false],
  ['abc', '>', 5, false],
  [5, '<=', 5, true],
  [4, '<=', 5, true],
  [6, '<=', 5, false],
  [5, '>=', 5, true],
  [4, '>=', 5, false],
  [null, '<', 5, false],
  [null, '>=', 0, false],
  [[1, 2], '>', 0, false],
  // like / not like
  ['checkout/step1', 'like', 'checkout%', true],
  ['Checkout/step1', 'like', 'checkout%', false],
  ['cart', 'like', 'c_rt', true],
  ['cart', 'like', 'c_t', false],
  [123, 'like', '1%', true],
  [['checkout'], 'like', 'checkout%', false],
  [null, 'like', '%', false],
  ['home', 'not like', 'checkout%', true],
  ['checkout', 'not like', 'checkout%', false],
  [null, 'not like', 'checkout%', false],
  [['home'], 'not like', 'checkout%', false],
  // rlike / not rlike
  ['https://shop.example/checkout', 'rlike', '/check(out)?$', true],
  ['https://shop.example/cart', 'rlike', '/check(out)?$', false],
  ['ORDER-123', 'rlike', '^ORDER-\\d+$', true],
  ['order-123', 'rlike', '^ORDER-\\d+$', false],
  [404, 'rlike', '^4\\d\\d$', true],
  ['b', 'rlike', ['^a', '^b'], true],
  [null, 'rlike', '.*', false],
  [['a'], 'rlike', 'a', false],
  ['https://shop.example/cart', 'not rlike', 'checkout', true],
  ['https://shop.example/checkout', 'not rlike', 'checkout', false],
  ['c', 'not rlike', ['^a', '^b'], true],
  [null, 'not rlike', 'x', false],
  // in / not in
  ['b', 'in', ['a', 'b'], true],
  ['c', 'in', ['a', 'b'], false],
  [2, 'in', ['1', '2'], true],
  ['2', 'in', [1, 2], true],
  [['x', 'y'], 'in', 'y', true],
  [['x'], 'in', 'z', false],
  [['x', 'y'], 'in', ['z', 'y'], true],
  [[1, 2], 'in', '2', true],
  [[], 'in', 'x', false],
  [null, 'in', ['a'], false],
  ['c', 'not in', ['a', 'b'], true],
  ['a', 'not in', ['a', 'b'], false],
  [['x'], 'not in', 'z', true],
  [['x', 'z'], 'not in', 'z', false],
  [[], 'not in', 'z', true],
  [null, 'not in', ['a'], false],
  // is null / is not null
  [null, 'is null', undefined, true],
  [undefined, 'is null', undefined, true],
  [0, 'is null', undefined, false],
  ['', 'is null', undefined, false],
  [[], 'is null', undefined, false],
  [null, 'is not null', undefined, false],
  [0, 'is not null', undefined, true],
  [false, 'is not null', undefined, true],
  [[], 'is not null', undefined, true],
];

describe('intervention criteria: operators', () => {
  it.each(ROWS)('%j %s %j → %s', (value, operator, operand, expected) => {
    const criterion = { attribute: 'g:a', operator, ...(operand === undefined ? {} : { value: operand }) } as InterventionCriteria;
    expect(evaluate(criterion, { 'g:a': value })).toBe(expected);
  });

  it('covers all 14 operators', () => {
    expect(new Set(ROWS.map((r) => r[1])).size).toBe(14);
  });
});

describe('intervention criteria: combinators', () => {
  const gt = (attribute: string, value: number) => ({ attribute, operator: '>', value }) as InterventionCriteria;
  const values = { 'g:a': 5, 'g:b': 1, 'h:c': null };
  it.each([
    ['all true', { all: [gt('g:a', 1), gt('g:b', 0)] }, true],
    ['all with one false', { all: [gt('g:a', 1), gt('g:b', 1)] }, false],
    ['all with a null attribute', { all: [gt('g:a', 1), gt('h:c', 0)] }, false],
    ['any with one true', { any: [gt('g:a', 10), gt('g:b', 0)] }, true],
    ['any all false', { any: [gt('g:a', 10), gt('g:b', 5)] }, false],
    ['none all false', { none: [gt('g:a', 10), gt('g:b', 5)] }, true],
    ['none with one true', { none: [gt('g:a', 10), gt('g:b', 0)] }, false],
    // NOR over a comparison that is false because the attribute has no value: holds.
    ['none over a null attribute', { none: [gt('h:c', 0)] }, true],
    ['none over is null', { none: [{ attribute: 'h:c', operator: 'is null' }] }, false],
    ['nested', { all: [gt('g:a', 1), { any: [gt('g:b', 5), { none: [gt('g:a', 100)] }] }] }, true],
    ['nested, inner false', { all: [gt('g:a', 1), { any: [gt('g:b', 5), { none: [gt('g:a', 1)] }] }] }, false],
    ['deep', { any: [{ all: [{ none: [{ any: [gt('g:a', 100)] }] }] }] }, true],
  ] as Array<[string, InterventionCriteria, boolean]>)('%s', (_name, criteria, expected) => {
    expect(evaluate(criteria, values)).toBe(expected);
  });

  it('reads each reference lazily: any stops at the first true', () => {
    const read: string[] = [];
    const compiled = compileCriteria(InterventionCriteriaSchema.parse({ any: [gt('g:a', 1), gt('g:b', 0)] }));
    expect(compiled((ref) => (read.push(ref), 5))).toBe(true);
    expect(read).toEqual(['g:a']);
  });
});

describe('intervention criteria: rlike safety', () => {
  it('gives up on a match over its step budget: false both ways, and counted', () => {
    const counters: CriteriaCounters = { rlikeBudgetExceeded: 0 };
    const long = 'abc'.repeat(10_000);
    expect(evaluate({ attribute: 'g:a', operator: 'rlike', value: '(a|b|c)*d' }, { 'g:a': long }, { rlikeBudget: 1000, counters })).toBe(false);
    expect(evaluate({ attribute: 'g:a', operator: 'not rlike', value: '(a|b|c)*d' }, { 'g:a': long }, { rlikeBudget: 1000, counters })).toBe(false);
    expect(counters.rlikeBudgetExceeded).toBe(2);
  });

  it('runs a catastrophic-backtracking pattern without stalling', () => {
    // With RegExp this takes longer than the test run; the linear matcher answers at once.
    expect(evaluate({ attribute: 'g:a', operator: 'rlike', value: '^(a+)+$' }, { 'g:a': `${'a'.repeat(10_000)}!` })).toBe(false);
  });

  it('refuses patterns that need backtracking when the definition is parsed', () => {
    const result = InterventionCriteriaSchema.safeParse({ attribute: 'g:a', operator: 'rlike', value: '(a)\\1' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/backreferences are not supported/);
    expect(InterventionCriteriaSchema.safeParse({ attribute: 'g:a', operator: 'rlike', value: 5 }).success).toBe(false);
  });
});
