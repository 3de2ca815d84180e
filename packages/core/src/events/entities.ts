/**
 * Entity reassembly (design §4 "Core is pure and browser-safe"): the lossy event shape keeps
 * entities only under their `contexts_<vendor>_<name>_<model>` keys, and the self-describing
 * event under one `unstruct_event_*` key. Writing an event back out — as an enriched TSV line
 * (`toEnrichedTsv`), as the warehouse's JSON columns, as Micro's non-lossy `event` — needs the
 * two entity lists (`contexts`, `derived_contexts`) with full Iglu URIs, in the order the event
 * carried them. `regroupEntities` is that one rule, so every output agrees on it:
 *
 * - first the entities the event's side record knows (see `getEventSchemas`), in their recorded
 *   order and list, one recorded entry per element of its key;
 * - then every other element (new keys, appended elements), key by key in the event's key order,
 *   with the URI recorded last for that key or, for a key without one, the caller's choice.
 *
 * Callers decide what a malformed event is: `toEnrichedTsv` refuses it before regrouping, while
 * `selfDescribingParts` (the warehouse, Micro) never throws and skips what is not an entity.
 */
import {
  CONTEXTS_WRAPPER,
  type EnrichedEvent,
  type EntitySchema,
  type SelfDescribingJson,
  UNSTRUCT_WRAPPER,
  getEventSchemas,
} from './enriched-event.js';

export type { SelfDescribingJson } from './enriched-event.js';

/** The wrapper URI Micro and old trackers write; Enrich writes {@link CONTEXTS_WRAPPER} (1-0-1). */
export const CONTEXTS_WRAPPER_1_0_0 = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0';
export { CONTEXTS_WRAPPER, UNSTRUCT_WRAPPER };

/** The two entity lists of an enriched event. */
export interface RegroupedEntities {
  /** Tracker entities (`contexts`). */
  readonly contexts: SelfDescribingJson[];
  /** Entities added by enrichments (`derived_contexts`). */
  readonly derivedContexts: SelfDescribingJson[];
}

/**
 * Regroups the event's `contexts_*` lists (`lists`, in the event's key order) into the two entity
 * lists. `schemaFor(key)` names the URI of a key the record does not know; it is called only for
 * a key with elements left to write, so it may throw. Elements that are not objects are skipped
 * (they still use up their recorded entry).
 */
export function regroupEntities(
  lists: ReadonlyMap<string, readonly unknown[]>,
  recorded: readonly EntitySchema[] | undefined,
  schemaFor: (key: string) => string,
): RegroupedEntities {
  const contexts: SelfDescribingJson[] = [];
  const derivedContexts: SelfDescribingJson[] = [];
  const written = new Map<string, number>();
  const last = new Map<string, EntitySchema>();
  for (const record of recorded ?? []) {
    last.set(record.key, record);
    const list = lists.get(record.key);
    const index = written.get(record.key) ?? 0;
    if (list === undefined || index >= list.length) continue;
    written.set(record.key, index + 1);
    const data = list[index];
    if (isEntityData(data)) (record.derived ? derivedContexts : contexts).push({ schema: record.schema, data });
  }
  for (const [key, list] of lists) {
    let index = written.get(key) ?? 0;
    if (index >= list.length) continue;
    const known = last.get(key);
    const schema = known?.schema ?? schemaFor(key);
    const target = known?.derived === true ? derivedContexts : contexts;
    for (; index < list.length; index++) {
      const data = list[index];
      if (isEntityData(data)) target.push({ schema, data });
    }
  }
  return { contexts, derivedContexts };
}

/** What the warehouse and Micro write for an event: its entities, its event and the wrappers. */
export interface SelfDescribingParts extends RegroupedEntities {
  /** The self-describing event, or null. */
  readonly unstruct: SelfDescribingJson | null;
  /** The wrapper URIs as the event was read (Enrich writes contexts 1-0-1). */
  readonly contextsWrapper: string;
  readonly derivedContextsWrapper: string;
  readonly unstructWrapper: string;
}

/**
 * The URI written for a key whose real URI nobody recorded: an event sent as lossy JSON (the
 * analytics-SDK shape) has only `contexts_com_acme_thing_1`, and `com_acme_thing` cannot be split
 * back into vendor and name. The vendor `unknown` says so plainly, and the rest of the key and its
 * model are kept so the entity can still be found: `iglu:unknown/com_acme_thing/jsonschema/1-0-0`.
 */
export function unknownSchemaFor(key: string): string {
  const rest = key.startsWith('unstruct_event_') ? key.slice('unstruct_event_'.length) : key.slice('contexts_'.length);
  const cut = rest.lastIndexOf('_');
  const model = cut > 0 ? rest.slice(cut + 1) : '';
  const name = cut > 0 ? rest.slice(0, cut) : rest;
  return `iglu:unknown/${name || 'entity'}/jsonschema/${/^[1-9][0-9]*$/.test(model) ? model : '1'}-0-0`;
}

/**
 * The event's self-describing JSON put back together, leniently: {@link regroupEntities} over its
 * `contexts_*` arrays, and its first `unstruct_event_*` object as the self-describing event.
 * Never throws: values that are not arrays or objects are skipped, unknown URIs get
 * {@link unknownSchemaFor}. The warehouse's JSON columns and Micro's non-lossy `event` are built
 * from this.
 */
export function selfDescribingParts(event: EnrichedEvent): SelfDescribingParts {
  const recorded = getEventSchemas(event);
  let unstruct: SelfDescribingJson | null = null;
  const lists = new Map<string, readonly unknown[]>();
  for (const key of Object.keys(event)) {
    const value = event[key];
    if (key.startsWith('contexts_')) {
      if (Array.isArray(value)) lists.set(key, value);
    } else if (key.startsWith('unstruct_event_') && unstruct === null && isEntityData(value)) {
      const schema = recorded?.unstruct?.key === key ? recorded.unstruct.schema : unknownSchemaFor(key);
      unstruct = { schema, data: value };
    }
  }
  const { contexts, derivedContexts } = regroupEntities(lists, recorded?.entities, unknownSchemaFor);
  return {
    contexts,
    derivedContexts,
    unstruct,
    contextsWrapper: recorded?.contextsWrapper ?? CONTEXTS_WRAPPER,
    derivedContextsWrapper: recorded?.derivedContextsWrapper ?? CONTEXTS_WRAPPER,
    unstructWrapper: recorded?.unstructWrapper ?? UNSTRUCT_WRAPPER,
  };
}

// Deliberately looser than `isPlainObject`: what `JSON.parse` could have produced, and the
// warehouse must not drop an entity over its prototype.
function isEntityData(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
