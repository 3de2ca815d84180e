/**
 * Rule intervention criteria (reference §2.10, §4.10; design §3 "Criteria"), compiled once per
 * published intervention into a function of "how to read a `group:attribute` reference".
 *
 * - `all` is AND, `any` is OR, `none` is NOR; they nest.
 * - An attribute without a value (null) makes every comparison false except `is null`.
 * - `=`, `!=`, `<`, `>`, `<=`, `>=`, `like`, `in` are the shared comparison rules of
 *   @signalbox/core (numeric strings compare as numbers, `like` is whole-string SQL LIKE, `in`
 *   against a list attribute tests that the list contains the value).
 * - The negations (`not like`, `not rlike`) are false where their positive form cannot compare at
 *   all (a list attribute, a non-string pattern), so a rule never fires on a value it cannot read.
 * - `rlike` searches the value for the pattern with the linear-time matcher; a match that runs
 *   out of its step budget counts as "cannot compare" (false both ways) and is counted.
 *
 * Pure: no I/O and no clock.
 */
import type { InterventionCriteria, InterventionCriterion } from '../definitions/intervention.js';
import { compare } from './compare.js';
import { LinearRegex } from './linear-regex.js';

/** Reads a referenced attribute's current value; null or undefined when it has none. */
export type ReferenceReader = (reference: string) => unknown;
export type CompiledCriteria = (read: ReferenceReader) => boolean;

export interface CriteriaCounters {
  /** rlike matches abandoned because they exceeded their step budget. */
  rlikeBudgetExceeded: number;
}

export interface CriteriaOptions {
  rlikeBudget?: number;
  counters?: CriteriaCounters;
}

const scalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function compileCriterion(c: InterventionCriterion, options: CriteriaOptions): CompiledCriteria {
  const { attribute, operator, value } = c;
  switch (operator) {
    case 'is null':
      return (read) => read(attribute) == null;
    case 'is not null':
      return (read) => read(attribute) != null;
    case '=':
    case '!=':
    case '<':
    case '>':
    case '<=':
    case '>=':
    case 'like':
    case 'in':
      return (read) => {
        const v = read(attribute);
        return v != null && compare(operator, v, value);
      };
    case 'not in':
      return (read) => {
        const v = read(attribute);
        return v != null && !compare('in', v, value);
      };
    case 'not like':
      return (read) => {
        const v = read(attribute);
        return scalar(v) && typeof value === 'string' && !compare('like', v, value);
      };
    case 'rlike':
    case 'not rlike': {
      const patterns = (Array.isArray(value) ? value : [value]).filter((p): p is string => typeof p === 'string').map((p) => new LinearRegex(p));
      const budget = options.rlikeBudget;
      const positive = operator === 'rlike';
      return (read) => {
        const v = read(attribute);
        if (!scalar(v) || patterns.length === 0) return false;
        const text = String(v);
        let matched = false;
        for (const re of patterns) {
          const result = re.test(text, budget);
          if (result === undefined) {
            if (options.counters) options.counters.rlikeBudgetExceeded++;
            return false;
          }
          if (result) {
            matched = true;
            break;
          }
        }
        return positive ? matched : !matched;
      };
    }
  }
}

export function compileCriteria(criteria: InterventionCriteria, options: CriteriaOptions = {}): CompiledCriteria {
  if ('all' in criteria) {
    const parts = criteria.all.map((c) => compileCriteria(c, options));
    return (read) => parts.every((p) => p(read));
  }
  if ('any' in criteria) {
    const parts = criteria.any.map((c) => compileCriteria(c, options));
    return (read) => parts.some((p) => p(read));
  }
  if ('none' in criteria) {
    const parts = criteria.none.map((c) => compileCriteria(c, options));
    return (read) => !parts.some((p) => p(read));
  }
  return compileCriterion(criteria, options);
}
