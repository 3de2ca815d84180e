/**
 * The network user id cookie (reference §1.7): `sp`, a v4 UUID the collector sets on its own
 * domain so one browser keeps one `network_userid` across the sites that share the collector.
 */

export const COOKIE_NAME = 'sp';
export const COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
const VALID_VALUE = /^[\x21-\x7e]{1,128}$/;

/** The value of cookie `name` in a `Cookie` header, or `undefined`. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep it as sent
    }
    return value;
  }
  return undefined;
}

/**
 * The network user id of a request: the `nuid` query parameter, else a usable `sp` cookie, else
 * a new id. A cookie that could not be a network user id (empty, control characters, longer
 * than the 128 characters the field holds) is replaced rather than failing every event.
 */
export function networkUserIdOf(queryNuid: string | undefined, cookieHeader: string | undefined, newId: () => string): string {
  if (queryNuid !== undefined && VALID_VALUE.test(queryNuid)) return queryNuid;
  const cookie = readCookie(cookieHeader, COOKIE_NAME);
  if (cookie !== undefined && VALID_VALUE.test(cookie)) return cookie;
  return newId();
}

/**
 * The `Set-Cookie` value. Over https it is `SameSite=None; Secure` so browsers send it on
 * cross-site requests; over plain http a `SameSite=None` cookie without `Secure` would be
 * refused, so it is left at the browser default.
 */
export function setCookieHeader(value: string, secure: boolean): string {
  const base = `${COOKIE_NAME}=${encodeURIComponent(value)}; Max-Age=${COOKIE_MAX_AGE_SECONDS}; Path=/; HttpOnly`;
  return secure ? `${base}; SameSite=None; Secure` : base;
}
