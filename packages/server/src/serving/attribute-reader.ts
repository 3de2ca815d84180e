/**
 * How one attribute of one group version reads for one identifier (design §3 "Values"), shared
 * by `get-online-attributes` and rule interventions so both see the same values:
 *
 * - an identifier with no live state in the group reads `null` for every attribute of the group;
 * - with live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null;
 * - the declared type fixes the JSON type returned.
 *
 * A `ReadableAttribute` is plain JSON, so interventions can record it in the event log. The rule
 * reads states through a `LiveState` lookup: serving looks in what one batched store read
 * returned, rule interventions in the engine's working set.
 */
import {
  type AggregationSpec,
  type AttributeState,
  type Aggregation,
  type Attribute,
  type AttributeGroup,
  type AttributeKey,
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
