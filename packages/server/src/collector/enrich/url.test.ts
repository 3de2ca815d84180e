import { describe, expect, it } from 'vitest';
import { decodeFormComponent, parseQueryString, splitUrl } from './url.js';

describe('splitUrl (step 6)', () => {
  it('splits the worked-example page URL with the default https port', () => {
    expect(splitUrl('https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews')).toEqual({
      scheme: 'https', host: 'shop.example.com', port: 443, path: '/products/shoe-1',
      query: 'utm_source=news&utm_medium=email&utm_campaign=spring', fragment: 'reviews',
    });
  });

  it('fills 80 for http and other schemes, and keeps an explicit port', () => {
    expect(splitUrl('http://example.com/')?.port).toBe(80);
    expect(splitUrl('ftp://example.com/')?.port).toBe(80);
    expect(splitUrl('HTTPS://example.com/')?.port).toBe(443);
    expect(splitUrl('https://example.com:8443/x')?.port).toBe(8443);
    expect(splitUrl('http://example.com:/x')?.port).toBe(80);
  });

  it('keeps path, query and fragment percent-encoded', () => {
    const parts = splitUrl('https://example.com/a%20b/%C3%A9?q=red%20shoe&x=a+b#frag%23ment');
    expect(parts).toMatchObject({ path: '/a%20b/%C3%A9', query: 'q=red%20shoe&x=a+b', fragment: 'frag%23ment' });
  });

  it('replaces spaces by %20 first, as Enrich does', () => {
    expect(splitUrl('https://example.com/a b?q=c d')).toMatchObject({ path: '/a%20b', query: 'q=c%20d' });
  });

  it('drops user info and reads IPv6 hosts', () => {
    expect(splitUrl('https://user:pw@example.com/x')).toMatchObject({ host: 'example.com', port: 443 });
    expect(splitUrl('http://[::1]:8080/x')).toMatchObject({ host: '[::1]', port: 8080 });
    expect(splitUrl('http://[::1]/x')).toMatchObject({ host: '[::1]', port: 80 });
  });

  it('leaves an empty path, query and fragment as such', () => {
    expect(splitUrl('https://example.com')).toEqual({ scheme: 'https', host: 'example.com', port: 443, path: '', query: undefined, fragment: undefined });
    expect(splitUrl('https://example.com/?#')).toMatchObject({ path: '/', query: '', fragment: '' });
  });

  it('returns null for what cannot be split', () => {
    for (const url of ['', 'not a url', '/relative/path', 'mailto:someone@example.com', 'https://', 'https://example.com:99999/', 'https://example.com:80a/', 'http://[::1/x', '1http://x.com/']) {
      expect(splitUrl(url), url).toBeNull();
    }
  });
});

describe('parseQueryString', () => {
  it('decodes form-style, keeps order and repeats', () => {
    expect(parseQueryString('a=1&b=red+shoe&a=2&c&=x&d=%E2%82%AC')).toEqual([['a', '1'], ['b', 'red shoe'], ['a', '2'], ['c', ''], ['', 'x'], ['d', '€']]);
  });

  it('keeps a value with broken percent-encoding as written', () => {
    expect(decodeFormComponent('100%')).toBe('100%');
    expect(decodeFormComponent('%E2%82')).toBe('%E2%82');
  });
});
