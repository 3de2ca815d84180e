/**
 * Attribute groups (reference §2.7–2.8): versioned bundles of attributes sharing one key.
 * Stream groups have `attributes`; batch groups are `offline` with attributes; external
 * groups are `offline` with `fields` and a `batch_source`.
 */
import { z } from 'zod';
import { Attribute, Field } from './attribute.js';
import { AttributeKey } from './attribute-key.js';
import { BOOKKEEPING_FIELDS, Description, Duration, IsPublished, Name, Owner, Version, definitionObject, optional } from './common.js';

export const BatchSource = definitionObject({
  name: Name,
  database: z.string().min(1).max(255).regex(/^[A-Za-z0-9_-]+$/),
  schema: Name,
  table: Name,
  timestamp_field: Name,
  description: Description,
  owner: Owner,
}, { ignored: ['created_timestamp_column', 'date_partition_column', ...BOOKKEEPING_FIELDS] });
export type BatchSource = z.output<typeof BatchSource>;

/** The batch CLI sends `wh_schema` where the model says `schema` (reference §5.8): accept both. */
export const BatchSourceInput = z.preprocess((v) => {
  if (v && typeof v === 'object' && !('schema' in v) && 'wh_schema' in v) {
    const { wh_schema, ...rest } = v as Record<string, unknown>;
    return { ...rest, schema: wh_schema };
  }
  return v;
}, BatchSource);

/**
 * SDKs ≥0.4.2 send the whole key, older ones a `{name}` link; a link is a key with only its name,
 * so one schema reads both and the registry resolves the name.
 */
export const AttributeKeyRef = AttributeKey;

/** The read-only fields a GET answers; a body GET returned is accepted back, these ignored. */
const GROUP_OUTPUT_FIELDS = [
  'full_name', 'feast_name', 'stream_source_name', 'attribute_key_or_name',
  'attribute_group_or_attribute_key_ttl', 'attribute_group_or_attribute_key_ttl_seconds',
] as const;

export const AttributeGroup = definitionObject(
  {
    name: Name,
    version: Version.nullish().transform((v) => v ?? 1),
    attribute_key: AttributeKeyRef,
    ttl: optional(Duration),
    batch_source: optional(BatchSourceInput),
    online: z.boolean().nullish().transform((v) => v ?? true),
    offline: z.boolean().nullish().transform((v) => v ?? false),
    description: Description,
    owner: Owner,
    fields: optional(z.array(Field).min(1).max(1000)),
    attributes: optional(z.array(Attribute).min(1).max(1000)),
    is_published: IsPublished,
    backfill_since_tstamp: optional(z.iso.datetime({ offset: true, local: true })),
  },
  {
    ignored: [...GROUP_OUTPUT_FIELDS, ...BOOKKEEPING_FIELDS],
    unsupported: { refresh_rate: 'warehouse groups have no per-group sync schedule here; remove it' },
  },
)
  .superRefine((g, ctx) => {
    if (!g.offline) {
      if (!g.attributes) ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'a stream attribute group needs at least one attribute' });
      if (g.fields) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a stream attribute group has attributes, not fields' });
    } else if (!g.attributes && !g.fields) {
      ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'an offline attribute group needs attributes (batch) or fields (external)' });
    }
    if (g.attributes && g.fields) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a group has either attributes or fields, not both' });
    }
    if (g.fields && !g.attributes && !g.batch_source) {
      ctx.addIssue({ code: 'custom', path: ['batch_source'], message: 'an external attribute group needs a batch_source' });
    }
    const names = new Set<string>();
    for (const [i, item] of (g.attributes ?? g.fields ?? []).entries()) {
      if (names.has(item.name)) {
        ctx.addIssue({ code: 'custom', path: [g.attributes ? 'attributes' : 'fields', i, 'name'], message: `duplicate name "${item.name}" in the group` });
      }
      names.add(item.name);
    }
  });
export type AttributeGroup = z.output<typeof AttributeGroup>;

export type GroupKind = 'stream' | 'batch' | 'external';
/** How the server tells groups apart (reference §2.8). */
export function groupKind(g: Pick<AttributeGroup, 'offline' | 'attributes'>): GroupKind {
  if (!g.offline) return 'stream';
  return g.attributes ? 'batch' : 'external';
}
