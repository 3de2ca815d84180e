/**
 * Snowplow Micro's response shapes (Micro 2.x–4.x in-memory mode), built from what Signalbox
 * keeps: the enriched event and the bad row.
 *
 * - GoodEvent `{rawEvent, eventType, schema, contexts, event, incomplete}`: `event` is the
 *   enriched event in the Scala analytics SDK's non-lossy JSON (131 keys in TSV order, `null` for
 *   empty fields, `contexts` / `derived_contexts` as a `contexts/jsonschema/1-0-0` wrapper or `{}`,
 *   `unstruct_event` as an `unstruct_event/jsonschema/1-0-0` wrapper or `null`); `schema` is
 *   `iglu:<event_vendor>/<event_name>/<event_format>/<event_version>` (so page views have one
 *   too, as in Micro); `contexts` lists the tracker entities' schema URIs (not derived ones).
 * - `rawEvent` is rebuilt from the enriched event, because Signalbox does not keep the raw
 *   request: `parameters` holds the tracker-protocol parameters that map to the event's fields
 *   (`e`, `eid`, `url`, `se_ca`, `co`, `ue_pr`, `dtm`, …, with `co` / `ue_pr` always in plain, not
 *   base64, form) and `context` the request facts that Enrich keeps (IP, user agent, `sp` cookie).
 * - BadEvent `{collectorPayload, rawEvent, errors}`: `errors` are the bad row's reasons and
 *   `collectorPayload.body` the rejected input.
 */
import { ENRICHED_FIELDS, type EnrichedEvent } from '@signalbox/core';
import type { BadRow } from '../bad-rows/bad-rows.js';
import { CONTEXTS_WRAPPER_1_0_0, UNSTRUCT_WRAPPER, selfDescribingParts } from '@signalbox/core/internal';

export interface GoodEvent {
  rawEvent: RawEvent;
  eventType: string | null;
  schema: string | null;
  contexts: string[];
  event: Record<string, unknown>;
  incomplete: false;
}

export interface RawEvent {
  api: { vendor: string; version: string };
  parameters: Record<string, string>;
  contentType: string | null;
  source: { name: string; encoding: string; hostname: string | null };
  context: {
    timestamp: string | null;
    ipAddress: string | null;
    useragent: string | null;
    refererUri: string | null;
    headers: string[];
    userId: string | null;
  };
}

export interface BadEvent {
  collectorPayload: {
    api: { vendor: string; version: string };
    querystring: string[];
    contentType: string | null;
    body: string | null;
    source: { name: string; encoding: string; hostname: string | null };
    context: RawEvent['context'];
  } | null;
  rawEvent: RawEvent | null;
  errors: string[];
}

const TRACKER_API = { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' };

const E_PARAM: Readonly<Record<string, string>> = {
  page_view: 'pv',
  page_ping: 'pp',
  struct: 'se',
  unstruct: 'ue',
  transaction: 'tr',
  transaction_item: 'ti',
};

/** Enriched field → the tracker parameter that feeds it (reference §1.5). */
const PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['event_id', 'eid'], ['app_id', 'aid'], ['platform', 'p'], ['v_tracker', 'tv'], ['name_tracker', 'tna'], ['txn_id', 'tid'],
  ['os_timezone', 'tz'], ['user_id', 'uid'], ['domain_userid', 'duid'], ['domain_sessionid', 'sid'], ['domain_sessionidx', 'vid'],
  ['user_fingerprint', 'fp'], ['page_url', 'url'], ['page_title', 'page'], ['page_referrer', 'refr'], ['br_lang', 'lang'],
  ['doc_charset', 'cs'], ['br_colordepth', 'cd'], ['br_cookies', 'cookie'],
  ['br_features_pdf', 'f_pdf'], ['br_features_flash', 'f_fla'], ['br_features_java', 'f_java'], ['br_features_director', 'f_dir'],
  ['br_features_quicktime', 'f_qt'], ['br_features_realplayer', 'f_realp'], ['br_features_windowsmedia', 'f_wma'],
  ['br_features_gears', 'f_gears'], ['br_features_silverlight', 'f_ag'],
  ['se_category', 'se_ca'], ['se_action', 'se_ac'], ['se_label', 'se_la'], ['se_property', 'se_pr'], ['se_value', 'se_va'],
  ['pp_xoffset_min', 'pp_mix'], ['pp_xoffset_max', 'pp_max'], ['pp_yoffset_min', 'pp_miy'], ['pp_yoffset_max', 'pp_may'],
  ['tr_orderid', 'tr_id'], ['tr_affiliation', 'tr_af'], ['tr_total', 'tr_tt'], ['tr_tax', 'tr_tx'], ['tr_shipping', 'tr_sh'],
  ['tr_city', 'tr_ci'], ['tr_state', 'tr_st'], ['tr_country', 'tr_co'], ['tr_currency', 'tr_cu'],
  ['ti_orderid', 'ti_id'], ['ti_sku', 'ti_sk'], ['ti_name', 'ti_nm'], ['ti_category', 'ti_ca'], ['ti_price', 'ti_pr'],
  ['ti_quantity', 'ti_qu'], ['ti_currency', 'ti_cu'],
];
const TIMES: ReadonlyArray<readonly [string, string]> = [['dvce_created_tstamp', 'dtm'], ['dvce_sent_tstamp', 'stm'], ['true_tstamp', 'ttm']];
const SIZES: ReadonlyArray<readonly [string, string, string]> = [
  ['dvce_screenwidth', 'dvce_screenheight', 'res'],
  ['br_viewwidth', 'br_viewheight', 'vp'],
  ['doc_width', 'doc_height', 'ds'],
];

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function parameterText(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The enriched event in the Scala SDK's non-lossy JSON (Micro's `event`). */
export function nonLossyEvent(event: EnrichedEvent): Record<string, unknown> {
  const parts = selfDescribingParts(event);
  const out: Record<string, unknown> = {};
  for (const field of ENRICHED_FIELDS) {
    switch (field.kind) {
      case 'json-contexts': {
        const list = field.name === 'contexts' ? parts.contexts : parts.derivedContexts;
        out[field.name] = list.length > 0 ? { schema: CONTEXTS_WRAPPER_1_0_0, data: list } : {};
        break;
      }
      case 'json-unstruct':
        out[field.name] = parts.unstruct ? { schema: UNSTRUCT_WRAPPER, data: parts.unstruct } : null;
        break;
      default:
        out[field.name] = event[field.name] ?? null;
    }
  }
  return out;
}

