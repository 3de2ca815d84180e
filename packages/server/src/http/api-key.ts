/** The Bearer-key check, shared by the auth hook (app.ts) and routes that are public only in part. */
import { timingSafeEqual } from 'node:crypto';

export function keyMatches(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key of an `Authorization: Bearer <key>` header, or undefined when the header is not of that form. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header);
  return match ? match[1]!.trim() : undefined;
}
