import { describe, expect, it } from 'vitest';
import { campaignFields } from './campaign.js';
import { crossDomain } from './cross-domain.js';

describe('campaignFields (step 7)', () => {
  it('maps the five utm parameters', () => {
    expect(campaignFields('utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=red+shoes&utm_content=banner%201')).toEqual({
      mkt_source: 'news', mkt_medium: 'email', mkt_campaign: 'spring', mkt_term: 'red shoes', mkt_content: 'banner 1',
    });
  });

  it('takes the first occurrence and skips empty values', () => {
    expect(campaignFields('utm_source=&utm_source=a&utm_source=b')).toEqual({ mkt_source: 'a' });
  });

  it.each([
    ['gclid', 'Google'],
    ['msclkid', 'Microsoft'],
    ['dclid', 'DoubleClick'],
    ['fbclid', 'Facebook'],
  ])('reads the %s click id as network %s', (param, network) => {
    expect(campaignFields(`x=1&${param}=abc123`)).toEqual({ mkt_clickid: 'abc123', mkt_network: network });
  });

  it('keeps the first click id in URL order', () => {
    expect(campaignFields('msclkid=m1&gclid=g1')).toEqual({ mkt_clickid: 'm1', mkt_network: 'Microsoft' });
  });

  it('ignores other parameters, including inherited property names', () => {
    expect(campaignFields('q=shoes&constructor=1&__proto__=2&toString=3')).toEqual({});
  });
});

describe('crossDomain (step 8)', () => {
  it('reads _sp=<duid>.<ms> into refr_domain_userid and refr_dvce_tstamp', () => {
    expect(crossDomain('a=1&_sp=d2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c.1746093599900')).toEqual({
      refrDomainUserId: 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c',
      refrDeviceTime: 1746093599900,
    });
  });

  it('keeps the user id when the time is missing or malformed', () => {
    expect(crossDomain('_sp=abc')).toEqual({ refrDomainUserId: 'abc', refrDeviceTime: undefined });
    expect(crossDomain('_sp=abc.notatime')).toEqual({ refrDomainUserId: 'abc', refrDeviceTime: undefined });
  });

  it('is absent without _sp', () => {
    expect(crossDomain('utm_source=x')).toBeUndefined();
    expect(crossDomain('_sp=')).toBeUndefined();
  });
});
