/**
 * Test support: a small seeded PRNG (mulberry32) so randomised and fuzz tests reproduce from
 * their seed, with the helpers those tests draw from.
 */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
    /** Random text from printable ASCII, controls, tabs, newlines and a few multi-byte characters. */
    text: (n: number) => {
      const alphabet = ['a', 'Z', '0', ' ', '\t', '\n', '\r', '\u0000', '\u007f', '"', '\\', '{', '}', '%', '+', '&', '=', '?', 'é', '✓', '😀', '\u2028'];
      return Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
    },
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[int(16)]).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}
export type Rng = ReturnType<typeof prng>;
