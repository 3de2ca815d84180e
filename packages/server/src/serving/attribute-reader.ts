/**
 * How one attribute of one group version reads for one identifier (design §3 "Values"), shared
 * by `get-online-attributes` and rule interventions so both see the same values:
 *
 * - an identifier with no live state in the group reads `null` for every attribute of the group;
 * - with live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null;
 * - the declared type fixes the JSON type returned.
 *
 * What to read and what a live identifier without a value reads as is pure and lives in core
 * (`readableAttribute`, design §4). The rule reads states through a `LiveState` lookup: serving
 * looks in what one batched store read returned, rule interventions in the engine's working set.
 */
import { type ReadableAttribute, outputValue } from '@signalbox/core';
import { type AttributeState, readValue } from '@signalbox/core/internal';

/** The live state (unexpired at the read's `now`) of an attribute for one identifier, or undefined. */
export type LiveState = (attribute: ReadableAttribute) => AttributeState | undefined;

/** Whether the identifier has live state for any of the group's attributes. */
export function hasLiveState(live: LiveState, attributes: readonly ReadableAttribute[]): boolean {
  return attributes.some((a) => a.hash !== undefined && live(a) !== undefined);
}

/** The value of an attribute for an identifier known to be live in its group. */
export function readLiveAttribute(live: LiveState, attribute: ReadableAttribute, now: number): unknown {
  if (attribute.hash === undefined) return null;
  const state = live(attribute);
  const value = state ? readValue(attribute.spec!, state, now) : undefined;
  return outputValue(attribute.type, value === undefined ? attribute.fallback : value);
}
