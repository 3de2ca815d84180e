/**
 * The rule interventions view: every published intervention with its criteria references
 * resolved (design §3): `group:attr` → the latest published version of `group` containing `attr`,
 * read with the identifier of that group's own key; targets = `target_attribute_keys`, else the
 * keys of the referenced groups, each with the TTL its fired markers live for.
 *
 * The view is plain JSON and is recorded in the event log whenever it changes, so replay after a
 * crash evaluates each event against the rules that were live when it was first processed.
 * `compileView` turns it into what the evaluator runs.
 *
 * `groups` and `keys` are keyed by client-chosen names, so they are null-prototype objects
 * (an attribute key may be called `__proto__`); a view read back from the log is only iterated.
 *
 * Pure (design §4 "Core is pure and browser-safe"): the view is built from what a registry
 * answers (`InterventionSource`), not from the registry itself, so whatever resolves rules (the
 * server's evaluator today; backfill and the testing endpoint when they come) resolves them alike.
 */
import type { AttributeGroup } from '../definitions/attribute-group.js';
import { type AttributeKey, keyProperty } from '../definitions/attribute-key.js';
import { type InterventionCriteria, type RuleIntervention, criteriaReferences } from '../definitions/intervention.js';
import type { Property } from '../definitions/properties.js';
import { durationSeconds } from '../time/duration.js';
import { canonicalJson } from './hashing.js';
import { type CompiledCriteria, type CriteriaOptions, compileCriteria } from './intervention-criteria.js';
import { type PropertyReader, compilePropertyReader } from './property-reader.js';
import { type ReadableAttribute, readableAttribute } from './readable-attribute.js';

export interface ViewReference {
  /** `group:attr` as written in the criteria. */
  reference: string;
  /** `<group>_v<version>`, an entry of `groups`. */
  group: string;
  attribute: string;
}

export interface ViewTarget {
  keyName: string;
  /** How long a fired marker for this target lives (its state TTL). */
  ttlMs: number;
}

export interface ViewIntervention {
  name: string;
  version: number;
  criteria: InterventionCriteria;
  references: ViewReference[];
  targets: ViewTarget[];
}

export interface ViewGroup {
  keyName: string;
  /** Every attribute of the group version: liveness is decided over the whole group. */
  attributes: ReadableAttribute[];
}

export interface InterventionView {
  interventions: ViewIntervention[];
  groups: Record<string, ViewGroup>;
  /** Where each key's identifier is read from an event. */
  keys: Record<string, Property>;
}

/** An empty view; its maps have no prototype, so any name is plain data. */
export function emptyView(): InterventionView {
  return { interventions: [], groups: Object.create(null) as InterventionView['groups'], keys: Object.create(null) as InterventionView['keys'] };
}

/** What the view needs from the registry. */
export interface InterventionSource {
  publishedInterventions(): RuleIntervention[];
  latestPublishedGroupWith(group: string, attribute: string): AttributeGroup | undefined;
  resolveKey(group: AttributeGroup): AttributeKey;
  getKey(name: string): AttributeKey;
}

