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

/**
 * Fields Signals clients send that Signalbox reads nothing from — output-only fields a GET
 * answered (`full_name`, `blobl_path`), bookkeeping (`id`, `created_at`, `updated_at`) and
 * fields of earlier API versions (`tags`). Accepted and dropped, so a body GET returned or an
 * SDK's own payload passes; docs/definitions.md lists them per object.
 */
const Ignored = z.unknown().transform(() => undefined).optional();
export const BOOKKEEPING_FIELDS = ['id', 'created_at', 'updated_at', 'tags'] as const;

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The known field closest to a misspelt one, when it is close enough to be a typo. */
export function closestField(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const field of known) {
    const d = editDistance(unknown.toLowerCase(), field.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [field, d];
  }
  return bestDistance <= Math.max(1, Math.floor(unknown.length / 3)) ? best : undefined;
}

export function unknownFieldMessage(field: string, known: readonly string[]): string {
  const suggestion = closestField(field, known);
  return `unknown field "${field}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (known fields: ${known.join(', ')})`;
}

/** For a Signals field Signalbox does not implement: what to do instead. */
export function unsupportedFieldMessage(field: string, instead: string): string {
  return `"${field}" is a Signals field Signalbox does not support yet; ${instead}`;
}

export interface DefinitionFields<I extends readonly string[] = readonly string[]> {
  /** Fields read and dropped (see `Ignored`). */
  ignored?: I;
  /**
   * Signals fields Signalbox does not implement, each with what to do instead. They are refused
   * rather than ignored: ignoring one would make the definition behave unlike it does on Signals.
   */
  unsupported?: Readonly<Record<string, string>>;
}

/**
 * A definition object that refuses fields it does not know, so a typo (`"perod"`) is a 422
 * naming the field and the closest known one instead of a silently different definition.
 */
export function definitionObject<S extends z.ZodRawShape, const I extends readonly string[] = []>(
  shape: S,
  fields: DefinitionFields<I> = {},
) {
  const known = Object.keys(shape);
  const unsupported = new Map(Object.entries(fields.unsupported ?? {}));
  const ignored = Object.fromEntries((fields.ignored ?? []).map((f) => [f, Ignored])) as { [K in I[number]]: typeof Ignored };
  const message = (key: string) => {
    const instead = unsupported.get(key);
    return instead === undefined ? unknownFieldMessage(key, known) : unsupportedFieldMessage(key, instead);
  };
  return z.strictObject({ ...shape, ...ignored }, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map(message).join('; ') : undefined),
  });
}

/**
 * `{name}` — how interventions and publish requests point at attribute keys and services. Links
 * are definitions too: a misspelt field in one is refused, never read as a default.
 */
export const NameLink = definitionObject({ name: Name });
/**
 * `{name, version}` — how services and publish requests point at group and intervention
 * versions. A misspelt `version` would otherwise pin version 1 without a word.
 */
export const VersionedLink = definitionObject({ name: Name, version: Version.nullish().transform((v) => v ?? 1) });
export type VersionedLink = z.output<typeof VersionedLink>;
