/**
 * The self-describing JSON of an event put back together: its entities (`contexts`,
 * `derived_contexts`) and its self-describing event (`unstruct_event`), each with its full Iglu
 * URI. The lossy shape keeps only the `contexts_*` / `unstruct_event_*` keys; the URIs come from
 * the side record that `parseEnrichedTsv` and `normalizeEnrichedJson` attach (see `getEventSchemas`
 * in core). The warehouse's JSON columns and Micro's non-lossy `event` are both built from this.
 */
import { type EnrichedEvent, getEventSchemas } from '@signalbox/core';

/** `{"schema": "iglu:…", "data": …}` */
export interface SelfDescribingJson {
  readonly schema: string;
  readonly data: unknown;
}

export interface SelfDescribingParts {
  /** Tracker entities, in the order the event carried them. */
  readonly contexts: readonly SelfDescribingJson[];
  /** Entities added by enrichments. */
  readonly derivedContexts: readonly SelfDescribingJson[];
  /** The self-describing event, or null. */
  readonly unstruct: SelfDescribingJson | null;
  /** The wrapper URIs as the event was read (Enrich writes contexts 1-0-1). */
  readonly contextsWrapper: string;
  readonly derivedContextsWrapper: string;
  readonly unstructWrapper: string;
}

export const CONTEXTS_WRAPPER_1_0_1 = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
export const CONTEXTS_WRAPPER_1_0_0 = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0';
export const UNSTRUCT_WRAPPER = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

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
 * Regroups the event's `contexts_*` arrays into the two entity lists (recorded entities first,
 * in their recorded order and list; then any others, key by key) and finds its self-describing
 * event. Never throws: values that are not objects are skipped, unknown URIs get
 * {@link unknownSchemaFor}.
 */
export function selfDescribingParts(event: EnrichedEvent): SelfDescribingParts {
  const recorded = getEventSchemas(event);
  const contexts: SelfDescribingJson[] = [];
  const derivedContexts: SelfDescribingJson[] = [];
  let unstruct: SelfDescribingJson | null = null;

  const lists = new Map<string, readonly unknown[]>();
  for (const key of Object.keys(event)) {
    const value = event[key];
    if (key.startsWith('contexts_')) {
      if (Array.isArray(value)) lists.set(key, value);
    } else if (key.startsWith('unstruct_event_') && unstruct === null && isObject(value)) {
      const schema = recorded?.unstruct?.key === key ? recorded.unstruct.schema : unknownSchemaFor(key);
      unstruct = { schema, data: value };
    }
  }

  const written = new Map<string, number>();
  const lastRecord = new Map<string, { schema: string; derived: boolean }>();
  for (const record of recorded?.entities ?? []) {
    lastRecord.set(record.key, record);
    const list = lists.get(record.key);
    const index = written.get(record.key) ?? 0;
    if (list === undefined || index >= list.length) continue;
    written.set(record.key, index + 1);
    const data = list[index];
    if (isObject(data)) (record.derived ? derivedContexts : contexts).push({ schema: record.schema, data });
  }
  for (const [key, list] of lists) {
    const known = lastRecord.get(key);
    const schema = known?.schema ?? unknownSchemaFor(key);
    const target = known?.derived === true ? derivedContexts : contexts;
    for (let i = written.get(key) ?? 0; i < list.length; i++) {
      const data = list[i];
      if (isObject(data)) target.push({ schema, data });
    }
  }

  return {
    contexts,
    derivedContexts,
    unstruct,
    contextsWrapper: recorded?.contextsWrapper ?? CONTEXTS_WRAPPER_1_0_1,
    derivedContextsWrapper: recorded?.derivedContextsWrapper ?? CONTEXTS_WRAPPER_1_0_1,
    unstructWrapper: recorded?.unstructWrapper ?? UNSTRUCT_WRAPPER,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
