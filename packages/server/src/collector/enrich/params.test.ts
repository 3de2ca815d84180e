import { describe, expect, it } from 'vitest';
import { FIELD_NAMES, newColumns } from './columns.js';
import { mapParameters, parseDecimal, parseDimensions, parseInt32, parseUuid } from './params.js';

/** Maps parameters and returns the non-empty columns by field name. */
function mapRaw(raw: Record<string, string>) {
  const columns = newColumns();
  const reasons: string[] = [];
  const times = mapParameters(raw, columns, reasons);
  const row = Object.fromEntries(FIELD_NAMES.map((name, i) => [name, columns[i]!] as const).filter(([, v]) => v !== ''));
  return { row, reasons, times };
}
const map = (raw: Record<string, string>) => mapRaw({ e: 'pv', p: 'web', tv: 'js-4.10.1', ...raw });

describe('parameter mapping (step 4)', () => {
  it('copies the text parameters to their fields', () => {
    const { row, reasons } = map({ aid: 'shop', tna: 'sp1', uid: 'u', fp: 'f', duid: 'd', page: 'T', refr: 'r', lang: 'en', cs: 'UTF-8', cd: '24', tz: 'UTC', tr_cu: 'EUR', ti_cu: 'GBP' });
    expect(reasons).toEqual([]);
    expect(row).toMatchObject({ app_id: 'shop', name_tracker: 'sp1', v_tracker: 'js-4.10.1', user_id: 'u', user_fingerprint: 'f', domain_userid: 'd', page_title: 'T', page_referrer: 'r', br_lang: 'en', doc_charset: 'UTF-8', br_colordepth: '24', os_timezone: 'UTC', tr_currency: 'EUR', ti_currency: 'GBP', platform: 'web' });
  });

  it('maps structured, transaction, item and ping parameters', () => {
    const { row, reasons } = map({
      se_ca: 'c', se_ac: 'a', se_la: 'l', se_pr: 'p', se_va: '12.5',
      tr_id: 'o1', tr_af: 'aff', tr_tt: '99.90', tr_tx: '1.5', tr_sh: '0', tr_ci: 'Leeds', tr_st: 'WY', tr_co: 'UK',
      ti_id: 'o1', ti_sk: 'SKU', ti_nm: 'Shoe', ti_ca: 'shoes', ti_pr: '59.99', ti_qu: '2',
      pp_mix: '0', pp_max: '10', pp_miy: '120', pp_may: '960', tid: '123456', vid: '3',
    });
    expect(reasons).toEqual([]);
    expect(row).toMatchObject({
      se_category: 'c', se_action: 'a', se_label: 'l', se_property: 'p', se_value: '12.5',
      tr_orderid: 'o1', tr_affiliation: 'aff', tr_total: '99.90', tr_tax: '1.5', tr_shipping: '0', tr_city: 'Leeds', tr_state: 'WY', tr_country: 'UK',
      ti_orderid: 'o1', ti_sku: 'SKU', ti_name: 'Shoe', ti_category: 'shoes', ti_price: '59.99', ti_quantity: '2',
      pp_xoffset_min: '0', pp_xoffset_max: '10', pp_yoffset_min: '120', pp_yoffset_max: '960', txn_id: '123456', domain_sessionidx: '3',
    });
  });

  it('accepts the legacy ev_* and ti_na spellings, with the current ones winning', () => {
    expect(map({ ev_ca: 'old', ev_va: '1', ti_na: 'Old name' }).row).toMatchObject({ se_category: 'old', se_value: '1', ti_name: 'Old name' });
    expect(map({ ev_ca: 'old', se_ca: 'new', ti_na: 'a', ti_nm: 'b' }).row).toMatchObject({ se_category: 'new', ti_name: 'b' });
  });

  it('splits WxH dimensions and reads 1/0 flags', () => {
    const { row } = map({ res: '1920x1080', vp: '1280x720', ds: '0x0', cookie: '1', f_pdf: '0', f_fla: '1', f_java: '0', f_dir: '0', f_qt: '0', f_realp: '0', f_wma: '0', f_gears: '0', f_ag: '1' });
    expect(row).toMatchObject({
      dvce_screenwidth: '1920', dvce_screenheight: '1080', br_viewwidth: '1280', br_viewheight: '720', doc_width: '0', doc_height: '0',
      br_cookies: '1', br_features_pdf: '0', br_features_flash: '1', br_features_silverlight: '1',
    });
  });

  it('turns dtm, stm, ttm into timestamps and reports the valid times', () => {
    const { row, times } = map({ dtm: '1746093599900', stm: '1746093600000', ttm: '1746093500000' });
    expect(row).toMatchObject({ dvce_created_tstamp: '2025-05-01 09:59:59.900', dvce_sent_tstamp: '2025-05-01 10:00:00.000', true_tstamp: '2025-05-01 09:58:20.000' });
    expect(times).toEqual({ created: 1746093599900, sent: 1746093600000, trueTime: 1746093500000 });
  });

  it('lower-cases the session UUID', () => {
    expect(map({ sid: '5C1A3B9E-2D4F-4E8A-9B7C-6A5D4E3F2A1B' }).row['domain_sessionid']).toBe('5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b');
  });

  it('treats empty values as absent', () => {
    const { row, reasons } = map({ uid: '', vid: '', res: '', dtm: '' });
    expect(reasons).toEqual([]);
    expect(row['user_id']).toBeUndefined();
  });

  it('reports every invalid value in the order sent, not only the first', () => {
    const { reasons } = map({
      p: 'desktop', vid: 'three', tid: '99999999999', se_va: 'NaN', tr_tt: '1,5', cookie: 'yes', res: '1920*1080', vp: '1.5x2',
      dtm: 'yesterday', stm: '1.5', sid: 'not-a-uuid',
    });
    expect(reasons).toEqual([
      'vid: expected a 32-bit integer, got "three"',
      'tid: expected a 32-bit integer, got "99999999999"',
      'se_va: expected a decimal number, got "NaN"',
      'tr_tt: expected a decimal number, got "1,5"',
      'cookie: expected "1" or "0", got "yes"',
      'res: expected WIDTHxHEIGHT in whole pixels, got "1920*1080"',
      'vp: expected WIDTHxHEIGHT in whole pixels, got "1.5x2"',
      'dtm: expected integer milliseconds since the epoch, got "yesterday"',
      'stm: expected integer milliseconds since the epoch, got "1.5"',
      'p: unknown platform "desktop", expected one of web, mob, pc, srv, app, tv, cnsl, iot, headset',
      'sid: expected a UUID, got "not-a-uuid"',
    ]);
  });

  it('requires p and tv', () => {
    const { reasons } = mapRaw({ e: 'pv' });
    expect(reasons).toEqual(['p: required (the platform, e.g. "web" or "srv")', 'tv: required (the tracker version)']);
  });

  it('accepts every platform Enrich knows', () => {
    for (const p of ['web', 'mob', 'pc', 'srv', 'app', 'tv', 'cnsl', 'iot', 'headset']) expect(map({ p }).row['platform']).toBe(p);
  });
});

