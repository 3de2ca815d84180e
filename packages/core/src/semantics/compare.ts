/**
 * Comparison rules shared by attribute filters and intervention criteria (design §3 "Criteria"):
 * numeric strings compare as numbers against numbers, `like` is whole-string case-sensitive SQL LIKE,
 * `in` is list membership — and against a list attribute, `in value` tests that the list contains it.
 */

/** A number when the value is a number or a numeric string, else undefined. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Equality with numeric coercion: `"12.5" = 12.5`, `1 = true` is false. */
export function looselyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== undefined && y !== undefined && x === y;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    return String(a) === String(b);
  }
  return false;
}

/** -1, 0, 1, or undefined when the two values are not comparable. */
export function order(a: unknown, b: unknown): number | undefined {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined && (typeof a === 'number' || typeof b === 'number')) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  return undefined;
}

/**
 * SQL LIKE: `%` any run, `_` one character, everything else literal, whole string, case-sensitive.
 * Matched by the greedy wildcard walk (back up to the last `%` on a mismatch), which is at worst
 * O(value × pattern). A regular expression here would backtrack: `%a%a%a%a%a%a%a%b` against fifty
 * `a`s takes seconds in V8, and one such filter or intervention would stall the stream engine.
 */
export function like(value: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'string' || value === undefined || value === null || typeof value === 'object') return false;
  const text = String(value);
  const n = text.length;
  const m = pattern.length;
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (i < n) {
    const p = j < m ? pattern.charCodeAt(j) : -1;
    if (p === 0x25 /* % */) {
      star = j++;
      resume = i;
    } else if (p !== -1 && (p === 0x5f /* _ */ || p === text.charCodeAt(i))) {
      i++;
      j++;
    } else if (star !== -1) {
      j = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (j < m && pattern.charCodeAt(j) === 0x25) j++;
  return j === m;
}

/** `value in list`; with a list on the left, whether it contains the scalar on the right (or any of a list). */
export function contains(left: unknown, right: unknown): boolean {
  if (Array.isArray(left)) {
    const wanted = Array.isArray(right) ? right : [right];
    return wanted.some((w) => left.some((item) => looselyEqual(item, w)));
  }
  if (Array.isArray(right)) return right.some((item) => looselyEqual(left, item));
  return looselyEqual(left, right);
}

export type BasicOperator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'like' | 'in';

/** A comparison on a present (non-null) value. Null handling differs per caller and lives there. */
export function compare(operator: BasicOperator, left: unknown, right: unknown): boolean {
  switch (operator) {
    case '=':
      return looselyEqual(left, right);
    case '!=':
      return !looselyEqual(left, right);
    case 'like':
      return like(left, right);
    case 'in':
      return contains(left, right);
    default: {
      const o = order(left, right);
      if (o === undefined) return false;
      return operator === '<' ? o < 0 : operator === '>' ? o > 0 : operator === '<=' ? o <= 0 : o >= 0;
    }
  }
}
