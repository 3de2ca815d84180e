import { describe, expect, it } from 'vitest';
import { AttributeGroup } from '../definitions/attribute-group.js';
import { builtInKey } from '../definitions/attribute-key.js';
import { parseDurationSeconds } from '../time/duration.js';
import { buildStreamView } from './published-view.js';

const group = (version: number, attributes: unknown[], extra: object = {}) =>
  AttributeGroup.parse({ name: 'g', version, attribute_key: { name: 'domain_userid' }, is_published: true, attributes, ...extra });
const counter = { name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] };

describe('engine view', () => {
  it('shares state between versions when an attribute is unchanged, and lists both as sources', () => {
    const key = builtInKey('domain_userid')!;
    const view = buildStreamView([{ group: group(1, [counter]), key }, { group: group(2, [counter, { ...counter, name: 'views_10m', period: 'PT10M' }]), key }]);
    expect(view).toHaveLength(2);
    expect(view[0]!.source_groups).toEqual([
      { name: 'g', version: 1, attribute_name: 'views' },
      { name: 'g', version: 2, attribute_name: 'views' },
    ]);
    expect(view[1]!.ttl).toBe(610);
  });
  it('a changed definition gets a new hash; descriptions and names do not change it', () => {
    const key = builtInKey('domain_userid')!;
    const [a] = buildStreamView([{ group: group(1, [counter]), key }]);
    const [b] = buildStreamView([{ group: group(1, [{ ...counter, name: 'renamed', description: 'x' }]), key }]);
    const [c] = buildStreamView([{ group: group(1, [{ ...counter, events: [{ name: 'page_ping' }] }]), key }]);
    expect(b!.definition_hash).toBe(a!.definition_hash);
    expect(c!.definition_hash).not.toBe(a!.definition_hash);
  });
  it('lifetime TTL: group, else key, else the default', () => {
    const key = builtInKey('domain_userid')!;
    expect(buildStreamView([{ group: group(1, [counter], { ttl: 'PT1H' }), key }])[0]!.ttl).toBe(3600);
    expect(buildStreamView([{ group: group(1, [counter]), key: { ...key, ttl: 'P1D' } }])[0]!.ttl).toBe(86400);
    expect(buildStreamView([{ group: group(1, [counter]), key }], 42)[0]!.ttl).toBe(42);
  });
  it('unpublished and offline groups are not computed', () => {
    const key = builtInKey('domain_userid')!;
    expect(buildStreamView([{ group: { ...group(1, [counter]), is_published: false }, key }])).toEqual([]);
  });
});

describe('durations', () => {
  it.each([['PT10M', 600], ['P7D', 604800], ['P1DT2H', 93600], ['PT0.5S', 0.5], ['P1W', 604800], ['P1M', null], ['PT', null], ['10m', null], ['PT0S', null]])('%s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });
});
