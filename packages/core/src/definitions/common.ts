/**
 * Building blocks shared by every Signals object: names, versions, durations, owners.
 * Constraints follow the Signals API reference (§2.0, §10).
 */
import { z } from 'zod';
import { parseDurationSeconds } from '../time/duration.js';

export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;

/** Resource name: keys, groups, services, interventions, attributes, fields. */
export const Name = z
  .string()
  .min(1)
  .max(128)
  .regex(NAME_PATTERN, { message: 'must contain only letters, digits and underscores' });

export const Version = z.number().int().min(1).max(1_000_000);

/** An ISO-8601 duration such as `PT10M` or `P7D`, checked to be positive. */
export const Duration = z.string().refine((s) => parseDurationSeconds(s) !== null, {
  message: 'must be a positive ISO-8601 duration such as PT10M, PT1H or P7D (years and months are not accepted)',
});

/** Optional fields: the SDKs omit nulls today but older clients send them, so both mean "absent". */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const Description = optional(z.string().max(10_000));
export const Owner = optional(z.string().max(1_000));
export const IsPublished = z.boolean().nullish().transform((v) => v ?? false);

/** `{name}` — how groups, interventions and services point at attribute keys and services. */
export const NameLink = z.object({ name: Name });
/** `{name, version}` — how services and publish requests point at group and intervention versions. */
export const VersionedLink = z.object({ name: Name, version: Version.nullish().transform((v) => v ?? 1) });
export type VersionedLink = z.output<typeof VersionedLink>;
