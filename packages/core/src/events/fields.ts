/**
 * The 131 columns of a Snowplow enriched event, in the order Enrich writes them to its TSV.
 *
 * This table is the single source of truth for the codec: the TSV parser and writer walk it by
 * position, the JSON normaliser by name. Names are Enrich's (`refr_dvce_tstamp`, not the
 * `refr_device_tstamp` some analytics SDKs print). The trailing comment is the 1-based column
 * number used in error messages and in Snowplow's docs.
 */

/**
 * How a column's text is read and what JSON value it becomes.
 *
 * - `string`: kept as is.
 * - `timestamp`: `YYYY-MM-DD HH:MM:SS[.fff]` UTC in the TSV, ISO-8601 with milliseconds in JSON.
 * - `int`, `decimal`: base-10 number text in the TSV, a JSON number in JSON.
 * - `bool`: `1` / `0` in the TSV, `true` / `false` in JSON.
 * - `json-contexts`: a `contexts/jsonschema/1-x-x` wrapper holding a list of entities.
 * - `json-unstruct`: an `unstruct_event/jsonschema/1-x-x` wrapper holding one self-describing event.
 */
export type EnrichedFieldKind = 'string' | 'timestamp' | 'int' | 'decimal' | 'bool' | 'json-contexts' | 'json-unstruct';

export interface EnrichedField {
  readonly name: string;
  readonly kind: EnrichedFieldKind;
  /** Never empty in an event Enrich lets through; the SDKs refuse lines without it. */
  readonly required?: true;
}

