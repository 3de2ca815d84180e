/**
 * How one attribute of one group version reads for one identifier (design §3 "Values"), shared
 * by `get-online-attributes` and rule interventions so both see the same values:
 *
 * - an identifier with no live state in the group reads `null` for every attribute of the group;
 * - with live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null;
 * - the declared type fixes the JSON type returned.
 *
 * Reading is pure over states fetched from the Profiles Store in one batched read (`readsOf`).
 * A `ReadableAttribute` is plain JSON, so interventions can record it in the event log.
 */
import {
  type AggregationSpec,
  type Aggregation,
  type Attribute,
  type AttributeGroup,
  type AttributeKey,
  type AttributeState,
  type AttributeType,
  describeAttribute,
  outputValue,
  readValue,
  typeDefault,
  specOf,
} from '@signalbox/core';

export interface ReadableAttribute {
  name: string;
  /** Where the state lives; undefined for attributes the stream engine does not compute (offline groups). */
  hash: string | undefined;
  spec: AggregationSpec | undefined;
  type: AttributeType;
  aggregation: Aggregation;
  /** What a live identifier without a value reads as, before typing. */
  fallback: unknown;
}

export function readableAttribute(group: AttributeGroup, key: AttributeKey, attribute: Attribute, defaultTtlSeconds: number): ReadableAttribute {
  const described = group.offline ? undefined : describeAttribute(group, key, attribute, defaultTtlSeconds);
  return {
    name: attribute.name,
    hash: described?.definition_hash,
    spec: described ? specOf(described) : undefined,
    type: attribute.type,
    aggregation: attribute.aggregation,
    fallback: attribute.default_value ?? typeDefault(attribute.aggregation),
  };
}

/** A state lookup by definition hash, over states read from the Profiles Store in one call. */
export type StateOf = (hash: string) => AttributeState | undefined;

/** Whether the identifier has live state for any of the group's attributes. */
export function hasLiveState(stateOf: StateOf, attributes: readonly ReadableAttribute[]): boolean {
  return attributes.some((a) => a.hash !== undefined && stateOf(a.hash) !== undefined);
}

/** The value of an attribute for an identifier known to be live in its group. */
export function readLiveAttribute(stateOf: StateOf, attribute: ReadableAttribute, now: number): unknown {
  if (attribute.hash === undefined) return null;
  const state = stateOf(attribute.hash);
  const value = state ? readValue(attribute.spec!, state, now) : undefined;
  return outputValue(attribute.type, value === undefined ? attribute.fallback : value);
}

/** The distinct (hash, spec) pairs to read for these attributes: one store read covers them all. */
export function readsOf(attributes: Iterable<ReadableAttribute>): Array<{ hash: string; spec: AggregationSpec }> {
  const reads = new Map<string, { hash: string; spec: AggregationSpec }>();
  for (const a of attributes) if (a.hash !== undefined && !reads.has(a.hash)) reads.set(a.hash, { hash: a.hash, spec: a.spec! });
  return [...reads.values()];
}

/** Where each definition hash sits in `reads`. */
export function positionsOf(reads: ReadonlyArray<{ hash: string }>): Map<string, number> {
  return new Map(reads.map((r, i) => [r.hash, i]));
}

/** A `StateOf` over the states a store returned for the reads at `positions`. */
export function stateLookup(positions: ReadonlyMap<string, number>, states: ReadonlyArray<AttributeState | undefined>): StateOf {
  return (hash) => {
    const at = positions.get(hash);
    return at === undefined ? undefined : states[at];
  };
}
