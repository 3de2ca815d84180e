import { describe, expect, it } from 'vitest';
import { networkUserIdOf, readCookie, setCookieHeader } from './cookie.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { PIXEL_GIF } from './pixel.js';

const fresh = () => 'fresh-id';

describe('the sp cookie', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; sp=8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0; b=2', 'sp')).toBe('8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect(readCookie('_sp_id.1fff=abc; xsp=1', 'sp')).toBeUndefined();
    expect(readCookie('sp="quoted"', 'sp')).toBe('quoted');
    expect(readCookie(undefined, 'sp')).toBeUndefined();
  });

  it('prefers the nuid query parameter, then the cookie, then a new id', () => {
    expect(networkUserIdOf('from-query', 'sp=from-cookie', fresh)).toBe('from-query');
    expect(networkUserIdOf(undefined, 'sp=from-cookie', fresh)).toBe('from-cookie');
    expect(networkUserIdOf(undefined, undefined, fresh)).toBe('fresh-id');
  });

  it('replaces a cookie that cannot be a network user id', () => {
    expect(networkUserIdOf(undefined, `sp=${'x'.repeat(129)}`, fresh)).toBe('fresh-id');
    expect(networkUserIdOf(undefined, 'sp=', fresh)).toBe('fresh-id');
    expect(networkUserIdOf(undefined, 'sp=a%09b', fresh)).toBe('fresh-id');
  });

  it('is set for a year, HttpOnly, and SameSite=None; Secure over https only', () => {
    expect(setCookieHeader('abc', false)).toBe('sp=abc; Max-Age=31536000; Path=/; HttpOnly');
    expect(setCookieHeader('abc', true)).toBe('sp=abc; Max-Age=31536000; Path=/; HttpOnly; SameSite=None; Secure');
  });
});

describe('CORS and the pixel', () => {
  it('echoes the Origin with credentials, * without one', () => {
    expect(corsHeaders('https://shop.example.com')).toEqual({ 'access-control-allow-origin': 'https://shop.example.com', 'access-control-allow-credentials': 'true', vary: 'Origin' });
    expect(corsHeaders(undefined)['access-control-allow-origin']).toBe('*');
  });

  it('allows the tracker headers on preflight for an hour', () => {
    expect(preflightHeaders()).toMatchObject({ 'access-control-allow-headers': 'Content-Type, SP-Anonymous', 'access-control-max-age': '3600' });
  });

  it('is the 43-byte transparent GIF', () => {
    expect(PIXEL_GIF.length).toBe(43);
    expect(PIXEL_GIF.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });
});
