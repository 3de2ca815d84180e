/**
 * Step 4 of the minimal enrichment (reference §6, §1.5): tracker-protocol parameters → enriched
 * fields, with Enrich's validation of each kind of value. Every problem is reported, in the
 * order the parameters were sent, not only the first, so a bad row says everything that is wrong.
 */
import { type Columns, column } from './columns.js';
import { clip, formatTimestamp, parseEpochMillis } from './timestamps.js';

/** Parameters copied as text. `ev_*` and `ti_na` are legacy spellings, used only when the current one is absent. */
export const TEXT_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['aid', 'app_id'], ['tna', 'name_tracker'], ['tv', 'v_tracker'], ['uid', 'user_id'], ['fp', 'user_fingerprint'],
  ['duid', 'domain_userid'], ['page', 'page_title'], ['refr', 'page_referrer'], ['lang', 'br_lang'], ['cs', 'doc_charset'],
  ['cd', 'br_colordepth'], ['tz', 'os_timezone'], ['cv', 'v_collector'],
  ['se_ca', 'se_category'], ['se_ac', 'se_action'], ['se_la', 'se_label'], ['se_pr', 'se_property'],
  ['ev_ca', 'se_category'], ['ev_ac', 'se_action'], ['ev_la', 'se_label'], ['ev_pr', 'se_property'],
  ['tr_id', 'tr_orderid'], ['tr_af', 'tr_affiliation'], ['tr_ci', 'tr_city'], ['tr_st', 'tr_state'], ['tr_co', 'tr_country'],
  ['tr_cu', 'tr_currency'],
  ['ti_id', 'ti_orderid'], ['ti_sk', 'ti_sku'], ['ti_nm', 'ti_name'], ['ti_na', 'ti_name'], ['ti_ca', 'ti_category'],
  ['ti_cu', 'ti_currency'],
];

/** Parameters that must be 32-bit integers (Java `Integer`). */
export const INTEGER_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['tid', 'txn_id'], ['vid', 'domain_sessionidx'], ['ti_qu', 'ti_quantity'],
  ['pp_mix', 'pp_xoffset_min'], ['pp_max', 'pp_xoffset_max'], ['pp_miy', 'pp_yoffset_min'], ['pp_may', 'pp_yoffset_max'],
];

/** Parameters that must be base-10 decimals. */
export const DECIMAL_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['se_va', 'se_value'], ['ev_va', 'se_value'], ['tr_tt', 'tr_total'], ['tr_tx', 'tr_tax'], ['tr_sh', 'tr_shipping'], ['ti_pr', 'ti_price'],
];

/** `1` / `0` flags. */
export const FLAG_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['cookie', 'br_cookies'], ['f_pdf', 'br_features_pdf'], ['f_fla', 'br_features_flash'], ['f_java', 'br_features_java'],
  ['f_dir', 'br_features_director'], ['f_qt', 'br_features_quicktime'], ['f_realp', 'br_features_realplayer'],
  ['f_wma', 'br_features_windowsmedia'], ['f_gears', 'br_features_gears'], ['f_ag', 'br_features_silverlight'],
];

/** `WxH` parameters → (width field, height field). */
export const DIMENSION_PARAMETERS: ReadonlyArray<readonly [string, string, string]> = [
  ['res', 'dvce_screenwidth', 'dvce_screenheight'], ['vp', 'br_viewwidth', 'br_viewheight'], ['ds', 'doc_width', 'doc_height'],
];

/** Epoch-millisecond parameters. */
export const TIMESTAMP_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['dtm', 'dvce_created_tstamp'], ['stm', 'dvce_sent_tstamp'], ['ttm', 'true_tstamp'],
];

/** The platforms Enrich accepts for `p`. */
export const PLATFORMS: ReadonlySet<string> = new Set(['web', 'mob', 'pc', 'srv', 'app', 'tv', 'cnsl', 'iot', 'headset']);

/** Legacy parameter → the current one that wins over it. */
const SUPERSEDED_BY: Readonly<Record<string, string>> = {
  ev_ca: 'se_ca', ev_ac: 'se_ac', ev_la: 'se_la', ev_pr: 'se_pr', ev_va: 'se_va', ti_na: 'ti_nm',
};

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const INTEGER = /^[+-]?\d{1,10}$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?$/;
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
const DIMENSIONS = /^(\d{1,10})x(\d{1,10})$/;
const INT32_MAX = 2_147_483_647;

const show = (text: string) => JSON.stringify(clip(text));

/** A lower-cased UUID, or `undefined`. */
export function parseUuid(text: string): string | undefined {
  return UUID.test(text) ? text.toLowerCase() : undefined;
}

/** A 32-bit integer as canonical text, or `undefined`. */
export function parseInt32(text: string): string | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return n >= -INT32_MAX - 1 && n <= INT32_MAX ? String(n) : undefined;
}

/**
 * A decimal as the text the TSV keeps: plain decimals as sent (`12.5`, `12.50`, as Java's
 * `BigDecimal` keeps the scale), anything else (`+3`, `.5`, `1e3`) as JavaScript prints the number.
 */
