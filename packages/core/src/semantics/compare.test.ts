import { describe, expect, it } from 'vitest';
import { like } from './compare.js';

/** The reference model: LIKE translated to an anchored regular expression (fine for short inputs). */
function likeByRegex(value: string, pattern: string): boolean {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '[\\s\\S]*').replace(/_/g, '[\\s\\S]');
  return new RegExp(`^${body}$`).test(value);
}

describe('like', () => {
  it.each([
    ['abc', 'abc', true], ['abc', 'a%', true], ['abc', '%c', true], ['abc', '%b%', true], ['abc', 'a_c', true],
    ['abc', '_', false], ['', '%', true], ['', '', true], ['', '_', false], ['ABC', 'abc', false],
    ['100%', '100%', true], ['a%b', 'a\\%b', false], ['a.b', 'a.b', true], ['axb', 'a.b', false],
    ['line\nbreak', 'line%break', true], [12.5, '12%', true], [true, 't%', true],
  ] as Array<[unknown, string, boolean]>)('%j like %j is %s', (value, pattern, expected) => {
    expect(like(value, pattern)).toBe(expected);
  });

  it('is false for null, missing, lists and non-string patterns', () => {
    expect(like(null, '%')).toBe(false);
    expect(like(undefined, '%')).toBe(false);
    expect(like(['a'], '%')).toBe(false);
    expect(like('a', 1)).toBe(false);
  });

  it('agrees with the regular-expression translation on random cases', () => {
    let seed = 99;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 3000; k++) {
      const value = Array.from({ length: rand(8) }, () => 'ab%_'[rand(4)]).join('');
      const pattern = Array.from({ length: rand(6) }, () => 'ab%_'[rand(4)]).join('');
      expect(like(value, pattern), `${value} like ${pattern}`).toBe(likeByRegex(value, pattern));
    }
  });

  it('needs no backtracking: many wildcards against a long non-matching value', () => {
    // The regular-expression translation of this takes seconds at 50 characters.
    expect(like('a'.repeat(20_000), '%a%a%a%a%a%a%a%a%a%a%b')).toBe(false);
  });
});