export const ENRICHED_FIELDS = [
  { name: 'app_id', kind: 'string' }, // 1
  { name: 'platform', kind: 'string' }, // 2
  { name: 'etl_tstamp', kind: 'timestamp' }, // 3
  { name: 'collector_tstamp', kind: 'timestamp', required: true }, // 4
  { name: 'dvce_created_tstamp', kind: 'timestamp' }, // 5
  { name: 'event', kind: 'string' }, // 6
  { name: 'event_id', kind: 'string', required: true }, // 7
  { name: 'txn_id', kind: 'int' }, // 8
  { name: 'name_tracker', kind: 'string' }, // 9
  { name: 'v_tracker', kind: 'string' }, // 10
  { name: 'v_collector', kind: 'string', required: true }, // 11
  { name: 'v_etl', kind: 'string', required: true }, // 12
  { name: 'user_id', kind: 'string' }, // 13
  { name: 'user_ipaddress', kind: 'string' }, // 14
  { name: 'user_fingerprint', kind: 'string' }, // 15
  { name: 'domain_userid', kind: 'string' }, // 16
  { name: 'domain_sessionidx', kind: 'int' }, // 17
  { name: 'network_userid', kind: 'string' }, // 18
  { name: 'geo_country', kind: 'string' }, // 19
  { name: 'geo_region', kind: 'string' }, // 20
  { name: 'geo_city', kind: 'string' }, // 21
  { name: 'geo_zipcode', kind: 'string' }, // 22
  { name: 'geo_latitude', kind: 'decimal' }, // 23
  { name: 'geo_longitude', kind: 'decimal' }, // 24
  { name: 'geo_region_name', kind: 'string' }, // 25
  { name: 'ip_isp', kind: 'string' }, // 26
  { name: 'ip_organization', kind: 'string' }, // 27
  { name: 'ip_domain', kind: 'string' }, // 28
  { name: 'ip_netspeed', kind: 'string' }, // 29
  { name: 'page_url', kind: 'string' }, // 30
  { name: 'page_title', kind: 'string' }, // 31
  { name: 'page_referrer', kind: 'string' }, // 32
  { name: 'page_urlscheme', kind: 'string' }, // 33
  { name: 'page_urlhost', kind: 'string' }, // 34
  { name: 'page_urlport', kind: 'int' }, // 35
  { name: 'page_urlpath', kind: 'string' }, // 36
  { name: 'page_urlquery', kind: 'string' }, // 37
  { name: 'page_urlfragment', kind: 'string' }, // 38
  { name: 'refr_urlscheme', kind: 'string' }, // 39
  { name: 'refr_urlhost', kind: 'string' }, // 40
  { name: 'refr_urlport', kind: 'int' }, // 41
  { name: 'refr_urlpath', kind: 'string' }, // 42
  { name: 'refr_urlquery', kind: 'string' }, // 43
  { name: 'refr_urlfragment', kind: 'string' }, // 44
  { name: 'refr_medium', kind: 'string' }, // 45
  { name: 'refr_source', kind: 'string' }, // 46
  { name: 'refr_term', kind: 'string' }, // 47
  { name: 'mkt_medium', kind: 'string' }, // 48
  { name: 'mkt_source', kind: 'string' }, // 49
  { name: 'mkt_term', kind: 'string' }, // 50
  { name: 'mkt_content', kind: 'string' }, // 51
  { name: 'mkt_campaign', kind: 'string' }, // 52
  { name: 'contexts', kind: 'json-contexts' }, // 53
  { name: 'se_category', kind: 'string' }, // 54
  { name: 'se_action', kind: 'string' }, // 55
  { name: 'se_label', kind: 'string' }, // 56
  { name: 'se_property', kind: 'string' }, // 57
  { name: 'se_value', kind: 'decimal' }, // 58
  { name: 'unstruct_event', kind: 'json-unstruct' }, // 59
  { name: 'tr_orderid', kind: 'string' }, // 60
  { name: 'tr_affiliation', kind: 'string' }, // 61
  { name: 'tr_total', kind: 'decimal' }, // 62
  { name: 'tr_tax', kind: 'decimal' }, // 63
  { name: 'tr_shipping', kind: 'decimal' }, // 64
  { name: 'tr_city', kind: 'string' }, // 65
  { name: 'tr_state', kind: 'string' }, // 66
  { name: 'tr_country', kind: 'string' }, // 67
  { name: 'ti_orderid', kind: 'string' }, // 68
  { name: 'ti_sku', kind: 'string' }, // 69
  { name: 'ti_name', kind: 'string' }, // 70
  { name: 'ti_category', kind: 'string' }, // 71
  { name: 'ti_price', kind: 'decimal' }, // 72
  { name: 'ti_quantity', kind: 'int' }, // 73
  { name: 'pp_xoffset_min', kind: 'int' }, // 74
  { name: 'pp_xoffset_max', kind: 'int' }, // 75
  { name: 'pp_yoffset_min', kind: 'int' }, // 76
  { name: 'pp_yoffset_max', kind: 'int' }, // 77
  { name: 'useragent', kind: 'string' }, // 78
  { name: 'br_name', kind: 'string' }, // 79
  { name: 'br_family', kind: 'string' }, // 80
  { name: 'br_version', kind: 'string' }, // 81
  { name: 'br_type', kind: 'string' }, // 82
  { name: 'br_renderengine', kind: 'string' }, // 83
  { name: 'br_lang', kind: 'string' }, // 84
  { name: 'br_features_pdf', kind: 'bool' }, // 85
  { name: 'br_features_flash', kind: 'bool' }, // 86
  { name: 'br_features_java', kind: 'bool' }, // 87
  { name: 'br_features_director', kind: 'bool' }, // 88
  { name: 'br_features_quicktime', kind: 'bool' }, // 89
  { name: 'br_features_realplayer', kind: 'bool' }, // 90
  { name: 'br_features_windowsmedia', kind: 'bool' }, // 91
  { name: 'br_features_gears', kind: 'bool' }, // 92
  { name: 'br_features_silverlight', kind: 'bool' }, // 93
  { name: 'br_cookies', kind: 'bool' }, // 94
  { name: 'br_colordepth', kind: 'string' }, // 95
  { name: 'br_viewwidth', kind: 'int' }, // 96
  { name: 'br_viewheight', kind: 'int' }, // 97
  { name: 'os_name', kind: 'string' }, // 98
  { name: 'os_family', kind: 'string' }, // 99
  { name: 'os_manufacturer', kind: 'string' }, // 100
  { name: 'os_timezone', kind: 'string' }, // 101
  { name: 'dvce_type', kind: 'string' }, // 102
  { name: 'dvce_ismobile', kind: 'bool' }, // 103
  { name: 'dvce_screenwidth', kind: 'int' }, // 104
  { name: 'dvce_screenheight', kind: 'int' }, // 105
  { name: 'doc_charset', kind: 'string' }, // 106
  { name: 'doc_width', kind: 'int' }, // 107
  { name: 'doc_height', kind: 'int' }, // 108
  { name: 'tr_currency', kind: 'string' }, // 109
  { name: 'tr_total_base', kind: 'decimal' }, // 110
  { name: 'tr_tax_base', kind: 'decimal' }, // 111
  { name: 'tr_shipping_base', kind: 'decimal' }, // 112
  { name: 'ti_currency', kind: 'string' }, // 113
  { name: 'ti_price_base', kind: 'decimal' }, // 114
  { name: 'base_currency', kind: 'string' }, // 115
  { name: 'geo_timezone', kind: 'string' }, // 116
  { name: 'mkt_clickid', kind: 'string' }, // 117
  { name: 'mkt_network', kind: 'string' }, // 118
  { name: 'etl_tags', kind: 'string' }, // 119
  { name: 'dvce_sent_tstamp', kind: 'timestamp' }, // 120
  { name: 'refr_domain_userid', kind: 'string' }, // 121
  { name: 'refr_dvce_tstamp', kind: 'timestamp' }, // 122
  { name: 'derived_contexts', kind: 'json-contexts' }, // 123
  { name: 'domain_sessionid', kind: 'string' }, // 124
  { name: 'derived_tstamp', kind: 'timestamp' }, // 125
  { name: 'event_vendor', kind: 'string' }, // 126
  { name: 'event_name', kind: 'string' }, // 127
  { name: 'event_format', kind: 'string' }, // 128
  { name: 'event_version', kind: 'string' }, // 129
  { name: 'event_fingerprint', kind: 'string' }, // 130
  { name: 'true_tstamp', kind: 'timestamp' }, // 131
] as const satisfies readonly EnrichedField[];

export const ENRICHED_FIELD_COUNT = 131;

/** The name of one of the 131 enriched columns. */
export type EnrichedFieldName = (typeof ENRICHED_FIELDS)[number]['name'];

/** 0-based column position by field name. */
export const ENRICHED_FIELD_INDEX: ReadonlyMap<string, number> = new Map(
  ENRICHED_FIELDS.map((field, index) => [field.name, index]),
);

if (ENRICHED_FIELDS.length !== ENRICHED_FIELD_COUNT) {
  // A mistake in the table above would silently shift every column after it.
  throw new Error(`ENRICHED_FIELDS has ${ENRICHED_FIELDS.length} entries, expected ${ENRICHED_FIELD_COUNT}`);
}
