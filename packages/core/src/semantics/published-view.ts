/**
 * The engine view (reference §16.1): every attribute the stream engine must compute, derived from
 * the published, online stream group versions and deduplicated by definition hash. Pure: the
 * registry hands in its objects, the engine and `GET /engines/stream_attributes` read the result.
 */
import type { Aggregation, Attribute, AttributeType } from '../definitions/attribute.js';
import type { AttributeGroup } from '../definitions/attribute-group.js';
import { groupKind } from '../definitions/attribute-group.js';
import type { AttributeKey } from '../definitions/attribute-key.js';
import { keyProperty } from '../definitions/attribute-key.js';
import type { Criteria } from '../definitions/criteria.js';
import type { EventSelector } from '../definitions/event-selector.js';
import type { Property } from '../definitions/properties.js';
import { durationSeconds } from '../time/duration.js';
import { definitionHash } from './hashing.js';
import { tileWidthMs } from './windows.js';

export interface SourceGroup {
  name: string;
  version: number;
  attribute_name: string;
}

export interface PublishedStreamAttribute {
  definition_hash: string;
  attribute_key_name: string;
  attribute_key_or_name: string;
  attribute_key: { name: string; key: string; property: Property; blobl_path: string | null };
  type: AttributeType;
  aggregation: Aggregation;
  events: EventSelector[];
  property: Property | null;
  criteria: Criteria | null;
  period: string | null;
  /** Seconds of inactivity after which the state expires. */
  ttl: number;
  source_groups: SourceGroup[];
}

export const DEFAULT_TTL_SECONDS = 7 * 86400;

/** A group as the view needs it: its definition and its resolved attribute key. */
export interface ResolvedGroup {
  group: AttributeGroup;
  key: AttributeKey;
}

/** The attribute key column a group reads, as `attribute_key_or_name` reports it. */
export function keyColumn(key: AttributeKey): string {
  const p = keyProperty(key);
  return p?.type === 'atomic' ? p.name : (key.key ?? key.name);
}

export function effectiveTtlSeconds(
  group: AttributeGroup,
  key: AttributeKey,
  period: string | undefined,
  defaultTtlSeconds: number,
): number {
  if (period) {
    const periodS = durationSeconds(period);
    return periodS + tileWidthMs(periodS * 1000) / 1000;
  }
  const ttl = group.ttl ?? key.ttl;
  return ttl ? durationSeconds(ttl) : defaultTtlSeconds;
}

/** One attribute of one group version as the engine computes it (before deduplication). */
export function describeAttribute(
  group: AttributeGroup,
  key: AttributeKey,
  attribute: Attribute,
  defaultTtlSeconds = DEFAULT_TTL_SECONDS,
): PublishedStreamAttribute | undefined {
  const keyProp = keyProperty(key);
  if (!keyProp) return undefined;
  const property = attribute.aggregation === 'counter' ? null : (attribute.property ?? null);
  const criteria = attribute.criteria ?? null;
  const hash = definitionHash({
    key: { name: key.name, property: keyProp },
    events: attribute.events,
    aggregation: attribute.aggregation,
    property,
    criteria,
    period: attribute.period ? durationSeconds(attribute.period) : null,
    type: attribute.type,
  });
  return {
    definition_hash: hash,
    attribute_key_name: key.name,
    attribute_key_or_name: keyColumn(key),
    attribute_key: { name: key.name, key: key.key ?? keyColumn(key), property: keyProp, blobl_path: null },
    type: attribute.type,
    aggregation: attribute.aggregation,
    events: attribute.events,
    property,
    criteria,
    period: attribute.period ?? null,
    ttl: effectiveTtlSeconds(group, key, attribute.period, defaultTtlSeconds),
    source_groups: [{ name: group.name, version: group.version, attribute_name: attribute.name }],
  };
}

/** Build the deduplicated view from the groups that are published and online. */
export function buildStreamView(groups: readonly ResolvedGroup[], defaultTtlSeconds = DEFAULT_TTL_SECONDS): PublishedStreamAttribute[] {
  const byHash = new Map<string, PublishedStreamAttribute>();
  for (const { group, key } of groups) {
    if (!group.is_published || !group.online || groupKind(group) !== 'stream') continue;
    for (const attribute of group.attributes ?? []) {
      const described = describeAttribute(group, key, attribute, defaultTtlSeconds);
      if (!described) continue;
      const existing = byHash.get(described.definition_hash);
      if (existing) {
        existing.source_groups.push(...described.source_groups);
        existing.ttl = Math.max(existing.ttl, described.ttl);
      } else {
        byHash.set(described.definition_hash, described);
      }
    }
  }
  return [...byHash.values()];
}
