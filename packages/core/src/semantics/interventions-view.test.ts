import { describe, expect, it } from 'vitest';
import { AttributeGroup } from '../definitions/attribute-group.js';
import { builtInKey } from '../definitions/attribute-key.js';
import { RuleIntervention } from '../definitions/intervention.js';
import { type InterventionSource, buildView, compileView } from './interventions-view.js';

const group = (name: string, version: number, key: string, attributes: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
  AttributeGroup.parse({ name, version, attribute_key: { name: key }, is_published: true, attributes, ...extra });
const counter = (name: string, period?: string) => ({ name, type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }], ...(period ? { period } : {}) });

function source(groups: AttributeGroup[], interventions: unknown[]): InterventionSource {
  return {
    publishedInterventions: () => interventions.map((i) => RuleIntervention.parse(i)),
    latestPublishedGroupWith: (g, a) =>
      groups.filter((x) => x.name === g && x.is_published && (x.attributes ?? []).some((y) => y.name === a)).sort((x, y) => y.version - x.version)[0],
    resolveKey: (g) => builtInKey(g.attribute_key.name)!,
    getKey: (name) => {
      const key = builtInKey(name);
      if (!key) throw new Error(`no key ${name}`);
      return key;
    },
  };
}

describe('interventions view', () => {
  const groups = [
    group('sess', 1, 'domain_sessionid', [counter('views')]),
    group('sess', 2, 'domain_sessionid', [counter('views'), counter('recent', 'PT30M')]),
    group('user', 1, 'domain_userid', [counter('views')], { ttl: 'P30D' }),
    group('draft', 1, 'domain_userid', [counter('views')], { is_published: false }),
  ];

  it('resolves group:attr to the latest published version containing it, and targets the referenced keys', () => {
    const view = buildView(source(groups, [
      { name: 'r', criteria: { all: [{ attribute: 'sess:views', operator: '>', value: 1 }, { attribute: 'user:views', operator: '>', value: 1 }] } },
    ]), 7 * 86400);
    expect(view.interventions[0]!.references.map((r) => r.group)).toEqual(['sess_v2', 'user_v1']);
    expect(view.interventions[0]!.targets).toEqual([
      { keyName: 'domain_sessionid', ttlMs: 7 * 86400 * 1000 },
      { keyName: 'domain_userid', ttlMs: 30 * 86400 * 1000 },
    ]);
    expect(Object.keys(view.keys).sort()).toEqual(['domain_sessionid', 'domain_userid']);
  });

  it('uses target_attribute_keys when given; markers of a windowed attribute live its period plus a tile', () => {
    const view = buildView(source(groups, [
      { name: 'r', criteria: { attribute: 'sess:recent', operator: '>', value: 1 }, target_attribute_keys: [{ name: 'domain_sessionid' }, { name: 'domain_userid' }, { name: 'no_such_key' }] },
    ]), 100);
    expect(view.interventions[0]!.targets).toEqual([
      { keyName: 'domain_sessionid', ttlMs: (30 * 60 + 30) * 1000 },
      { keyName: 'domain_userid', ttlMs: 100_000 },
    ]);
  });

  it('skips interventions whose references no longer resolve, and indexes the rest by definition hash', () => {
    const view = buildView(source(groups, [
      { name: 'gone', criteria: { attribute: 'draft:views', operator: '>', value: 1 } },
      { name: 'ok', criteria: { attribute: 'sess:views', operator: '>', value: 1 } },
    ]), 100);
    expect(view.interventions.map((i) => i.name)).toEqual(['ok']);
    // The view survives a JSON round trip (it is recorded in the event log).
    const compiled = compileView(JSON.parse(JSON.stringify(view)));
    const hash = view.groups['sess_v2']!.attributes.find((a) => a.name === 'views')!.hash!;
    expect(compiled.byHash.get(hash)!.map((i) => i.name)).toEqual(['ok']);
    expect(compiled.list[0]!.references.get('sess:views')!.attribute!.spec).toEqual({ aggregation: 'counter', window: undefined, ttlMs: 100_000 });
  });
});

describe('interventions view with names that are Object.prototype properties', () => {
  it('keeps a key named __proto__ and groups named constructor as data, also after the JSON round trip of the event log', () => {
    const proto = { name: '__proto__', property: { type: 'atomic', name: 'user_id' }, is_published: true } as const;
    const groups = [
      AttributeGroup.parse({ name: 'constructor', version: 1, attribute_key: { name: '__proto__' }, is_published: true, attributes: [counter('toString')] }),
    ];
    const base = source(groups, [{ name: 'valueOf', criteria: { attribute: 'constructor:toString', operator: '>', value: 1 } }]);
    const view = buildView({ ...base, resolveKey: () => ({ ...proto }) as never, getKey: () => ({ ...proto }) as never }, 100);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(Object.hasOwn(view.keys, '__proto__')).toBe(true);
    expect(view.interventions[0]!.targets.map((t) => t.keyName)).toEqual(['__proto__']);
    for (const v of [view, JSON.parse(JSON.stringify(view))]) {
      const compiled = compileView(v);
      expect(compiled.problems).toEqual([]);
      expect([...compiled.keyReaders.keys()]).toEqual(['__proto__']);
      expect(compiled.list[0]!.references.get('constructor:toString')?.groupId).toBe('constructor_v1');
    }
  });
});
