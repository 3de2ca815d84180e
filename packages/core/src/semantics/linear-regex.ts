/**
 * Regular expressions for `rlike` / `not rlike` that cannot stall the stream engine.
 *
 * JavaScript's RegExp backtracks: a pattern such as `(a+)+$` takes exponential time on
 * "aaaa…!", and V8 cannot interrupt a running match. A rule intervention's pattern is written by
 * whoever defines it and runs against every event that updates its attributes, so one bad
 * definition would freeze every identifier's processing. We therefore never hand definition
 * patterns to RegExp. This module parses the JavaScript syntax (without flags: case-sensitive,
 * `.` excludes line terminators, `^`/`$` anchor the whole input) and runs it on a Pike VM — a
 * breadth-first simulation of the pattern's automaton that visits each (instruction, position)
 * pair at most once. Matching is linear in input length × program size, with no backtracking.
 *
 * Two bounds make the cost predictable:
 * - at definition time, constructs that need backtracking (backreferences, lookaround) and
 *   programs over `MAX_PROGRAM_SIZE` instructions (counted repetition is expanded) are refused
 *   with a message — the definition is rejected before it is stored;
 * - at evaluation time, a step budget caps one match; a match that would exceed it reports
 *   `undefined` (neither matched nor not), which criteria treat as "not comparable".
 *
 * `test()` agrees with `new RegExp(pattern).test(input)` on every pattern it accepts: matches
 * are searched anywhere in the input unless anchored, like SQL `RLIKE` and `RegExp.test`.
 */

export const MAX_PROGRAM_SIZE = 5000;
/** Default steps for one match; a step is one instruction visited at one input position. */
export const DEFAULT_MATCH_BUDGET = 500_000;

export class LinearRegexError extends Error {
  override readonly name = 'LinearRegexError';
}

/** Inclusive UTF-16 code unit ranges, sorted; `negate` inverts the set. */
interface CharSet {
  ranges: number[]; // [lo0, hi0, lo1, hi1, …]
  negate: boolean;
}

type Node =
  | { t: 'char'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number } // max = Infinity for unbounded
  | { t: 'assert'; kind: Assertion }
  | { t: 'empty' };

type Assertion = 'start' | 'end' | 'word' | 'notword';

const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
// JavaScript's \s: WhiteSpace and LineTerminator.
const SPACE = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];
const LINE_TERMINATORS = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];

function single(c: number): CharSet {
  return { ranges: [c, c], negate: false };
}

/** The complement of sorted ranges over 0..0xFFFF. */
function complement(ranges: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! > next) out.push(next, ranges[i]! - 1);
    next = ranges[i + 1]! + 1;
  }
  if (next <= 0xffff) out.push(next, 0xffff);
  return out;
}

