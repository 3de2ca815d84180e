/** Attributes (reference §2.4): what is computed, from which events, with which aggregation and window. */
import { z } from 'zod';
import { Description, Duration, Name, definitionObject, optional } from './common.js';
import { Criteria } from './criteria.js';
import { EventSelector } from './event-selector.js';
import { Property } from './properties.js';

export const ATTRIBUTE_TYPES = [
  'bytes', 'string', 'int32', 'int64', 'double', 'float', 'bool', 'unix_timestamp',
  'bytes_list', 'string_list', 'int32_list', 'int64_list', 'double_list', 'float_list', 'bool_list',
  'unix_timestamp_list',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const AGGREGATIONS = ['counter', 'sum', 'min', 'max', 'mean', 'first', 'last', 'unique_list'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

const DefaultScalar = z.union([z.string(), z.number(), z.boolean()]);

/** `events` empty or absent = every event (reference §2.4, optional event filters since 2026-08). */
export const Attribute = definitionObject({
    name: Name,
    description: Description,
    type: z.enum(ATTRIBUTE_TYPES),
    events: z.array(EventSelector).max(100).nullish().transform((v) => v ?? []),
    aggregation: z.enum(AGGREGATIONS),
    property: optional(Property),
    criteria: optional(Criteria),
    period: optional(Duration),
    default_value: optional(z.union([DefaultScalar, z.array(DefaultScalar)])),
}, {
  unsupported: {
    ttl: "a lifetime attribute lives as long as its group's ttl, else its key's; set the ttl there",
    time_unit: 'the time_since_* aggregations are not available; remove it',
  },
})
  .superRefine((a, ctx) => {
    if (a.aggregation !== 'counter' && a.property === undefined) {
      ctx.addIssue({ code: 'custom', path: ['property'], message: 'aggregation requires a property to be set' });
    }
    const isList = a.type.endsWith('_list');
    if (a.aggregation === 'unique_list' && !isList) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'unique_list needs a *_list type such as string_list' });
    }
    if (a.aggregation !== 'unique_list' && isList) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `a *_list type needs the unique_list aggregation, not ${a.aggregation}` });
    }
    if (['counter', 'sum', 'min', 'max', 'mean'].includes(a.aggregation) && !NUMERIC_TYPES.has(a.type)) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `${a.aggregation} needs a numeric type (int32, int64, float, double)` });
    }
  });
export type Attribute = z.output<typeof Attribute>;

const NUMERIC_TYPES = new Set<string>(['int32', 'int64', 'float', 'double']);

/** Warehouse columns of external groups (reference §2.6). */
export const Field = definitionObject({ name: Name, description: Description, type: z.enum(ATTRIBUTE_TYPES) });
export type Field = z.output<typeof Field>;