describe('value parsers', () => {
  it('parseInt32 holds Java Integer range', () => {
    expect(parseInt32('2147483647')).toBe('2147483647');
    expect(parseInt32('-2147483648')).toBe('-2147483648');
    expect(parseInt32('2147483648')).toBeUndefined();
    expect(parseInt32('007')).toBe('7');
    expect(parseInt32('1.0')).toBeUndefined();
  });

  it('parseDecimal keeps plain decimals as sent and normalises the rest', () => {
    expect(parseDecimal('12.5')).toBe('12.5');
    expect(parseDecimal('12.50')).toBe('12.50');
    expect(parseDecimal('-0.25')).toBe('-0.25');
    expect(parseDecimal('+3')).toBe('3');
    expect(parseDecimal('.5')).toBe('0.5');
    expect(parseDecimal('1e3')).toBe('1000');
    for (const bad of ['', 'NaN', 'Infinity', '1e999', '0x10', '1.2.3', '-', '.']) expect(parseDecimal(bad), bad).toBeUndefined();
  });

  it('parseDimensions and parseUuid', () => {
    expect(parseDimensions('0x0')).toEqual(['0', '0']);
    expect(parseDimensions('99999999999x1')).toBeUndefined();
    expect(parseUuid('4D8293A5-5C10-476A-9740-CD0C0483D422')).toBe('4d8293a5-5c10-476a-9740-cd0c0483d422');
    expect(parseUuid('4d8293a55c10476a9740cd0c0483d422')).toBeUndefined();
  });
});
