/**
 * Step 11 of the minimal enrichment (reference §6, §2.6): string fields are cleaned the way
 * Enrich writes them (tab → four spaces, other control characters removed, so a value can never
 * break the TSV line), then checked against the maximum lengths of Snowplow's atomic event schema
 * (`iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0`). Like Enrich, an over-long
 * field fails the event rather than being cut: a truncated id or URL would be a wrong value.
 */

import { FIELD_NAMES } from './columns.js';

/** Maximum length of each string column, in UTF-16 code units (Java's `String.length`). */
export const ATOMIC_MAX_LENGTHS: Readonly<Record<string, number>> = {
  app_id: 255, platform: 255, event: 128, event_id: 36, name_tracker: 128, v_tracker: 100, v_collector: 100, v_etl: 100,
  user_id: 255, user_ipaddress: 128, user_fingerprint: 128, domain_userid: 128, network_userid: 128,
  geo_country: 2, geo_region: 3, geo_city: 75, geo_zipcode: 15, geo_region_name: 100,
  ip_isp: 100, ip_organization: 128, ip_domain: 128, ip_netspeed: 100,
  page_url: 4096, page_title: 2000, page_referrer: 4096,
  page_urlscheme: 16, page_urlhost: 255, page_urlpath: 3000, page_urlquery: 6000, page_urlfragment: 3000,
  refr_urlscheme: 16, refr_urlhost: 255, refr_urlpath: 6000, refr_urlquery: 6000, refr_urlfragment: 3000,
  refr_medium: 25, refr_source: 50, refr_term: 255,
  mkt_medium: 255, mkt_source: 255, mkt_term: 255, mkt_content: 500, mkt_campaign: 255,
  se_category: 1000, se_action: 1000, se_label: 4096, se_property: 1000,
  tr_orderid: 255, tr_affiliation: 255, tr_city: 255, tr_state: 255, tr_country: 255,
  ti_orderid: 255, ti_sku: 255, ti_name: 255, ti_category: 255,
  useragent: 1000, br_name: 50, br_family: 50, br_version: 50, br_type: 50, br_renderengine: 50, br_lang: 255,
  br_colordepth: 12, os_name: 50, os_family: 50, os_manufacturer: 50, os_timezone: 255, dvce_type: 50,
  doc_charset: 128, tr_currency: 3, ti_currency: 3, base_currency: 3, geo_timezone: 64,
  mkt_clickid: 128, mkt_network: 64, etl_tags: 500, refr_domain_userid: 128, domain_sessionid: 128,
  event_vendor: 1000, event_name: 1000, event_format: 128, event_version: 128, event_fingerprint: 128,
};

/** {@link ATOMIC_MAX_LENGTHS} by column index; 0 where there is no limit. */
export const MAX_LENGTH_BY_COLUMN: Int32Array = Int32Array.from(FIELD_NAMES, (name) => ATOMIC_MAX_LENGTHS[name] ?? 0);

// C0 controls and DEL: Java's \p{Cntrl}, which Enrich strips.
const CONTROL = /[\u0000-\u001f\u007f]/g;
const NEEDS_CLEANING = /[\u0000-\u001f\u007f]/;

/** Enrich's string clean-up: each tab becomes four spaces, other control characters go. */
export function sanitize(value: string): string {
  if (!NEEDS_CLEANING.test(value)) return value;
  return value.replaceAll('\t', '    ').replace(CONTROL, '');
}

/** A reason when `value` is longer than the atomic schema allows for `field`, else `undefined`. */
export function lengthViolation(field: string, value: string): string | undefined {
  const max = ATOMIC_MAX_LENGTHS[field];
  if (max === undefined || value.length <= max) return undefined;
  return `${field}: ${value.length} characters, more than the ${max} the atomic schema allows`;
}
