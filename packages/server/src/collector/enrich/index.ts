/**
 * The minimal enrichment of reference §6: one raw tracker event (a flat map of tracker-protocol
 * parameters, as `payload_data` carries it) plus the facts of the HTTP request it came in →
 * either a good enriched event (the 131-column TSV line Enrich would write and the same event in
 * the analytics-SDK JSON shape) or every reason it fails.
 *
 * Pure: no I/O and no clock. Times and request facts are parameters, and the event-id generator
 * can be swapped, so tests replay the reference's worked examples exactly.
 */
import { randomUUID } from 'node:crypto';
import { type EnrichedEvent, parseEnrichedTsv } from '@signalbox/core';
import { MAX_LENGTH_BY_COLUMN, lengthViolation, sanitize } from './atomic.js';
import { type Columns, FIELD_NAMES, column, newColumns } from './columns.js';
import { campaignFields } from './campaign.js';
import { crossDomain } from './cross-domain.js';
import { eventType, unstructSchemaFields } from './event-type.js';
import { mapParameters, parseUuid } from './params.js';
import { firstAddress } from './request-defaults.js';
import { contextsColumn, readContexts, readUnstruct, unstructColumn, type SelfDescribingJson } from './self-describing.js';
import { MIN_MS, clip, derivedTimestamp, formatTimestamp } from './timestamps.js';
import { type UrlParts, splitUrl } from './url.js';

export { firstAddress } from './request-defaults.js';
export { decodeBase64 } from './self-describing.js';
export { formatTimestamp } from './timestamps.js';

/** Column indexes of the fields enrichment writes by name. */
const C = Object.fromEntries(
  [
    'collector_tstamp', 'etl_tstamp', 'v_collector', 'v_etl', 'network_userid', 'user_ipaddress', 'useragent', 'page_url', 'page_referrer',
    'event', 'event_id', 'refr_domain_userid', 'refr_dvce_tstamp', 'event_vendor', 'event_name', 'event_format', 'event_version',
    'derived_tstamp', 'contexts', 'unstruct_event',
  ].map((name) => [name, column(name)]),
) as Record<
  | 'collector_tstamp' | 'etl_tstamp' | 'v_collector' | 'v_etl' | 'network_userid' | 'user_ipaddress' | 'useragent' | 'page_url' | 'page_referrer'
  | 'event' | 'event_id' | 'refr_domain_userid' | 'refr_dvce_tstamp' | 'event_vendor' | 'event_name' | 'event_format' | 'event_version'
  | 'derived_tstamp' | 'contexts' | 'unstruct_event',
  number
>;

/** A tracker event: every parameter a string, as the tracker protocol requires. */
export type RawEvent = Readonly<Record<string, string>>;

/** What the collector knows about the request an event came in (step 1 and 3 defaults). */
export interface RequestFacts {
  /** When the collector received the request, epoch ms. */
  collectorTstamp: number;
  /** When enrichment ran, epoch ms. */
  etlTstamp: number;
  /** `v_collector` unless the event sends `cv`, e.g. `signalbox-collector-0.1.0`. */
  collectorName: string;
  /** `v_etl`, e.g. `signalbox-enrich-0.1.0`. */
  etlName: string;
  /** First `X-Forwarded-For` address, else the socket's; absent for an anonymous request. */
  ipAddress?: string | undefined;
  /** The `User-Agent` header. */
  userAgent?: string | undefined;
  /** The `Referer` header: the page URL when the event has no `url`. */
  referer?: string | undefined;
  /** The `sp` cookie (or the id the collector just set); absent for an anonymous request. */
  networkUserId?: string | undefined;
}

export type EnrichResult =
  | { ok: true; event: EnrichedEvent; tsv: string }
  | { ok: false; reasons: string[] };

export interface EnrichOptions {
  /** Event ids for events without `eid` (default: random v4 UUIDs). */
  newEventId?: () => string;
}

/**
 * Enriches one raw event. Fails (with every reason) on: unknown or missing `e`, `p` or `tv`;
 * a bad `eid` or `sid` UUID; numbers, flags, `WxH` or timestamps that do not parse; bad JSON,
 * base64, wrappers or Iglu URIs in `co`/`cx`/`ue_pr`/`ue_px`; a self-describing event without
 * `ue_pr`/`ue_px`; and values longer than the atomic schema allows.
 *
 * @example
 * ```ts
 * const result = enrichEvent({ e: 'pv', p: 'web', tv: 'js-4.10.1', url: 'https://shop.example.com/' }, facts)
 * if (result.ok) result.event.page_urlhost // 'shop.example.com'
 * ```
 */
