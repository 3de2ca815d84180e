/**
 * The identifier an event carries for an attribute key (design §3 "State, TTL, idempotency":
 * state is kept per identifier; "Interventions": each group is read with the identifier of its
 * own key; §4 "Core is pure and browser-safe"). The stream engine, the intervention evaluator
 * and any other reader of identifiers must agree on it, or an intervention would look up a
 * profile the engine never wrote: one rule, here.
 */

/**
 * The identifier read from an event (a property reader's result), as a Profiles Store key.
 *
 * Absent (`undefined`) when the event has none: `undefined`, `null` or the empty string. Any
 * other value is the identifier: a string as is, anything else as `String(raw)` (a numeric
 * `user_id` of 42 and the string `"42"` are the same profile).
 *
 * @example
 * ```ts
 * identifierOf('d2f1…') // 'd2f1…'
 * identifierOf(42)      // '42'
 * identifierOf('')      // undefined
 * ```
 */
export function identifierOf(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return typeof raw === 'string' ? raw : String(raw);
}
