/**
 * Rule interventions (reference §2.10) and the instances they deliver (§2.11).
 * Criteria are a tree of `all` / `any` / `none` over `group:attribute` comparisons.
 */
import { z } from 'zod';
import { linearRegexProblem } from '../semantics/linear-regex.js';
import { BOOKKEEPING_FIELDS, Description, IsPublished, Name, NameLink, Owner, Version, definitionObject, optional } from './common.js';
import { boundCriteriaDepth } from './criteria-depth.js';

export const INTERVENTION_OPERATORS = [
  '=', '!=', '<', '>', '<=', '>=', 'like', 'not like', 'rlike', 'not rlike', 'in', 'not in', 'is null', 'is not null',
] as const;
export type InterventionOperator = (typeof INTERVENTION_OPERATORS)[number];

/** Signals' `changed` (reference §2.10, later) is named as not supported rather than as unknown. */
const Operator = z.enum(INTERVENTION_OPERATORS, {
  error: (issue) =>
    issue.code === 'invalid_value' && issue.input === 'changed'
      ? `"changed" is a Signals operator Signalbox does not support yet; use one of ${INTERVENTION_OPERATORS.join(', ')}`
      : undefined,
});

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export const AttributeReference = z
  .string()
  .min(3)
  .max(257)
  .regex(/^[A-Za-z0-9_]{1,128}:[A-Za-z0-9_]{1,128}$/, { message: 'must be "group_name:attribute_name" (no version)' });

const CriterionValue = z
  .union([Scalar, z.array(Scalar).max(1000)])
  .nullish()
  .transform((v) => v ?? undefined);

export interface InterventionCriterion {
  attribute: string;
  operator: InterventionOperator;
  value?: z.output<typeof CriterionValue>;
}

export type InterventionCriteria =
  | InterventionCriterion
  | { all: InterventionCriteria[] }
  | { any: InterventionCriteria[] }
  | { none: InterventionCriteria[] };

const GROUPINGS = ['all', 'any', 'none'] as const;

/** The rules of one comparison, beyond the types of its fields. */
function checkCriterion(c: { operator: InterventionOperator; value: unknown }, ctx: z.RefinementCtx): void {
  const noValue = c.operator === 'is null' || c.operator === 'is not null';
  if (!noValue && c.value === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${c.operator}" requires a value` });
  }
  if (c.operator === 'rlike' || c.operator === 'not rlike') {
    // Patterns run on a linear-time matcher (semantics/linear-regex.ts); what it cannot run
    // without backtracking is refused here, before the definition is stored.
    const patterns = Array.isArray(c.value) ? c.value : [c.value];
    patterns.forEach((pattern, index) => {
      const path = Array.isArray(c.value) ? ['value', index] : ['value'];
      if (typeof pattern !== 'string') {
        ctx.addIssue({ code: 'custom', path, message: `operator "${c.operator}" needs a regular expression (a string)` });
        return;
      }
      const problem = linearRegexProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', path, message: `is not a usable regular expression: ${problem}` });
    });
  }
}

const CriteriaList: z.ZodType<InterventionCriteria[]> = z.lazy(() => z.array(InterventionCriteriaSchema).min(1).max(100));

/**
 * One node of the criteria tree: a grouping (`all`, `any` or `none`) or a comparison
 * (`attribute`, `operator`, `value`). It is read as one object rather than a union of four so
 * that a problem is reported where it is — an unknown operator answers the operators that
 * exist, at the operator's path — instead of "matches none of the four shapes".
 */
const CriteriaNode = definitionObject({
  all: optional(CriteriaList),
  any: optional(CriteriaList),
  none: optional(CriteriaList),
  attribute: optional(AttributeReference),
  operator: optional(Operator),
  value: CriterionValue,
})
  .superRefine((node, ctx) => {
    const groupings = GROUPINGS.filter((g) => node[g] !== undefined);
    const comparison = node.attribute !== undefined || node.operator !== undefined || node.value !== undefined;
    if (groupings.length + (comparison ? 1 : 0) !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a criteria node is exactly one of {"all": [...]}, {"any": [...]}, {"none": [...]} or a comparison {"attribute", "operator", "value"}',
      });
      return;
    }
    if (!comparison) return;
    if (node.attribute === undefined) ctx.addIssue({ code: 'custom', path: ['attribute'], message: 'Field required' });
    if (node.operator === undefined) {
      ctx.addIssue({ code: 'custom', path: ['operator'], message: `Field required (one of ${INTERVENTION_OPERATORS.join(', ')})` });
    } else {
      checkCriterion({ operator: node.operator, value: node.value }, ctx);
    }
  })
  .transform((node): InterventionCriteria => {
    for (const g of GROUPINGS) if (node[g] !== undefined) return { [g]: node[g] } as InterventionCriteria;
    return { attribute: node.attribute!, operator: node.operator!, value: node.value };
  });

export const InterventionCriteriaSchema: z.ZodType<InterventionCriteria> = z.lazy(() => CriteriaNode);

export const RuleIntervention = definitionObject({
  name: Name,
  version: Version.nullish().transform((v) => v ?? 1),
  description: Description,
  owner: Owner,
  // The depth is checked before the recursive schema runs (criteria-depth.ts).
  criteria: z.preprocess(boundCriteriaDepth, InterventionCriteriaSchema),
  target_attribute_keys: optional(z.array(NameLink).min(1).max(100)),
  is_published: IsPublished,
}, {
  ignored: BOOKKEEPING_FIELDS,
  unsupported: { payload_attribute_groups: 'the payload carries the attributes the criteria reference; remove it' },
});
export type RuleIntervention = z.output<typeof RuleIntervention>;

/** What subscribers receive, and what a direct push sends. `target_entity` is the pre-0.3 name. */
export const InterventionInstance = z.object({
  intervention_id: optional(z.string().uuid()),
  name: Name,
  version: Version.nullish().transform((v) => v ?? 1),
  target_attribute_key: optional(z.object({ name: Name, id: z.string().min(1).max(128) })),
  attributes: optional(z.record(z.string(), z.unknown())),
});
export type InterventionInstance = z.output<typeof InterventionInstance>;

/** Every `group:attribute` reference in a criteria tree, in order of appearance. */
export function criteriaReferences(criteria: InterventionCriteria): InterventionCriterion[] {
  if ('all' in criteria) return criteria.all.flatMap(criteriaReferences);
  if ('any' in criteria) return criteria.any.flatMap(criteriaReferences);
  if ('none' in criteria) return criteria.none.flatMap(criteriaReferences);
  return [criteria];
}
