/**
 * Core's two entries (design §4 "Core is pure and browser-safe"; conventions "Layout"): what a
 * user of `@signalbox/core` gets, and that the building blocks only Signalbox's own packages use
 * are under `@signalbox/core/internal` instead, with no name on both.
 */
import * as core from '@signalbox/core';
import * as internal from '@signalbox/core/internal';
import { describe, expect, it } from 'vitest';

describe('core entries', () => {
  it('the public entry has what the SDK, the console and users build on', () => {
    for (const name of [
      'SignalboxError',
      'ERROR_CODES',
      'AttributeGroup',
      'Service',
      'RuleIntervention',
      'InterventionInstance',
      'parseEnrichedTsv',
      'toEnrichedTsv',
      'normalizeEnrichedJson',
      'eventTime',
      'identifierOf',
      'qualifiedName',
      'definitionHash',
      'compileCriteria',
      'outputValue',
      'CompiledView',
      'buildView',
      'compileView',
      'readableAttribute',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
  });

  it('the building blocks are on the internal entry, not the public one', () => {
    for (const name of [
      'mergeStates',
      'readValue',
      'windowFor',
      'compilePropertyReader',
      'LinearRegex',
      'regroupEntities',
      'selfDescribingParts',
      'jsonText',
      'acceptValue',
    ]) {
      expect(internal, name).toHaveProperty(name);
      expect(core, name).not.toHaveProperty(name);
    }
  });

  it('no name is exported from both entries', () => {
    const both = Object.keys(core).filter((name) => Object.hasOwn(internal, name));
    expect(both).toEqual([]);
  });
});
