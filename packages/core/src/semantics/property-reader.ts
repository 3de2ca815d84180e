/**
 * Reads a property (reference §2.1, §4.2) from an enriched event in the analytics-SDK JSON shape.
 * Paths are parsed once when a definition is compiled; reading is then a few property lookups.
 */
import type { Property } from '../definitions/properties.js';
import { entityKey, unstructKey } from '../events/index.js';
import type { EnrichedEvent } from '../events/index.js';

export type PropertyReader = (event: EnrichedEvent) => unknown;

type Step = string | number;

/** `$.a.b[0].c` → ['a', 'b', 0, 'c'] */
export function parsePath(path: string): Step[] {
  const body = path.startsWith('$.') ? path.slice(2) : path;
  const steps: Step[] = [];
  for (const part of body.split('.')) {
    const bracket = part.indexOf('[');
    steps.push(bracket === -1 ? part : part.slice(0, bracket));
    if (bracket !== -1) {
      for (const m of part.slice(bracket).matchAll(/\[(\d+)\]/g)) steps.push(Number(m[1]));
    }
  }
  return steps;
}

function walk(value: unknown, steps: readonly Step[]): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** A reader returning the property value, or undefined when it is missing or null. */
export function compilePropertyReader(property: Property): PropertyReader {
  switch (property.type) {
    case 'atomic': {
      const column = property.name === 'refr_device_tstamp' ? 'refr_dvce_tstamp' : property.name;
      return (event) => event[column] ?? undefined;
    }
    case 'event': {
      const key = unstructKey(property.vendor, property.name, property.major_version);
      const steps = parsePath(property.path);
      return (event) => walk(event[key], steps) ?? undefined;
    }
    case 'entity': {
      const key = entityKey(property.vendor, property.name, property.major_version);
      const steps = [property.index, ...parsePath(property.path)];
      return (event) => walk(event[key], steps) ?? undefined;
    }
  }
}