function normalise(ranges: number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) {
      // Only an unbalanced ')' stops the top-level alternation early.
      throw new LinearRegexError(`unmatched ")" at position ${this.i}`);
    }
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  /** A `{n}`, `{n,}` or `{n,m}` at the cursor, or undefined (then `{` is a literal, as in JavaScript). */
  private braces(): { min: number; max: number; end: number } | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (max < min) throw new LinearRegexError(`numbers out of order in {} quantifier at position ${this.i}`);
    return { min, max, end: this.i + m[0].length };
  }

  private quantified(atom: Node): Node {
    let node = atom;
    let repeated = false;
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === '*') { min = 0; max = Infinity; this.i++; }
      else if (c === '+') { min = 1; max = Infinity; this.i++; }
      else if (c === '?') { min = 0; max = 1; this.i++; }
      else if (c === '{') {
        const b = this.braces();
        if (!b) return node;
        ({ min, max } = b);
        this.i = b.end;
      } else return node;
      // JavaScript rejects a quantifier on an assertion (`^*`) or on a quantifier (`a**`).
      if (node.t === 'assert' || repeated) {
        throw new LinearRegexError(`nothing to repeat at position ${this.i - 1}`);
      }
      repeated = true;
      // Lazy quantifiers find the same matches; for a yes/no test they are equivalent.
      if (this.peek() === '?') this.i++;
      if (min > 1000 || (max !== Infinity && max > 1000)) {
        throw new LinearRegexError(`repetition counts above 1000 are not supported (position ${this.i})`);
      }
      node = { t: 'repeat', node, min, max };
    }
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.i++;
        return { t: 'char', set: { ranges: LINE_TERMINATORS, negate: true } };
      case '^':
        this.i++;
        return { t: 'assert', kind: 'start' };
      case '$':
        this.i++;
        return { t: 'assert', kind: 'end' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new LinearRegexError(`nothing to repeat at position ${this.i}`);
      case '{':
        if (this.braces()) throw new LinearRegexError(`nothing to repeat at position ${this.i}`);
        this.i++;
        return { t: 'char', set: single(c.charCodeAt(0)) };
      default:
        this.i++;
        return { t: 'char', set: single(c.charCodeAt(0)) };
    }
  }

  private group(): Node {
    this.i++; // (
    if (this.src.startsWith('?:', this.i)) {
      this.i += 2;
    } else if (this.src.startsWith('?=', this.i) || this.src.startsWith('?!', this.i) ||
      this.src.startsWith('?<=', this.i) || this.src.startsWith('?<!', this.i)) {
      throw new LinearRegexError('lookahead and lookbehind are not supported in rlike patterns');
    } else if (this.src.startsWith('?<', this.i)) {
      const m = /^\?<([A-Za-z_$][A-Za-z0-9_$]*)>/.exec(this.src.slice(this.i));
      if (!m) throw new LinearRegexError(`invalid group name at position ${this.i}`);
      this.i += m[0].length;
    } else if (this.peek() === '?') {
      throw new LinearRegexError(`invalid group at position ${this.i - 1}`);
    }
    const inner = this.alternation();
    if (this.peek() !== ')') throw new LinearRegexError('unterminated group');
    this.i++;
    // Wrapped so that a group around an assertion can be quantified, as in JavaScript.
    return { t: 'seq', items: [inner] };
  }

  /** Class escapes usable in and out of brackets; undefined when the escape is not one. */
  private classEscape(letter: string): number[] | undefined {
    switch (letter) {
      case 'd': return DIGIT;
      case 'D': return complement(DIGIT);
      case 'w': return WORD;
      case 'W': return complement(WORD);
      case 's': return SPACE;
      case 'S': return complement(SPACE);
      default: return undefined;
    }
  }

  /** A single-character escape after the backslash (cursor on the letter); returns the code unit. */
  private characterEscape(inClass: boolean): number {
    const c = this.src[this.i];
    if (c === undefined) throw new LinearRegexError('\\ at end of pattern');
    const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (simple[c] !== undefined) { this.i++; return simple[c]; }
    if (c === 'b' && inClass) { this.i++; return 8; }
    if (c === '0' && !/[0-9]/.test(this.src[this.i + 1] ?? '')) { this.i++; return 0; }
    if (c === 'x') {
      const m = /^x([0-9A-Fa-f]{2})/.exec(this.src.slice(this.i));
      if (m) { this.i += 3; return parseInt(m[1]!, 16); }
      this.i++;
      return 'x'.charCodeAt(0);
    }
    if (c === 'u') {
      const m = /^u([0-9A-Fa-f]{4})/.exec(this.src.slice(this.i));
      if (m) { this.i += 5; return parseInt(m[1]!, 16); }
      this.i++;
      return 'u'.charCodeAt(0);
    }
    if (c === 'c') {
      const next = this.src[this.i + 1];
      if (next && /[A-Za-z]/.test(next)) { this.i += 2; return next.charCodeAt(0) % 32; }
      throw new LinearRegexError(`invalid \\c escape at position ${this.i}`);
    }
    if (/[1-9]/.test(c)) throw new LinearRegexError('backreferences are not supported in rlike patterns');
    if (c === 'k' && !inClass) throw new LinearRegexError('backreferences are not supported in rlike patterns');
    if (/[A-Za-z0-9]/.test(c)) {
      // JavaScript (Annex B) reads an unknown letter escape as the letter; refusing it is clearer.
      throw new LinearRegexError(`unsupported escape \\${c} at position ${this.i - 1}`);
    }
    this.i++;
    return c.charCodeAt(0);
  }

  private escape(): Node {
    this.i++; // backslash
    const c = this.src[this.i];
    if (c === 'b' || c === 'B') {
      this.i++;
      return { t: 'assert', kind: c === 'b' ? 'word' : 'notword' };
    }
    const cls = c === undefined ? undefined : this.classEscape(c);
    if (cls) {
      this.i++;
      return { t: 'char', set: { ranges: cls, negate: false } };
    }
    return { t: 'char', set: single(this.characterEscape(false)) };
  }

  private charClass(): Node {
    this.i++; // [
    let negate = false;
    if (this.peek() === '^') { negate = true; this.i++; }
    const ranges: number[] = [];
    // One class item: a code unit, or a class escape's ranges.
    const item = (): number | number[] => {
      const c = this.src[this.i];
      if (c === undefined) throw new LinearRegexError('unterminated character class');
      if (c === '\\') {
        this.i++;
        const e = this.src[this.i];
        const cls = e === undefined ? undefined : this.classEscape(e);
        if (cls) { this.i++; return cls; }
        if (e === '-') { this.i++; return 0x2d; }
        return this.characterEscape(true);
      }
      this.i++;
      return c.charCodeAt(0);
    };
    while (this.peek() !== ']') {
      if (this.i >= this.src.length) throw new LinearRegexError('unterminated character class');
      const lo = item();
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++; // -
        const hi = item();
        if (typeof lo === 'number' && typeof hi === 'number') {
          if (hi < lo) throw new LinearRegexError(`range out of order in character class at position ${this.i}`);
          ranges.push(lo, hi);
        } else {
          // `[\d-z]`: with a class escape on either side the dash is literal (Annex B).
          for (const x of [lo, 0x2d, hi]) {
            if (typeof x === 'number') ranges.push(x, x);
            else ranges.push(...x);
          }
        }
        continue;
      }
      if (typeof lo === 'number') ranges.push(lo, lo);
      else ranges.push(...lo);
    }
    this.i++; // ]
    return { t: 'char', set: { ranges: normalise(ranges), negate } };
  }
}

