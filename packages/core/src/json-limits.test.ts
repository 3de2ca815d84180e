import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonText, jsonTextHoldsMoreContainersThan, nestsDeeperThan } from './json-limits.js';

const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('nestsDeeperThan', () => {
  it('counts each array and object as one level, the outermost as level 1', () => {
    expect(nestsDeeperThan('x', 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan([], 1)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
    expect(nestsDeeperThan({ a: 1, b: [2, 3], c: { d: [[]] } }, 3)).toBe(true);
  });

  it('measures values far deeper than the stack allows, arrays and objects alike', () => {
    for (const text of [arrays(100_000), objects(100_000)]) {
      const value: unknown = JSON.parse(text);
      expect(nestsDeeperThan(value, MAX_JSON_DEPTH)).toBe(true);
      expect(nestsDeeperThan(value, 100_000)).toBe(false);
    }
    expect(nestsDeeperThan(JSON.parse(arrays(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(arrays(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
  });

  it('finds the deep branch among many shallow ones', () => {
    const wide = { list: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: JSON.parse(objects(70)) as unknown };
    expect(nestsDeeperThan(wide, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ ...wide, deep: null }, MAX_JSON_DEPTH)).toBe(false);
  });
});

describe('jsonText', () => {
  it('writes what JSON.stringify writes', () => {
    const values: unknown[] = [
      null, true, false, 0, -0, 1.5, 1e21, -1e-7, Number.NaN, Infinity, '', 'a"b\\c\n\u0000\u2028😀',
      [], {}, [1, 'x', null, [true, {}]], { a: 1, b: { c: [1, 2, { d: 'e' }] }, '': 0, __proto__x: 1 },
      { skipped: undefined, f: () => 1, kept: 1 }, [undefined, () => 1], { date: new Date(0) },
      JSON.parse('{"__proto__": {"a": 1}, "constructor": 2}'),
    ];
    for (const value of values) expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it('writes the same text back for randomly shaped JSON', () => {
    let seed = 20261202;
    const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const build = (depth: number): unknown => {
      const roll = next();
      if (depth > 6 || roll < 0.3) return [null, true, 12.25, -3, 'text', 'é\t"'][Math.floor(next() * 6)];
      if (roll < 0.65) return Array.from({ length: Math.floor(next() * 5) }, () => build(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, (_, i) => [`k${i}${next() < 0.1 ? '"' : ''}`, build(depth + 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const value = build(0);
      expect(jsonText(value)).toBe(JSON.stringify(value));
    }
  });

  it('writes values too deep for JSON.stringify', () => {
    for (const text of [arrays(50_000), objects(50_000)]) {
      const value: unknown = JSON.parse(text);
      expect(() => JSON.stringify(value)).toThrow(RangeError);
      expect(jsonText(value)).toBe(text);
    }
  });
});

describe('jsonText with a maximum length', () => {
  it('stops soon after the text passes it, and writes short values whole', () => {
    const text = jsonText(JSON.parse(arrays(1_000_000)), 1000);
    expect(text.length).toBeGreaterThan(1000);
    expect(text.length).toBeLessThan(1010);
    expect(text).toBe('['.repeat(text.length));
    expect(jsonText({ a: [1, 2] }, 1000)).toBe('{"a":[1,2]}');
  });
});

describe('jsonTextHoldsMoreContainersThan', () => {
  it('counts arrays and objects outside strings, escapes included', () => {
    expect(jsonTextHoldsMoreContainersThan('[{"a":"[{"}]', 2)).toBe(false);
    expect(jsonTextHoldsMoreContainersThan('[{"a":"[{"}]', 1)).toBe(true);
    expect(jsonTextHoldsMoreContainersThan('["\\"[[[", "\\\\", []]', 1)).toBe(true);
    expect(jsonTextHoldsMoreContainersThan('["\\"[[[", "\\\\", []]', 2)).toBe(false);
    expect(jsonTextHoldsMoreContainersThan('"[[[[', 0)).toBe(false);
    expect(jsonTextHoldsMoreContainersThan('', 0)).toBe(false);
  });

  it('agrees with a count of what JSON.parse builds', () => {
    const value = [{ a: [1, { b: '{[' }], c: {} }, [], 'x', { 'k"[': ['\\', '"]'] }];
    const text = JSON.stringify(value);
    // The outer array, the first object, its array, the object in it, {}, [], the last object and its array.
    expect(jsonTextHoldsMoreContainersThan(text, 8)).toBe(false);
    expect(jsonTextHoldsMoreContainersThan(text, 7)).toBe(true);
  });
});
