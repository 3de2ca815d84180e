/**
 * Step 3 of the minimal enrichment (reference §6): the client address. `X-Forwarded-For` and the
 * tracker's `ip` parameter may list several addresses; the first is the client.
 */

/** The first address of a list separated by commas, pipes or spaces, trimmed. */
export function firstAddress(list: string): string {
  for (const part of list.split(/[,| ]/)) {
    const address = part.trim();
    if (address !== '') return address;
  }
  return '';
}

/** A socket address without the IPv4-mapped IPv6 prefix (`::ffff:127.0.0.1` → `127.0.0.1`). */
export function socketAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
