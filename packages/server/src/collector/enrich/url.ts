/**
 * Step 6 of the minimal enrichment (reference §6): split `page_url` and `page_referrer` into the
 * parts Enrich writes. Like `java.net.URI`'s raw getters, path, query and fragment stay
 * percent-encoded; the port is the explicit one, else 443 for https and 80 otherwise. Spaces
 * become `%20` first, as Enrich does. A URL that cannot be split keeps its `page_url` and leaves
 * the parts empty: splitting is not a validation step, so it never fails an event.
 */

export interface UrlParts {
  scheme: string;
  host: string;
  port: number;
  /** Raw path, possibly empty. */
  path: string;
  /** Raw query without `?`, or undefined when there is none. */
  query: string | undefined;
  /** Raw fragment without `#`, or undefined when there is none. */
  fragment: string | undefined;
}

// RFC 3986 appendix B, restricted to absolute URLs with an authority.
const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
const PORT_PATTERN = /^\d{1,5}$/;

/** The parts of an absolute URL with a host, or `null` when it has none or its port is not a port. */
export function splitUrl(url: string): UrlParts | null {
  const match = URL_PATTERN.exec(url.includes(' ') ? url.replaceAll(' ', '%20') : url);
  if (match === null) return null;
  const scheme = match[1]!;
  let authority = match[2]!;
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  let portText = '';
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return null;
    host = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return null;
    portText = rest.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0) {
      host = authority.slice(0, colon);
      portText = authority.slice(colon + 1);
    }
  }
  if (host === '') return null;
  let port: number;
  if (portText === '') {
    port = scheme.toLowerCase() === 'https' ? 443 : 80;
  } else {
    if (!PORT_PATTERN.test(portText)) return null;
    port = Number(portText);
    if (port > 65_535) return null;
  }
  return { scheme, host, port, path: match[3]!, query: match[4], fragment: match[5] };
}

/**
 * `application/x-www-form-urlencoded` pairs in order (`+` is a space), as Enrich reads query
 * strings. A value with broken percent-encoding is kept as written rather than dropped.
 */
export function parseQueryString(query: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (query === '') return pairs;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeFormComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeFormComponent(part.slice(eq + 1));
    pairs.push([name, value]);
  }
  return pairs;
}

export function decodeFormComponent(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
