/**
 * The Bearer-key check (design §2, "Auth"), shared by the auth hook (app.ts) and the routes that
 * are public only in part (the intervention stream). A refused header gets a 401 that says what
 * is wrong with it — missing, not of the form `Bearer <key>`, or the wrong key — without ever
 * repeating what was sent (it may be a key).
 *
 * The server knows only the SHA-256 of its key (registry/api-keys.ts): what is sent is hashed and
 * the two digests compared in constant time, which also hides the key's length.
 */
import { timingSafeEqual } from 'node:crypto';
import { SignalboxError } from '../errors.js';
import { hashApiKey } from '../registry/api-keys.js';

/** The 401 messages (the OpenAPI document shows them as examples). */
export const AUTH_MESSAGES = {
  missing: 'missing API key: send "Authorization: Bearer <key>"',
  malformed: (what: string) => `the Authorization header must be "Bearer <key>": ${what}`,
  wrong: 'wrong API key',
} as const;

/**
 * Digests of recently sent keys: hashing costs more than the rest of a request's auth, and a
 * client sends the same key every time. Keyed by what was sent, so a lookup's time says nothing
 * about the server's key; bounded, so a stream of random keys cannot grow it.
 */
const recentDigests = new Map<string, Buffer>();
const RECENT_DIGESTS = 64;

function digestOf(sent: string): Buffer {
  let digest = recentDigests.get(sent);
  if (!digest) {
    digest = hashApiKey(sent);
    if (recentDigests.size >= RECENT_DIGESTS) recentDigests.clear();
    recentDigests.set(sent, digest);
  }
  return digest;
}

/** Whether `sent` is the key whose SHA-256 is `expectedSha256`. */
export function keyMatches(sent: string, expectedSha256: Uint8Array): boolean {
  const digest = digestOf(sent);
  return digest.length === expectedSha256.length && timingSafeEqual(digest, expectedSha256);
}

/** The key of an `Authorization: Bearer <key>` header, or undefined when the header is not of that form. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S.*)$/i.exec(header.trim());
  return match ? match[1]!.trim() : undefined;
}

/** What is wrong with a header that is not `Bearer <key>`, in words that do not quote it. */
function malformation(header: string): string {
  const value = header.trim();
  if (/^Bearer$/i.test(value)) return 'no key follows "Bearer"';
  if (!/\s/.test(value)) return 'the key was sent without "Bearer " in front of it';
  return 'it uses another scheme than Bearer';
}

/** Throw the 401 for a request whose Authorization header does not carry the key hashed as `expectedSha256`. */
export function checkBearerKey(header: string | undefined, expectedSha256: Uint8Array): void {
  if (header === undefined || header.trim() === '') {
    throw new SignalboxError('SIGNALBOX_ERR_AUTH_MISSING_KEY', AUTH_MESSAGES.missing);
  }
  const key = bearerKey(header);
  if (key === undefined) {
    throw new SignalboxError('SIGNALBOX_ERR_AUTH_MALFORMED_HEADER', AUTH_MESSAGES.malformed(malformation(header)));
  }
  if (!keyMatches(key, expectedSha256)) throw new SignalboxError('SIGNALBOX_ERR_AUTH_WRONG_KEY', AUTH_MESSAGES.wrong);
}