// ---- compilation to a Pike VM program ------------------------------------------------------

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const ASSERT = 3;
const MATCH = 4;

interface Inst {
  op: number;
  x: number;
  y: number;
  set: CharSet | undefined;
  kind: Assertion | undefined;
}

class Compiler {
  readonly prog: Inst[] = [];

  private emit(op: number, extra: Partial<Inst> = {}): number {
    if (this.prog.length >= MAX_PROGRAM_SIZE) {
      throw new LinearRegexError(`pattern is too large (more than ${MAX_PROGRAM_SIZE} instructions once repetitions are expanded)`);
    }
    this.prog.push({ op, x: 0, y: 0, set: undefined, kind: undefined, ...extra });
    return this.prog.length - 1;
  }

  compile(node: Node): void {
    switch (node.t) {
      case 'empty':
        return;
      case 'char':
        this.emit(CHAR, { set: node.set });
        return;
      case 'assert':
        this.emit(ASSERT, { kind: node.kind });
        return;
      case 'seq':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        // split L1, next; L1: a; jmp end; next: split L2, …
        const jumps: number[] = [];
        node.options.forEach((option, index) => {
          if (index < node.options.length - 1) {
            const split = this.emit(SPLIT);
            this.prog[split]!.x = this.prog.length;
            this.compile(option);
            jumps.push(this.emit(JMP));
            this.prog[split]!.y = this.prog.length;
          } else {
            this.compile(option);
          }
        });
        for (const j of jumps) this.prog[j]!.x = this.prog.length;
        return;
      }
      case 'repeat': {
        for (let k = 0; k < node.min; k++) this.compile(node.node);
        if (node.max === Infinity) {
          // L: split body, out; body; jmp L
          const split = this.emit(SPLIT);
          this.prog[split]!.x = this.prog.length;
          this.compile(node.node);
          const jmp = this.emit(JMP);
          this.prog[jmp]!.x = split;
          this.prog[split]!.y = this.prog.length;
        } else {
          const splits: number[] = [];
          for (let k = node.min; k < node.max; k++) {
            const split = this.emit(SPLIT);
            this.prog[split]!.x = this.prog.length;
            splits.push(split);
            this.compile(node.node);
          }
          for (const s of splits) this.prog[s]!.y = this.prog.length;
        }
        return;
      }
    }
  }
}