export function buildView(source: InterventionSource, defaultTtlSeconds: number): InterventionView {
  const view = emptyView();
  const addKey = (key: AttributeKey): boolean => {
    const property = keyProperty(key);
    if (!property) return false;
    view.keys[key.name] = property;
    return true;
  };
  for (const intervention of source.publishedInterventions()) {
    const references: ViewReference[] = [];
    const ttlByKey = new Map<string, number>();
    let resolved = true;
    for (const { attribute: reference } of criteriaReferences(intervention.criteria)) {
      const [groupName, attributeName] = reference.split(':') as [string, string];
      const group = source.latestPublishedGroupWith(groupName, attributeName);
      if (!group) {
        resolved = false;
        break;
      }
      const key = source.resolveKey(group);
      if (!addKey(key)) {
        resolved = false;
        break;
      }
      const groupId = `${group.name}_v${group.version}`;
      let entry = view.groups[groupId];
      if (!entry) {
        entry = { keyName: key.name, attributes: (group.attributes ?? []).map((a) => readableAttribute(group, key, a, defaultTtlSeconds)) };
        view.groups[groupId] = entry;
      }
      references.push({ reference, group: groupId, attribute: attributeName });
      const ttlMs = entry.attributes.find((a) => a.name === attributeName)?.spec?.ttlMs ?? defaultTtlSeconds * 1000;
      ttlByKey.set(key.name, Math.max(ttlByKey.get(key.name) ?? 0, ttlMs));
    }
    if (!resolved) continue;
    const targetNames = intervention.target_attribute_keys?.map((k) => k.name) ?? [...ttlByKey.keys()];
    const targets: ViewTarget[] = [];
    for (const name of new Set(targetNames)) {
      let key: AttributeKey;
      try {
        key = source.getKey(name);
      } catch {
        continue; // an unknown target key cannot be read from events
      }
      if (!addKey(key)) continue;
      const keyTtl = key.ttl ? durationSeconds(key.ttl) * 1000 : defaultTtlSeconds * 1000;
      targets.push({ keyName: name, ttlMs: ttlByKey.get(name) ?? keyTtl });
    }
    view.interventions.push({ name: intervention.name, version: intervention.version, criteria: intervention.criteria, references, targets });
  }
  return view;
}

// ---- compiled form -----------------------------------------------------------------------

export interface CompiledReference {
  reference: string;
  groupId: string;
  group: ViewGroup;
  attribute: ReadableAttribute | undefined;
}

export interface CompiledIntervention {
  name: string;
  version: number;
  /** The fired-marker name in the Profiles Store. */
  marker: string;
  evaluate: CompiledCriteria;
  references: Map<string, CompiledReference>;
  targets: ViewTarget[];
}

export interface CompiledInterventions {
  list: CompiledIntervention[];
  /** Interventions to evaluate when an attribute with this definition hash is updated. */
  byHash: Map<string, CompiledIntervention[]>;
  keyReaders: Map<string, PropertyReader>;
  /** Interventions that could not be compiled, with the reason (never expected for validated definitions). */
  problems: string[];
}

export function markerName(name: string, version: number): string {
  return `${name}\u0001${version}`;
}

export function compileView(view: InterventionView | null, options: CriteriaOptions = {}): CompiledInterventions {
  const compiled: CompiledInterventions = { list: [], byHash: new Map(), keyReaders: new Map(), problems: [] };
  if (!view) return compiled;
  for (const [name, property] of Object.entries(view.keys)) compiled.keyReaders.set(name, compilePropertyReader(property));
  for (const group of Object.values(view.groups)) {
    // JSON drops `window: undefined`; put it back so specs have their declared shape.
    for (const a of group.attributes) if (a.spec) a.spec = { ...a.spec, window: a.spec.window ?? undefined };
  }
  for (const entry of view.interventions) {
    let evaluate: CompiledCriteria;
    try {
      evaluate = compileCriteria(entry.criteria, options);
    } catch (error) {
      compiled.problems.push(`intervention "${entry.name}" version ${entry.version}: ${(error as Error).message}`);
      continue;
    }
    const references = new Map<string, CompiledReference>();
    for (const r of entry.references) {
      const group = Object.hasOwn(view.groups, r.group) ? view.groups[r.group]! : undefined;
      if (!group) {
        compiled.problems.push(`intervention "${entry.name}" version ${entry.version}: group ${r.group} is missing from the view`);
        continue;
      }
      references.set(r.reference, { reference: r.reference, groupId: r.group, group, attribute: group.attributes.find((a) => a.name === r.attribute) });
    }
    const intervention: CompiledIntervention = {
      name: entry.name,
      version: entry.version,
      marker: markerName(entry.name, entry.version),
      evaluate,
      references,
      targets: entry.targets,
    };
    compiled.list.push(intervention);
    for (const ref of references.values()) {
      const hash = ref.attribute?.hash;
      if (!hash) continue;
      const list = compiled.byHash.get(hash) ?? [];
      if (!list.includes(intervention)) list.push(intervention);
      compiled.byHash.set(hash, list);
    }
  }
  return compiled;
}

/** Canonical text of a view, to tell whether it changed. */
export function viewText(view: InterventionView): string {
  return canonicalJson(view);
}
