import { describe, expect, it } from 'vitest';
import { getEventSchemas } from './enriched-event.js';
import { regroupEntities, selfDescribingParts, unknownSchemaFor } from './entities.js';
import { ENRICHED_FIELDS } from './fields.js';
import { ENTITIES_TSV as LINE } from './fixtures.js';
import { normalizeEnrichedJson } from './json.js';
import { parseEnrichedTsv, toEnrichedTsv } from './tsv.js';


const PRODUCT = 'contexts_com_snowplowanalytics_snowplow_ecommerce_product_1';
const THING = 'contexts_com_acme_thing_1';
const THING_URI = 'iglu:com.acme/thing/jsonschema/1-0-0';

/** The entities of a written TSV line, as `[schema, data]` per column. */
function writtenEntities(line: string): { contexts: unknown[]; derived: unknown[] } {
  const columns = line.split('\t');
  const read = (name: string) => {
    const text = columns[ENRICHED_FIELDS.findIndex((f) => f.name === name)]!;
    return text === '' ? [] : (JSON.parse(text) as { data: Array<{ schema: string; data: unknown }> }).data.map((e) => [e.schema, e.data]);
  };
  return { contexts: read('contexts'), derived: read('derived_contexts') };
}

describe('entity reassembly', () => {
  it('builds a readable URI for keys without one', () => {
    expect(unknownSchemaFor('contexts_com_acme_thing_3')).toBe('iglu:unknown/com_acme_thing/jsonschema/3-0-0');
    expect(unknownSchemaFor('unstruct_event_com_acme_signup_1')).toBe('iglu:unknown/com_acme_signup/jsonschema/1-0-0');
  });

  it('keeps entity order and origin across keys', () => {
    const parts = selfDescribingParts(parseEnrichedTsv(LINE));
    expect(parts.contexts.map((c) => c.schema)).toEqual([
      'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0',
      'iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0',
      'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
    ]);
    expect(parts.derivedContexts.map((c) => c.schema)).toEqual(['iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0']);
    expect(parts.unstruct?.schema).toBe('iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2');
  });

  it('puts the entities in the same order for the TSV writer and for the warehouse and Micro', () => {
    const event = parseEnrichedTsv(LINE);
    // An edited event: an appended element of a recorded key, and a key with no record at all.
    (event[PRODUCT] as unknown[]).push({ id: 'SKU-2' });
    event[THING] = [{ n: 1 }, { n: 2 }];
    const parts = selfDescribingParts(event);
    const line = toEnrichedTsv(event, { schemas: { [THING]: THING_URI } });
    const unknown = unknownSchemaFor(THING);
    expect(parts.contexts.map((c) => [c.schema === unknown ? THING_URI : c.schema, c.data])).toEqual(writtenEntities(line).contexts);
    expect(parts.derivedContexts.map((c) => [c.schema, c.data])).toEqual(writtenEntities(line).derived);
    expect(parts.contexts.map((c) => c.data)).toEqual([
      { id: 'SKU-1', name: 'Red Shoe', category: 'shoes', price: 59.99, currency: 'EUR', quantity: 1 },
      { total_value: 59.99, currency: 'EUR' },
      { id: '0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f' },
      { id: 'SKU-2' },
      { n: 1 },
      { n: 2 },
    ]);
  });

  it('writes a line Enrich wrote back byte for byte, also through the JSON shape', () => {
    expect(toEnrichedTsv(parseEnrichedTsv(LINE))).toBe(LINE);
    expect(toEnrichedTsv(normalizeEnrichedJson(parseEnrichedTsv(LINE)))).toBe(LINE);
  });

  it('never throws for the warehouse: what is not an entity is skipped', () => {
    const event = parseEnrichedTsv(LINE);
    event[THING] = 'not a list';
    event['contexts_com_acme_other_1'] = [null, 7, ['x'], { ok: true }];
    const parts = selfDescribingParts(event);
    expect(parts.contexts.at(-1)).toEqual({ schema: 'iglu:unknown/com_acme_other/jsonschema/1-0-0', data: { ok: true } });
    expect(parts.contexts).toHaveLength(4);
  });

  it('asks for the URI of an unrecorded key only when it has entities to write', () => {
    const asked: string[] = [];
    const lists = new Map<string, readonly unknown[]>([
      [PRODUCT, [{ id: 'SKU-1' }]],
      [THING, []],
      ['contexts_com_acme_other_1', [{ ok: true }]],
    ]);
    const recorded = getEventSchemas(parseEnrichedTsv(LINE))?.entities;
    const { contexts } = regroupEntities(lists, recorded, (key) => {
      asked.push(key);
      return `uri-of-${key}`;
    });
    expect(asked).toEqual(['contexts_com_acme_other_1']);
    expect(contexts.map((c) => c.schema)).toEqual([
      'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0',
      'uri-of-contexts_com_acme_other_1',
    ]);
  });
});