function inSet(set: CharSet, c: number): boolean {
  const r = set.ranges;
  let found = false;
  for (let k = 0; k < r.length; k += 2) {
    if (c < r[k]!) break;
    if (c <= r[k + 1]!) { found = true; break; }
  }
  return found !== set.negate;
}

const isWordUnit = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a);

export class LinearRegex {
  private readonly prog: Inst[];
  private readonly anchoredStart: boolean;

  /** Throws LinearRegexError for a pattern outside the supported subset or too large. */
  constructor(readonly source: string) {
    // Validate the way RegExp would first, so syntax errors read the same as elsewhere.
    try {
      new RegExp(source);
    } catch (error) {
      throw new LinearRegexError((error as Error).message);
    }
    const ast = new Parser(source).parse();
    const compiler = new Compiler();
    compiler.compile(ast);
    compiler.prog.push({ op: MATCH, x: 0, y: 0, set: undefined, kind: undefined });
    this.prog = compiler.prog;
    const first = this.prog[0]!;
    this.anchoredStart = first.op === ASSERT && first.kind === 'start';
  }

  get programSize(): number {
    return this.prog.length;
  }

  /**
   * Whether the pattern matches anywhere in `input`; `undefined` when the match would take more
   * than `budget` steps.
   */
  test(input: string, budget = DEFAULT_MATCH_BUDGET): boolean | undefined {
    const prog = this.prog;
    const n = prog.length;
    let clist = new Int32Array(n);
    let nlist = new Int32Array(n);
    let ccount = 0;
    let ncount = 0;
    const mark = new Int32Array(n).fill(-1);
    const stack = new Int32Array(n * 2 + 2);
    let generation = 0;
    let steps = 0;
    const len = input.length;

    // Follow epsilon moves from pc0 at position pos, appending CHAR instructions to nlist.
    // True when MATCH is reachable.
    const add = (pc0: number, pos: number): boolean => {
      let sp = 0;
      stack[sp++] = pc0;
      while (sp > 0) {
        const pc = stack[--sp]!;
        if (mark[pc] === generation) continue;
        mark[pc] = generation;
        steps++;
        const inst = prog[pc]!;
        switch (inst.op) {
          case CHAR:
            nlist[ncount++] = pc;
            break;
          case MATCH:
            return true;
          case JMP:
            stack[sp++] = inst.x;
            break;
          case SPLIT:
            stack[sp++] = inst.y;
            stack[sp++] = inst.x;
            break;
          case ASSERT: {
            let holds: boolean;
            if (inst.kind === 'start') holds = pos === 0;
            else if (inst.kind === 'end') holds = pos === len;
            else {
              const before = pos > 0 && isWordUnit(input.charCodeAt(pos - 1));
              const after = pos < len && isWordUnit(input.charCodeAt(pos));
              holds = (before !== after) === (inst.kind === 'word');
            }
            if (holds) stack[sp++] = pc + 1;
            break;
          }
        }
      }
      return false;
    };
    const swap = () => {
      const t = clist;
      clist = nlist;
      nlist = t;
      ccount = ncount;
      ncount = 0;
    };

    generation++;
    if (add(0, 0)) return true;
    swap();
    for (let pos = 0; pos < len; pos++) {
      if (steps > budget) return undefined;
      if (ccount === 0 && this.anchoredStart) return false;
      const c = input.charCodeAt(pos);
      generation++;
      for (let k = 0; k < ccount; k++) {
        const pc = clist[k]!;
        steps++;
        if (inSet(prog[pc]!.set!, c) && add(pc + 1, pos + 1)) return true;
      }
      if (!this.anchoredStart && add(0, pos + 1)) return true;
      swap();
    }
    return false;
  }
}

/** The reason a pattern cannot be used for `rlike`, or undefined when it can. */
export function linearRegexProblem(pattern: string): string | undefined {
  try {
    new LinearRegex(pattern);
    return undefined;
  } catch (error) {
    return error instanceof LinearRegexError ? error.message : String(error);
  }
}
