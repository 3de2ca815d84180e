import { describe, expect, it } from 'vitest';
import { ATOMIC_MAX_LENGTHS, lengthViolation, sanitize } from './atomic.js';

describe('sanitising and limits (step 11)', () => {
  it('turns tabs into four spaces and removes other control characters', () => {
    expect(sanitize('a\tb')).toBe('a    b');
    expect(sanitize('line1\nline2\r\u0000\u001f\u007fend')).toBe('line1line2end');
    expect(sanitize('plain text, é ✓')).toBe('plain text, é ✓');
  });

  it('holds the atomic schema lengths the reference lists', () => {
    expect(ATOMIC_MAX_LENGTHS).toMatchObject({
      app_id: 255, platform: 255, event: 128, name_tracker: 128, v_tracker: 100, user_id: 255, user_ipaddress: 128, domain_userid: 128,
      network_userid: 128, domain_sessionid: 128, page_url: 4096, page_title: 2000, page_referrer: 4096, page_urlhost: 255, page_urlpath: 3000,
      page_urlquery: 6000, se_category: 1000, se_action: 1000, se_label: 4096, se_property: 1000, useragent: 1000, br_lang: 255,
      os_timezone: 255, tr_currency: 3, ti_currency: 3, base_currency: 3, event_vendor: 1000, event_name: 1000, event_format: 128, event_version: 128,
    });
  });

  it('reports a value over the limit with its length', () => {
    expect(lengthViolation('user_id', 'x'.repeat(255))).toBeUndefined();
    expect(lengthViolation('user_id', 'x'.repeat(256))).toBe('user_id: 256 characters, more than the 255 the atomic schema allows');
    expect(lengthViolation('tr_currency', 'EURO')).toBe('tr_currency: 4 characters, more than the 3 the atomic schema allows');
    expect(lengthViolation('se_value', '1'.repeat(5000))).toBeUndefined();
  });
});
