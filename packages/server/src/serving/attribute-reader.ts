/**
 * How one attribute of one group version reads for one identifier (design §3 "Values"), shared
 * by `get-online-attributes` and rule interventions so both see the same values:
 *
 * - an identifier with no live state in the group reads `null` for every attribute of the group;
 * - with live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null;
 * - the declared type fixes the JSON type returned.
 *
 * What to read and what a live identifier without a value reads as is pure and lives in core
 * (`readableAttribute`, design §4); this file reads it from a Profiles Store.
 */
import { type ReadableAttribute, outputValue } from '@signalbox/core';
import { readValue } from '@signalbox/core/internal';
import type { ProfilesStore } from '../profiles/profiles-store.js';

/** Whether the identifier has live state for any of the group's attributes at `now`. */
export function hasLiveState(store: ProfilesStore, keyName: string, id: string, attributes: readonly ReadableAttribute[], now: number): boolean {
  return attributes.some((a) => a.hash !== undefined && store.read(keyName, id, a.hash, a.spec!, now) !== undefined);
}

/** The value of an attribute for an identifier known to be live in its group. */
export function readLiveAttribute(store: ProfilesStore, keyName: string, id: string, attribute: ReadableAttribute, now: number): unknown {
  if (attribute.hash === undefined) return null;
  const state = store.read(keyName, id, attribute.hash, attribute.spec!, now);
  const value = state ? readValue(attribute.spec!, state, now) : undefined;
  return outputValue(attribute.type, value === undefined ? attribute.fallback : value);
}
