/**
 * How deep JSON input may nest, and JSON text for a value of any depth (conventions: "every
 * parser bounds depth and size before it recurses"; docs/limits.md lists every bound).
 *
 * V8's `JSON.parse` does not recurse, so a body nested 100,000 deep parses. What comes after does:
 * `JSON.stringify`, zod, and every tree walk overflow the stack a few thousand levels down, and a
 * `RangeError` thrown there loses the whole request. So each reader asks
 * {@link nestsDeeperThan} first, with a walk that keeps its own stack, and input that nests too
 * deep is refused with a reason; {@link jsonText} writes such input back (into a bad row) without
 * recursing.
 */

/**
 * The deepest JSON Signalbox reads: request bodies, and the `data` of every entity and
 * self-describing event. Each array or object is one level; the outermost is level 1.
 */
export const MAX_JSON_DEPTH = 64;

/** The reason given for input over a depth limit, e.g. `nests deeper than the limit of 64 levels of arrays and objects`. */
export function tooDeepReason(limit: number): string {
  return `nests deeper than the limit of ${limit} levels of arrays and objects`;
}

/**
 * Whether `value` holds arrays or objects nested more than `limit` levels deep (`value` itself,
 * when it is an array or object, is level 1). Walks with an explicit stack, so a value of any depth
 * is measured safely; stops as soon as the answer is known.
 *
 * @example
 * ```ts
 * nestsDeeperThan({ a: [{ b: 1 }] }, 3) // false: object, array, object
 * nestsDeeperThan(JSON.parse('['.repeat(5000) + ']'.repeat(5000)), 64) // true
 * ```
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit < 1) return true;
  // On the hot path (every entity of every event) most values hold no container at all, so the
  // stacks are only made when one is found, and objects are read with for-in (no key array).
  let pending: object[] | undefined;
  let pendingDepths: number[] | undefined;
  let node: object = value;
  let depth = 1;
  for (;;) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child !== 'object' || child === null) continue;
        if (depth === limit) return true;
        (pending ??= []).push(child);
        (pendingDepths ??= []).push(depth + 1);
      }
    } else {
      for (const key in node) {
        const child: unknown = (node as Record<string, unknown>)[key];
        if (typeof child !== 'object' || child === null) continue;
        if (depth === limit) return true;
        (pending ??= []).push(child);
        (pendingDepths ??= []).push(depth + 1);
      }
    }
    if (pending === undefined || pending.length === 0) return false;
    node = pending.pop()!;
    depth = pendingDepths!.pop()!;
  }
}

/**
 * Whether JSON text holds more than `limit` arrays and objects, counted without parsing it.
 * `JSON.parse` builds every one of them: 16 MiB of `[[[[…` or of `[{},{},…` is millions of
 * objects and half a gigabyte, so a large body is measured first. Brackets inside strings do not
 * count; text that is not JSON is counted as far as it goes (the parse then says what is wrong).
 *
 * @example
 * ```ts
 * jsonTextHoldsMoreContainersThan('[{"a":"[{"}]', 2) // false: an array and an object
 * ```
 */
export function jsonTextHoldsMoreContainersThan(text: string, limit: number): boolean {
  // Each array or object takes two characters at least, so shorter text needs no scan.
  if (text.length <= 2 * limit) return false;
  let containers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++containers > limit) return true;
    } else if (c === 34) {
      // Jump to the closing quote: one that is not escaped, i.e. preceded by an even number of backslashes.
      for (;;) {
        const close = text.indexOf('"', i + 1);
        if (close < 0) return false;
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
        i = close;
        if (backslashes % 2 === 0) break;
      }
    }
  }
  return false;
}

/** A scalar as `JSON.stringify` writes it; `undefined` for what it leaves out (functions, symbols, undefined). */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(String(value));
    case 'object':
      return 'null';
    default:
      return undefined;
  }
}

interface OpenContainer {
  readonly items: readonly unknown[];
  /** Object keys, in order; `undefined` for an array. */
  readonly keys: readonly string[] | undefined;
  next: number;
  written: number;
}

/**
 * The JSON text of `value`, the same as `JSON.stringify(value)` writes for anything `JSON.parse`
 * made, but without recursion, so it works at any depth (a rejected input is kept as a bad row as
 * sent, however deep). `toJSON` is honoured; a bigint is written as a string rather than thrown on;
 * a top-level value `JSON.stringify` cannot write is written as `null`. With `maxLength`, writing
 * stops soon after the text passes it (a bad row keeps only the start of a huge input anyway).
 *
 * @example
 * ```ts
 * jsonText({ a: [1, 'x', null] }) // '{"a":[1,"x",null]}'
 * jsonText(hugeValue, 65_536).length // a little over 65,536: cut, not valid JSON
 * ```
 */
export function jsonText(value: unknown, maxLength = Infinity): string {
  const open: OpenContainer[] = [];
  let out = '';
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      let v = pending;
      if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
        v = (v as { toJSON: () => unknown }).toJSON();
      }
      if (typeof v === 'object' && v !== null) {
        if (Array.isArray(v)) {
          out += '[';
          open.push({ items: v, keys: undefined, next: 0, written: 0 });
        } else {
          const keys = Object.keys(v);
          out += '{';
          open.push({ items: keys.map((k) => (v as Record<string, unknown>)[k]), keys, next: 0, written: 0 });
        }
      } else {
        out += scalarText(v) ?? 'null';
      }
    }
    const top = open[open.length - 1];
    if (top === undefined || out.length > maxLength) return out;
    if (top.keys === undefined) {
      if (top.next === top.items.length) {
        out += ']';
        open.pop();
        continue;
      }
      if (top.written++ > 0) out += ',';
      const item = top.items[top.next++];
      // JSON.stringify writes what it cannot represent as null inside arrays.
      pending = scalarText(item) === undefined ? null : item;
      hasPending = true;
      continue;
    }
    while (top.next < top.items.length && scalarText(top.items[top.next]) === undefined) top.next++;
    if (top.next === top.items.length) {
      out += '}';
      open.pop();
      continue;
    }
    if (top.written++ > 0) out += ',';
    out += `${JSON.stringify(top.keys[top.next])}:`;
    pending = top.items[top.next++];
    hasPending = true;
  }
}
