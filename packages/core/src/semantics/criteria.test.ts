import { describe, expect, it } from 'vitest';
import { Criteria } from '../definitions/criteria.js';
import { compare, like } from './compare.js';
import { compileEventFilter } from './event-filter.js';
import { compilePropertyReader, parsePath } from './property-reader.js';

describe('compare', () => {
  it.each([
    ['=', '12.5', 12.5, true], ['=', 'a', 'a', true], ['=', 1, true, false], ['!=', 'a', 'b', true],
    ['<', '9', 10, true], ['<', 'b', 'a', false], ['>=', 3, '3', true], ['>', 'x', 3, false],
    ['in', 'b', ['a', 'b'], true], ['in', 2, ['1', '2'], true], ['in', ['x', 'y'], 'y', true], ['in', 'c', ['a'], false],
    ['like', '/faq/1', '%/faq%', true], ['like', 'abc', 'a_c', true], ['like', 'ABC', 'abc', false], ['like', 'a.c', 'a_c', true], ['like', 'axc', 'a.c', false],
  ] as const)('%s: %j vs %j → %s', (op, left, right, expected) => {
    expect(compare(op, left, right)).toBe(expected);
  });
  it('like matches the whole string', () => expect(like('xabcx', 'abc')).toBe(false));
});

describe('event filters', () => {
  const filter = (c: unknown) => compileEventFilter(Criteria.parse(c));
  const path = (v: unknown) => ({ property: { type: 'atomic', name: 'page_urlpath' }, ...(v as object) });
  it('with a null property, != is true and every other comparison false', () => {
    expect(filter({ all: [path({ operator: '!=', value: '/a' })] })({})).toBe(true);
    for (const operator of ['=', '<', '>', 'like']) expect(filter({ all: [path({ operator, value: '/a' })] })({})).toBe(false);
    expect(filter({ all: [path({ operator: 'in', value: ['/a'] })] })({})).toBe(false);
    expect(filter({ all: [path({ operator: 'is null' })] })({})).toBe(true);
  });
  it('all AND any', () => {
    const f = filter({ all: [path({ operator: 'like', value: '/p/%' })], any: [path({ operator: '=', value: '/p/1' }), path({ operator: '=', value: '/p/2' })] });
    expect(f({ page_urlpath: '/p/1' })).toBe(true);
    expect(f({ page_urlpath: '/p/3' })).toBe(false);
    expect(f({ page_urlpath: '/q/1' })).toBe(false);
  });
});

describe('property reader', () => {
  it('parses restricted JSONPath', () => expect(parsePath('$.items[0].price')).toEqual(['items', 0, 'price']));
  it('reads the n-th entity and the self-describing event', () => {
    const event = {
      contexts_com_acme_product_1: [{ id: 'a' }, { id: 'b', tags: ['x', 'y'] }],
      unstruct_event_com_acme_add_to_cart_1: { cart: { total: 12 } },
    };
    expect(compilePropertyReader({ type: 'entity', vendor: 'com.acme', name: 'product', major_version: 1, path: 'id', index: 1 })(event)).toBe('b');
    expect(compilePropertyReader({ type: 'entity', vendor: 'com.acme', name: 'product', major_version: 1, path: 'tags[1]', index: 1 })(event)).toBe('y');
    expect(compilePropertyReader({ type: 'entity', vendor: 'com.acme', name: 'product', major_version: 2, path: 'id', index: 0 })(event)).toBeUndefined();
    expect(compilePropertyReader({ type: 'event', vendor: 'com.acme', name: 'add_to_cart', major_version: 1, path: '$.cart.total' })(event)).toBe(12);
  });
});
