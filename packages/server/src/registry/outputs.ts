/**
 * Output models (reference §2): what GET and write endpoints return — the stored object plus the
 * read-only fields Signals clients expect (`full_name`, `attribute_key_or_name`, `blobl_path`, …).
 */
import { type AttributeGroup, type AttributeKey, durationSeconds, groupFullName, keyColumn } from '@signalbox/core';

export function attributeKeyOutput(key: AttributeKey): Record<string, unknown> {
  return { ...key, blobl_path: null };
}

export function attributeGroupOutput(group: AttributeGroup, key: AttributeKey): Record<string, unknown> {
  const ttl = group.ttl ?? key.ttl ?? null;
  return {
    ...group,
    attribute_key: attributeKeyOutput(key),
    full_name: groupFullName(group.name, group.version),
    feast_name: groupFullName(group.name, group.version),
    stream_source_name: group.offline ? null : `${group.name}_stream`,
    attribute_key_or_name: keyColumn(key),
    attribute_group_or_attribute_key_ttl: ttl,
    attribute_group_or_attribute_key_ttl_seconds: ttl ? durationSeconds(ttl) : null,
  };
}
