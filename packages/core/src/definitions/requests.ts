/** Request bodies of the engines and serving endpoints (reference §2.12, §3.4). */
import { z } from 'zod';
import { Name, NameLink, VersionedLink, definitionObject } from './common.js';

/** A misspelt list (`attribute_group`) is refused rather than read as "nothing to publish". */
export const PublishRequest = definitionObject({
  attribute_keys: z.array(NameLink).nullish(),
  attribute_groups: z.array(VersionedLink).nullish(),
  services: z.array(NameLink).nullish(),
  interventions: z.array(VersionedLink).nullish(),
}, {
  unsupported: {
    event_logs: 'event logs are not available; remove it',
    agentic_attributes: 'agentic attributes are not available; remove it',
  },
});
export type PublishRequest = z.output<typeof PublishRequest>;

export const QUALIFIED_NAME = /^([A-Za-z0-9_]+)_v([0-9]+):([A-Za-z0-9_]+)$/;

const Identifiers = z
  .record(z.string(), z.array(z.string().min(1).max(128)).min(1).max(100))
  .refine((r) => Object.keys(r).length === 1, { message: 'must name exactly one attribute key' });

export const GetOnlineAttributesRequest = z
  .object({
    service: Name.nullish(),
    attributes: z
      .array(z.string().regex(QUALIFIED_NAME, { message: 'must be a qualified name such as my_group_v1:my_attribute' }))
      .min(1)
      .max(1000)
      .nullish(),
    attribute_keys: Identifiers.nullish(),
    /** Pre-September-2025 clients call the identifiers `entities`. */
    entities: Identifiers.nullish(),
    full_attribute_names: z.boolean().nullish(),
  })
  .superRefine((r, ctx) => {
    if ((r.service ? 1 : 0) + (r.attributes ? 1 : 0) !== 1) {
      ctx.addIssue({ code: 'custom', path: [], message: 'send exactly one of "service" or "attributes"' });
    }
    if (!r.attribute_keys && !r.entities) {
      ctx.addIssue({ code: 'custom', path: ['attribute_keys'], message: 'attribute_keys is required' });
    }
  });
export type GetOnlineAttributesRequest = z.output<typeof GetOnlineAttributesRequest>;