/** The tracker request as far as the enriched event tells it. */
export function rawEventOf(event: EnrichedEvent): RawEvent {
  const parts = selfDescribingParts(event);
  const parameters: Record<string, string> = {};
  const kind = str(event['event']);
  if (kind !== null) parameters['e'] = E_PARAM[kind] ?? kind;
  for (const [field, param] of PARAMETERS) {
    const value = event[field];
    if (value !== undefined && value !== null) parameters[param] = parameterText(value);
  }
  for (const [field, param] of TIMES) {
    const ms = typeof event[field] === 'string' ? Date.parse(event[field] as string) : NaN;
    if (!Number.isNaN(ms)) parameters[param] = String(ms);
  }
  for (const [w, h, param] of SIZES) {
    if (event[w] !== undefined && event[h] !== undefined) parameters[param] = `${String(event[w])}x${String(event[h])}`;
  }
  if (parts.contexts.length > 0) parameters['co'] = JSON.stringify({ schema: CONTEXTS_WRAPPER_1_0_0, data: parts.contexts });
  if (parts.unstruct) parameters['ue_pr'] = JSON.stringify({ schema: UNSTRUCT_WRAPPER, data: parts.unstruct });
  return {
    api: TRACKER_API,
    parameters,
    contentType: 'application/json; charset=UTF-8',
    source: { name: str(event['v_collector']) ?? 'signalbox', encoding: 'UTF-8', hostname: str(event['page_urlhost']) },
    context: {
      timestamp: str(event['collector_tstamp']),
      ipAddress: str(event['user_ipaddress']),
      useragent: str(event['useragent']),
      refererUri: str(event['page_url']),
      headers: [],
      userId: str(event['network_userid']),
    },
  };
}

export function goodEventOf(event: EnrichedEvent): GoodEvent {
  const [vendor, name, format, version] = ['event_vendor', 'event_name', 'event_format', 'event_version'].map((k) => str(event[k]));
  return {
    rawEvent: rawEventOf(event),
    eventType: str(event['event']),
    schema: vendor && name && format && version ? `iglu:${vendor}/${name}/${format}/${version}` : null,
    contexts: selfDescribingParts(event).contexts.map((c) => c.schema),
    event: nonLossyEvent(event),
    incomplete: false,
  };
}

/** The tracker API a bad row's source stands for (`collector/i` is Enrich's tp1 adapter). */
export function apiOfSource(source: string): { vendor: string; version: string } {
  if (source === 'collector/tp2') return TRACKER_API;
  if (source === 'collector/i') return { vendor: 'com.snowplowanalytics.snowplow', version: 'tp1' };
  return { vendor: 'signalbox', version: source.replace(/^api\//, '') };
}

export function badEventOf(row: BadRow): BadEvent {
  return {
    collectorPayload: {
      api: apiOfSource(row.source),
      querystring: [],
      contentType: null,
      body: row.payload,
      source: { name: 'signalbox', encoding: 'UTF-8', hostname: null },
      context: { timestamp: row.received_at, ipAddress: null, useragent: null, refererUri: null, headers: [], userId: null },
    },
    rawEvent: null,
    errors: row.reasons,
  };
}
