import { describe, expect, it } from 'vitest';
import { LinearRegex, linearRegexProblem } from './linear-regex.js';

/** The reference model is JavaScript's own RegExp on the same pattern. */
function agrees(pattern: string, inputs: string[]): void {
  const ours = new LinearRegex(pattern);
  const theirs = new RegExp(pattern);
  for (const input of inputs) {
    expect(ours.test(input), `/${pattern}/ on ${JSON.stringify(input)}`).toBe(theirs.test(input));
  }
}

describe('linear regex', () => {
  it.each([
    ['abc', ['abc', 'xabcx', 'ab', '']],
    ['^abc$', ['abc', 'abcd', ' abc']],
    ['^$', ['', 'a']],
    ['a|b|', ['', 'c', 'a']],
    ['colou?r', ['color', 'colour', 'colr']],
    ['a{2,3}', ['a', 'aa', 'aaaa']],
    ['^a{2,3}$', ['a', 'aa', 'aaa', 'aaaa']],
    ['^a{2,}$', ['a', 'aa', 'aaaaaaa']],
    ['^(ab)+$', ['ab', 'abab', 'aba', '']],
    ['^(?:a|bc)*d$', ['d', 'abcad', 'abd']],
    ['^(?<x>a)b', ['ab', 'b']],
    ['[a-c]+x', ['bx', 'dx', 'abcx']],
    ['[^a-c]', ['abc', 'abcd']],
    ['[\\d-]+', ['-', 'x', '1-2']],
    ['[\\d-z]', ['-', 'z', '5', 'y']],
    ['\\d\\D\\w\\W\\s\\S', ['1a_ \tx', '1a_!\tx', 'a1_ \tx']],
    ['.', ['\n', '\r', 'x', '']],
    ['\\bcat\\b', ['cat', 'a cat!', 'concat', 'cats']],
    ['\\Bcat', ['concat', 'cat']],
    ['^\\u0041\\x42\\t', ['AB\t', 'AB ']],
    ['a.c', ['abc', 'a\nc']],
    ['^(a*)*$', ['', 'aaa', 'aab']],
    ['(?:^)*x', ['x']],
    ['a{', ['a{', 'a']],
    ['a{1,', ['a{1,', 'a']],
    ['x]}', ['x]}', 'x']],
    ['[\\]\\\\]', [']', '\\', 'a']],
    ['^https?://[^/]+/checkout', ['https://shop.example/checkout/step', 'http://x/cart']],
    ['a+?b', ['aab', 'b']],
    ['\\.', ['a', '.']],
    ['[\\b]', ['\b', 'b']],
  ] as Array<[string, string[]]>)('/%s/ agrees with RegExp', (pattern, inputs) => agrees(pattern, inputs));

  it('agrees with RegExp on random patterns and inputs', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const atoms = ['a', 'b', '.', '[ab]', '[^a]', '(a|b)', '(?:ab)', '\\b', '(a|)', 'a?', '(?:b*)'];
    const quants = ['', '', '*', '+', '?', '{2}', '{1,2}', '{0,}'];
    for (let round = 0; round < 400; round++) {
      let pattern = rand(4) === 0 ? '^' : '';
      const parts = 1 + rand(4);
      for (let k = 0; k < parts; k++) {
        const atom = atoms[rand(atoms.length)]!;
        pattern += atom + (atom === '\\b' ? '' : quants[rand(quants.length)]!);
        if (rand(6) === 0) pattern += '|';
      }
      if (rand(4) === 0) pattern += '$';
      const inputs = Array.from({ length: 8 }, () => Array.from({ length: rand(7) }, () => 'ab '[rand(3)]).join(''));
      agrees(pattern, inputs);
    }
  });

  it('runs pathological patterns within a step budget linear in input × program size', () => {
    const evil: Array<[string, boolean]> = [['(a+)+$', false], ['(a|a)*$', true], ['(a|aa)+$', false], ['^(\\w+\\s?)*$', false], ['(.*a){12}!', true]];
    const input = `${'a'.repeat(5000)}!`;
    for (const [pattern, expected] of evil) {
      const re = new LinearRegex(pattern);
      // Each (instruction, position) pair is visited at most once, plus one test per live thread.
      expect(re.test(input, 2 * (input.length + 1) * re.programSize), pattern).toBe(expected);
      expect(new RegExp(pattern).test('aaaaaaaaaaaaaa!'), pattern).toBe(expected);
    }
  });

  it('reports undefined when a match exceeds its step budget', () => {
    const re = new LinearRegex('(a|b|c)*d');
    expect(re.test('abc'.repeat(10_000), 1000)).toBeUndefined();
    expect(re.test('abcd', 1000)).toBe(true);
  });

  it('refuses what needs backtracking, and says why', () => {
    expect(linearRegexProblem('(a)\\1')).toMatch(/backreferences/);
    expect(linearRegexProblem('a(?=b)')).toMatch(/lookahead/);
    expect(linearRegexProblem('(?<!a)b')).toMatch(/lookbehind/);
    expect(linearRegexProblem('(?<n>a)\\k<n>')).toMatch(/backreferences/);
    expect(linearRegexProblem('a**')).toMatch(/repeat/i);
    expect(linearRegexProblem('(')).toBeDefined();
    expect(linearRegexProblem('[b-a]')).toBeDefined();
    expect(linearRegexProblem('((a{1000}){1000}){1000}')).toMatch(/too large/);
    expect(linearRegexProblem('\\q')).toMatch(/unsupported escape/);
    expect(linearRegexProblem('^[A-Za-z0-9._%+-]+@example\\.com$')).toBeUndefined();
  });
});