export function parseDecimal(text: string): string | undefined {
  if (!DECIMAL.test(text)) return undefined;
  if (PLAIN_DECIMAL.test(text)) return text;
  const n = Number(text);
  return Number.isFinite(n) ? String(n) : undefined;
}

/** `WxH` → [W, H], each a 32-bit integer, or `undefined`. */
export function parseDimensions(text: string): [string, string] | undefined {
  const match = DIMENSIONS.exec(text);
  if (match === null) return undefined;
  const w = parseInt32(match[1]!);
  const h = parseInt32(match[2]!);
  return w === undefined || h === undefined ? undefined : [w, h];
}

/** Epoch ms of the timestamp parameters that were sent and valid, for `derived_tstamp`. */
export interface DeviceTimes {
  created?: number;
  sent?: number;
  trueTime?: number;
}

const enum Kind { Text, Integer, Decimal, Flag, Dimensions, Timestamp }
interface Handler {
  readonly kind: Kind;
  readonly column: number;
  /** The height column of a `WxH` parameter. */
  readonly column2: number;
}

const HANDLERS = new Map<string, Handler>();
const add = (kind: Kind, rows: ReadonlyArray<readonly string[]>) => {
  for (const [param, field, field2] of rows) HANDLERS.set(param!, { kind, column: column(field!), column2: field2 === undefined ? -1 : column(field2) });
};
add(Kind.Text, TEXT_PARAMETERS);
add(Kind.Integer, INTEGER_PARAMETERS);
add(Kind.Decimal, DECIMAL_PARAMETERS);
add(Kind.Flag, FLAG_PARAMETERS);
add(Kind.Dimensions, DIMENSION_PARAMETERS);
add(Kind.Timestamp, TIMESTAMP_PARAMETERS);

const PLATFORM = column('platform');
const DOMAIN_SESSIONID = column('domain_sessionid');

/**
 * Maps the value parameters (everything but `e`, `eid`, the request-level overrides, URLs and the
 * JSON parameters, which have steps of their own) into `columns`, pushing a reason for each
 * invalid value. Empty values count as absent.
 */
export function mapParameters(raw: Readonly<Record<string, string>>, columns: Columns, reasons: string[]): DeviceTimes {
  const times: DeviceTimes = {};
  for (const param of Object.keys(raw)) {
    const handler = HANDLERS.get(param);
    if (handler === undefined) continue;
    const value = raw[param]!;
    if (value === '') continue;
    const current = SUPERSEDED_BY[param];
    if (current !== undefined && Object.hasOwn(raw, current) && raw[current] !== '') continue;
    switch (handler.kind) {
      case Kind.Text:
        columns[handler.column] = value;
        break;
      case Kind.Integer: {
        const n = parseInt32(value);
        if (n === undefined) reasons.push(`${param}: expected a 32-bit integer, got ${show(value)}`);
        else columns[handler.column] = n;
        break;
      }
      case Kind.Decimal: {
        const n = parseDecimal(value);
        if (n === undefined) reasons.push(`${param}: expected a decimal number, got ${show(value)}`);
        else columns[handler.column] = n;
        break;
      }
      case Kind.Flag:
        if (value === '1' || value === '0') columns[handler.column] = value;
        else reasons.push(`${param}: expected "1" or "0", got ${show(value)}`);
        break;
      case Kind.Dimensions: {
        const wh = parseDimensions(value);
        if (wh === undefined) {
          reasons.push(`${param}: expected WIDTHxHEIGHT in whole pixels, got ${show(value)}`);
        } else {
          columns[handler.column] = wh[0];
          columns[handler.column2] = wh[1];
        }
        break;
      }
      case Kind.Timestamp: {
        const ms = parseEpochMillis(value);
        if (typeof ms !== 'number') {
          reasons.push(`${param}: ${ms.reason}`);
          break;
        }
        columns[handler.column] = formatTimestamp(ms);
        if (param === 'dtm') times.created = ms;
        else if (param === 'stm') times.sent = ms;
        else times.trueTime = ms;
        break;
      }
    }
  }
  const platform = Object.hasOwn(raw, 'p') ? raw['p'] : undefined;
  if (platform === undefined || platform === '') reasons.push('p: required (the platform, e.g. "web" or "srv")');
  else if (!PLATFORMS.has(platform)) reasons.push(`p: unknown platform ${show(platform)}, expected one of ${[...PLATFORMS].join(', ')}`);
  else columns[PLATFORM] = platform;
  if (!Object.hasOwn(raw, 'tv') || raw['tv'] === '') reasons.push('tv: required (the tracker version)');
  const sid = Object.hasOwn(raw, 'sid') ? raw['sid'] : undefined;
  if (sid !== undefined && sid !== '') {
    const uuid = parseUuid(sid);
    if (uuid === undefined) reasons.push(`sid: expected a UUID, got ${show(sid)}`);
    else columns[DOMAIN_SESSIONID] = uuid;
  }
  return times;
}
