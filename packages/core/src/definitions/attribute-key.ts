/**
 * Attribute keys (reference §2.5): the identifier attributes are aggregated against.
 * Four are built in; custom keys read an atomic field, an event path or the n-th entity.
 */
import { z } from 'zod';
import { BOOKKEEPING_FIELDS, Description, Duration, IsPublished, Name, Owner, definitionObject, optional } from './common.js';
import { Property } from './properties.js';

/** `blobl_path` is output only (a GET answers it); it is accepted back and ignored. */
export const AttributeKey = definitionObject({
  name: Name,
  description: Description,
  owner: Owner,
  key: optional(Name),
  external_column: optional(z.string().min(1).max(128)),
  property: optional(Property),
  ttl: optional(Duration),
  is_published: IsPublished,
}, { ignored: ['blobl_path', ...BOOKKEEPING_FIELDS] });
export type AttributeKey = z.output<typeof AttributeKey>;

export const BUILT_IN_KEYS = ['domain_userid', 'domain_sessionid', 'network_userid', 'user_id'] as const;

/** Built-in keys exist implicitly; `user` and `session` are the SDKs' deprecated aliases. */
export function builtInKey(name: string): AttributeKey | undefined {
  const column = name === 'user' ? 'domain_userid' : name === 'session' ? 'domain_sessionid' : name;
  if (!(BUILT_IN_KEYS as readonly string[]).includes(column)) return undefined;
  return {
    name,
    key: column,
    description: `Built-in attribute key read from the atomic ${column} field.`,
    owner: undefined,
    external_column: undefined,
    property: { type: 'atomic', name: column as (typeof BUILT_IN_KEYS)[number] },
    ttl: undefined,
    is_published: true,
  };
}

/** Where the stream engine reads a key's identifiers: its property, else the atomic column named by `key` or `name`. */
export function keyProperty(key: AttributeKey): Property | undefined {
  if (key.property) return key.property;
  const column = key.key ?? key.name;
  const builtIn = builtInKey(column);
  return builtIn?.property;
}
