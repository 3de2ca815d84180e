/**
 * Attribute filters (design §3 "Criteria"): `all` AND-ed, `any` OR-ed, both present = AND of the two.
 * With a missing or null property, `!=` is true and every other comparison false, as the Signals
 * batch engine does.
 */
import type { Criteria, Criterion } from '../definitions/criteria.js';
import type { EnrichedEvent } from '../events/index.js';
import { compare } from './compare.js';
import { compilePropertyReader } from './property-reader.js';

export type EventFilter = (event: EnrichedEvent) => boolean;

function compileCriterion(c: Criterion): EventFilter {
  const read = compilePropertyReader(c.property);
  const op = c.operator;
  if (op === 'is null') return (e) => read(e) === undefined;
  if (op === 'is not null') return (e) => read(e) !== undefined;
  const expected = c.value;
  return (e) => {
    const v = read(e);
    if (v === undefined) return op === '!=';
    return compare(op, v, expected);
  };
}

export function compileEventFilter(criteria: Criteria | undefined): EventFilter {
  if (!criteria) return () => true;
  const all = (criteria.all ?? []).map(compileCriterion);
  const any = (criteria.any ?? []).map(compileCriterion);
  return (e) => all.every((f) => f(e)) && (any.length === 0 || any.some((f) => f(e)));
}
