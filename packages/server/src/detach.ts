/**
 * Strings the server keeps long after a request (design §3 "State"): a string cut from a request
 * body (split, slice) is a view into the whole body in V8, so keeping one in a long-lived map
 * would keep the entire body alive. `detach` makes a flat copy that shares nothing.
 */

/** A flat copy of `text` (a `slice` of a copy would itself be a view, so copy through a buffer). */
export function detach(text: string): string {
  return text.length < 13 ? text.slice() : Buffer.from(text, 'utf8').toString('utf8');
}
