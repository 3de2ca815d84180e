/**
 * The registry document keeps names that are Object.prototype properties as data: what is saved
 * reads back equal, and reading never touches a prototype.
 */
import { describe, expect, it } from 'vitest';
import { emptyRegistry, registryFromJson, registryToJson } from './registry-data.js';
import type { AttributeKey, Service } from '@signalbox/core';

describe('registry document', () => {
  it('round-trips names such as __proto__ and constructor as ordinary entries', () => {
    const data = emptyRegistry();
    for (const name of ['__proto__', 'constructor', 'toString']) {
      data.attribute_keys.set(name, { name, is_published: false } as AttributeKey);
      data.services.set(name, { name, attribute_groups: [{ name, version: 1 }], is_published: true } as Service);
    }
    const text = registryToJson(data);
    expect(JSON.parse(text).services).toHaveProperty(['__proto__']);
    const back = registryFromJson(text);
    expect([...back.attribute_keys.keys()]).toEqual(['__proto__', 'constructor', 'toString']);
    expect(back.services.get('__proto__')).toEqual(data.services.get('__proto__'));
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('reads a document written before versions were kept as numbers', () => {
    const text = '{"attribute_keys":{},"attribute_groups":{"g":{"2":{"name":"g","version":2}}},"services":{},"interventions":{}}';
    expect(registryFromJson(text).attribute_groups.get('g')?.get(2)).toEqual({ name: 'g', version: 2 });
  });
});
