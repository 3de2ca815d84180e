/**
 * How one attribute of one group version is read for one identifier (design §3 "Values"),
 * shared by `get-online-attributes` and rule interventions so both see the same values:
 *
 * - an identifier with no live state in the group reads `null` for every attribute of the group;
 * - with live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null;
 * - the declared type fixes the JSON type returned.
 *
 * This module holds the pure half (design §4 "Core is pure and browser-safe"): what to read and
 * what a live identifier without a value reads as. Reading the state itself needs a Profiles
 * Store and stays with the server. A `ReadableAttribute` is plain JSON, so interventions can
 * record it in the event log.
 */
import type { AttributeGroup } from '../definitions/attribute-group.js';
import type { AttributeKey } from '../definitions/attribute-key.js';
import type { Aggregation, Attribute, AttributeType } from '../definitions/attribute.js';
import type { AggregationSpec } from './aggregation.js';
import { specOf } from './compiled-view.js';
import { describeAttribute } from './published-view.js';
import { typeDefault } from './values.js';

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

export function readableAttribute(
  group: AttributeGroup,
  key: AttributeKey,
  attribute: Attribute,
  defaultTtlSeconds: number,
): ReadableAttribute {
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
