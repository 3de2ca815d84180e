/**
 * CORS for the collector (reference §1.7). Browser trackers send with `credentials: 'include'`,
 * so the response must echo the request's Origin (a `*` would make the browser drop the reply
 * and the tracker retry forever) and allow credentials. A JSON POST from another origin is
 * preflighted with OPTIONS.
 */

export const PREFLIGHT_MAX_AGE_SECONDS = 3600;
const ALLOWED_HEADERS = 'Content-Type, SP-Anonymous';

/** Headers for every collector response. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return {
    'access-control-allow-origin': origin !== undefined && origin !== '' ? origin : '*',
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
}

/** Extra headers for an OPTIONS preflight. */
export function preflightHeaders(): Record<string, string> {
  return {
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}
