/**
 * The nesting bound of intervention criteria (docs/limits.md). `all` / `any` / `none` nest
 * recursively and zod validates them recursively, so criteria a few hundred levels deep overflow
 * the stack before a single rule is checked. This pre-check measures the raw input with its own
 * stack and refuses it first; the schema (intervention.ts) runs it before anything else.
 */
import type { z } from 'zod';

/** How many levels of `all` / `any` / `none` a criteria tree may nest. */
export const MAX_CRITERIA_DEPTH = 16;

const GROUPS = ['all', 'any', 'none'] as const;

/**
 * Whether raw (not yet validated) criteria nest `all` / `any` / `none` more than
 * {@link MAX_CRITERIA_DEPTH} levels deep. Only the grouping keys are followed; anything else is
 * left to the schema.
 *
 * @example
 * ```ts
 * criteriaTooDeep({ all: [{ any: [{ attribute: 'g:a', operator: '>', value: 1 }] }] }) // false: 2 levels
 * ```
 */
export function criteriaTooDeep(criteria: unknown, limit = MAX_CRITERIA_DEPTH): boolean {
  const nodes: unknown[] = [criteria];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) continue;
    for (const group of GROUPS) {
      const list: unknown = Object.hasOwn(node, group) ? (node as Record<string, unknown>)[group] : undefined;
      if (!Array.isArray(list)) continue;
      if (depth === limit) return true;
      for (const child of list) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** For `z.preprocess`: reports criteria over the bound, so the recursive schema never sees them. */
export function boundCriteriaDepth(criteria: unknown, ctx: z.RefinementCtx): unknown {
  if (criteriaTooDeep(criteria)) {
    ctx.addIssue({
      code: 'custom',
      message: `all / any / none nest deeper than the limit of ${MAX_CRITERIA_DEPTH} levels; flatten the criteria`,
      input: criteria,
    });
  }
  return criteria;
}