export function enrichEvent(raw: RawEvent, facts: RequestFacts, options: EnrichOptions = {}): EnrichResult {
  const reasons: string[] = [];
  const columns = newColumns();
  const get = (param: string): string | undefined => {
    const value = Object.hasOwn(raw, param) ? raw[param] : undefined;
    return value === '' ? undefined : value;
  };

  // 1. Timestamps of receipt and of enrichment; the names of this collector and enricher.
  columns[C.collector_tstamp] = formatTimestamp(facts.collectorTstamp);
  columns[C.etl_tstamp] = formatTimestamp(facts.etlTstamp);
  columns[C.v_collector] = facts.collectorName;
  columns[C.v_etl] = facts.etlName;

  // 3. Request-level defaults, each overridable by the event.
  columns[C.network_userid] = get('tnuid') ?? get('nuid') ?? facts.networkUserId ?? '';
  const ip = get('ip');
  columns[C.user_ipaddress] = (ip !== undefined ? firstAddress(ip) : facts.ipAddress) ?? '';
  columns[C.useragent] = get('ua') ?? facts.userAgent ?? '';
  columns[C.page_url] = get('url') ?? facts.referer ?? '';

  // 4. Parameters → fields; the event type and id.
  const times = mapParameters(raw, columns, reasons);
  const e = get('e');
  const type = e === undefined ? undefined : eventType(e);
  if (e === undefined) reasons.push('e: required (the event type, e.g. "pv", "se" or "ue")');
  else if (type === undefined) reasons.push(`e: unknown event type ${JSON.stringify(clip(e))}, expected pv, pp, se, ue, tr, ti or ev`);
  else columns[C.event] = type.event;
  const eid = get('eid');
  if (eid === undefined) {
    columns[C.event_id] = (options.newEventId ?? randomUUID)();
  } else {
    const uuid = parseUuid(eid);
    if (uuid === undefined) reasons.push(`eid: expected a UUID, got ${JSON.stringify(clip(eid))}`);
    else columns[C.event_id] = uuid;
  }

  // 5. Entities and the self-describing event.
  let entities: SelfDescribingJson[] = [];
  const cx = get('cx');
  const co = get('co');
  if (cx !== undefined || co !== undefined) {
    const read = cx !== undefined ? readContexts(cx, 'cx') : readContexts(co!, 'co');
    if (read.ok) entities = read.value;
    else reasons.push(...read.reasons);
  }
  let unstruct: SelfDescribingJson | undefined;
  const uePx = get('ue_px');
  const uePr = get('ue_pr');
  if (uePx !== undefined || uePr !== undefined) {
    const read = uePx !== undefined ? readUnstruct(uePx, 'ue_px') : readUnstruct(uePr!, 'ue_pr');
    if (read.ok) unstruct = read.value;
    else reasons.push(...read.reasons);
  } else if (e === 'ue') {
    reasons.push('ue_pr / ue_px: required for a self-describing event (e=ue)');
  }

  // 11 (first half). Clean every text value before it is split or measured.
  for (let i = 0; i < columns.length; i++) if (columns[i] !== '') columns[i] = sanitize(columns[i]!);

  // 6. URL parts.
  const page = columns[C.page_url] === '' ? null : splitUrl(columns[C.page_url]!);
  if (page !== null) setUrlParts(columns, PAGE_URL_PARTS, page);
  const referrer = columns[C.page_referrer] === '' ? null : splitUrl(columns[C.page_referrer]!);
  if (referrer !== null) setUrlParts(columns, REFR_URL_PARTS, referrer);

  // 7 and 8. Campaign fields and the cross-domain linker parameter, from the page URL's query.
  if (page?.query) {
    const campaign = campaignFields(page.query);
    for (const field in campaign) columns[column(field)] = sanitize(campaign[field]!);
    const linked = crossDomain(page.query);
    if (linked?.refrDomainUserId !== undefined) columns[C.refr_domain_userid] = sanitize(linked.refrDomainUserId);
    if (linked?.refrDeviceTime !== undefined) columns[C.refr_dvce_tstamp] = formatTimestamp(linked.refrDeviceTime);
  }

  // 9. Event vendor, name, format, version.
  const schema = type?.schema ?? (type !== undefined && unstruct !== undefined ? unstructSchemaFields(unstruct.schema) : undefined);
  if (schema !== undefined) {
    columns[C.event_vendor] = schema.event_vendor;
    columns[C.event_name] = schema.event_name;
    columns[C.event_format] = schema.event_format;
    columns[C.event_version] = schema.event_version;
  }

  // 10. derived_tstamp.
  const derived = derivedTimestamp({ collector: facts.collectorTstamp, ...times });
  if (derived < MIN_MS) reasons.push('dtm / stm: the device delay between creating and sending the event puts derived_tstamp before year 0');
  else columns[C.derived_tstamp] = formatTimestamp(derived);

  // 11 (second half). Maximum lengths.
  for (let i = 0; i < columns.length; i++) {
    const max = MAX_LENGTH_BY_COLUMN[i]!;
    if (max > 0 && columns[i]!.length > max) reasons.push(lengthViolation(FIELD_NAMES[i]!, columns[i]!)!);
  }

  if (reasons.length > 0) return { ok: false, reasons };

  columns[C.contexts] = contextsColumn(entities);
  if (unstruct !== undefined) columns[C.unstruct_event] = unstructColumn(unstruct);
  const tsv = columns.join('\t');
  try {
    return { ok: true, event: parseEnrichedTsv(tsv), tsv };
  } catch (error) {
    // Every check above mirrors the codec's, so this is a bug; keep the event as a bad row all the same.
    return { ok: false, reasons: [`enriched event rejected by the codec: ${(error as Error).message}`] };
  }
}

interface UrlColumns {
  scheme: number;
  host: number;
  port: number;
  path: number;
  query: number;
  fragment: number;
}
const urlColumns = (prefix: string): UrlColumns => ({
  scheme: column(`${prefix}scheme`), host: column(`${prefix}host`), port: column(`${prefix}port`),
  path: column(`${prefix}path`), query: column(`${prefix}query`), fragment: column(`${prefix}fragment`),
});
const PAGE_URL_PARTS = urlColumns('page_url');
const REFR_URL_PARTS = urlColumns('refr_url');

function setUrlParts(columns: Columns, at: UrlColumns, parts: UrlParts): void {
  columns[at.scheme] = parts.scheme;
  columns[at.host] = parts.host;
  columns[at.port] = String(parts.port);
  columns[at.path] = parts.path;
  columns[at.query] = parts.query ?? '';
  columns[at.fragment] = parts.fragment ?? '';
}
