/**
 * Attribute filters (reference §2.3): `{all?, any?}` lists of `{property, operator, value}`.
 * Evaluated per event before aggregation; see semantics/criteria.ts for the rules.
 */
import { z } from 'zod';
import { definitionObject } from './common.js';
import { Property } from './properties.js';

export const FILTER_OPERATORS = ['=', '!=', '<', '>', '<=', '>=', 'like', 'in', 'is null', 'is not null'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.output<typeof Scalar>;
/** A scalar or a homogeneous list of scalars. */
export const CriterionValue = z.union([Scalar, z.array(Scalar).max(1000)]).refine(
  (v) => !Array.isArray(v) || v.every((x) => typeof x === typeof v[0]),
  { message: 'a list value must hold values of one type' },
);

export const Criterion = definitionObject({
    property: Property,
    operator: z.enum(FILTER_OPERATORS),
    value: CriterionValue.nullish().transform((v) => v ?? undefined),
})
  .superRefine((c, ctx) => {
    const needsValue = c.operator !== 'is null' && c.operator !== 'is not null';
    if (needsValue && c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${c.operator}" requires a value` });
    }
    if (c.operator === 'in' && c.value !== undefined && !Array.isArray(c.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'operator "in" requires a list value' });
    }
  });
export type Criterion = z.output<typeof Criterion>;

const CriterionList = z.array(Criterion).min(1).max(100);
export const Criteria = definitionObject({
    all: CriterionList.nullish().transform((v) => v ?? undefined),
    any: CriterionList.nullish().transform((v) => v ?? undefined),
})
  .refine((c) => c.all !== undefined || c.any !== undefined, { message: 'criteria need "all" or "any"' });
export type Criteria = z.output<typeof Criteria>;
