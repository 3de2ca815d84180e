/**
 * The real `@snowplow/browser-tracker` 4.10.1 in headless Chromium (Debian's, never a downloaded
 * one): a page served from one origin tracks a page view, page pings and a self-describing event
 * to the collector on another origin. The browser preflights, sends with credentials and keeps
 * the collector's `sp` cookie; attributes keyed by the tracker's own domain_userid and
 * domain_sessionid, and by the cookie's network_userid, read back right.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, launchChromium, serveSite } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/server.js';

const require = createRequire(import.meta.url);
const TRACKER_JS = readFileSync(require.resolve('@snowplow/browser-tracker/dist/index.umd.min.js'), 'utf8');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Red Shoe - Example Shop</title><script src="/tracker.js"></script></head>
<body style="height: 4000px"><h1>Red Shoe</h1></body></html>`;

const group = (name: string, key: string) => ({
  name, version: 1, attribute_key: { name: key }, owner: 'team@example.com', is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'page_pings', type: 'int32', aggregation: 'counter', events: [{ name: 'page_ping' }] },
    { name: 'clicks', type: 'int32', aggregation: 'counter', events: [{ vendor: 'com.acme', name: 'button_click', version: '1-0-0' }] },
    { name: 'buttons', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'button_click' }], property: { type: 'event', vendor: 'com.acme', name: 'button_click', major_version: 1, path: 'id' } },
    { name: 'titles', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_title' } },
    { name: 'network_ids', type: 'string_list', aggregation: 'unique_list', events: [], property: { type: 'atomic', name: 'network_userid' } },
    { name: 'page_ids', type: 'string_list', aggregation: 'unique_list', events: [], property: { type: 'entity', vendor: 'com.snowplowanalytics.snowplow', name: 'web_page', major_version: 1, path: 'id' } },
    { name: 'campaign', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'mkt_campaign' } },
  ],
});

let collector: TestServer;
let site: Site;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  collector = await startTestServer({}, { listen: true });
  for (const g of [group('by_user', 'domain_userid'), group('by_session', 'domain_sessionid'), group('by_network', 'network_userid')]) {
    expect((await collector.call('POST', '/api/v1/registry/attribute_groups/', g)).status).toBe(200);
  }
  site = await serveSite({ '/tracker.js': ['text/javascript', TRACKER_JS], '/products/shoe-1': ['text/html; charset=utf-8', PAGE] });
  siteUrl = site.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await collector?.destroy();
});

async function read(groupName: string, key: string, id: string): Promise<Record<string, unknown>> {
  const names = group(groupName, key).attributes.map((a) => `${groupName}_v1:${a.name}`);
  const res = await collector.call('POST', '/api/v1/get-online-attributes', { attributes: names, attribute_keys: { [key]: [id] } });
  expect(res.status).toBe(200);
  return Object.fromEntries(Object.entries(res.body as Record<string, unknown[]>).map(([name, values]) => [name, values[0]]));
}

describe('@snowplow/browser-tracker 4.10.1 in Chromium, cross-origin', () => {
  it('tracks a page view, pings and a self-describing event; attributes keyed by its ids read back right', async () => {
    expect(new URL(siteUrl).port).not.toBe(new URL(collector.url).port);
    const context = await browser.newContext();
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('requestfailed', (r) => failures.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    await page.goto(`${siteUrl}/products/shoe-1?utm_source=news&utm_campaign=spring`);

    const ids = await page.evaluate((endpoint) => {
      const sp = (globalThis as unknown as { snowplowBrowserTracking: any }).snowplowBrowserTracking;
      const tracker = sp.newTracker('sp1', endpoint, { appId: 'shop-web', contexts: { webPage: true } });
      sp.enableActivityTracking({ minimumVisitLength: 1, heartbeatDelay: 1 });
      sp.trackPageView();
      sp.trackSelfDescribingEvent({ event: { schema: 'iglu:com.acme/button_click/jsonschema/1-0-0', data: { id: 'buy-now' } } });
      return { duid: tracker.getDomainUserId() as string, sid: tracker.getDomainSessionId() as string, pageViewId: tracker.getPageViewId() as string };
    }, collector.url);
    expect(ids.duid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.sid).toMatch(/^[0-9a-f-]{36}$/);

    // Page pings need activity on the page after the minimum visit length: keep scrolling and
    // moving until two pings have been processed (bounded wait; nothing is timed).
    const deadline = Date.now() + 45_000;
    let byUser = await read('by_user', 'domain_userid', ids.duid);
    for (let step = 0; (byUser['page_pings'] as number | null ?? 0) < 2 || byUser['clicks'] !== 1; step++) {
      if (Date.now() > deadline) throw new Error(`events did not arrive: ${JSON.stringify(byUser)}; browser: ${failures.join('; ')}`);
      await page.mouse.move(100 + (step % 50) * 5, 100 + (step % 7) * 20);
      await page.mouse.wheel(0, 40);
      await page.waitForTimeout(200);
      byUser = await read('by_user', 'domain_userid', ids.duid);
    }
    expect(failures).toEqual([]);

    const cookies = await context.cookies(collector.url);
    const sp = cookies.find((c) => c.name === 'sp');
    expect(sp?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(sp?.httpOnly).toBe(true);

    // Every event carried the same network user id: the one the collector set in the first reply,
    // sent back by the browser on the later cross-origin requests.
    expect(byUser).toMatchObject({
      domain_userid: ids.duid,
      page_views: 1,
      clicks: 1,
      buttons: ['buy-now'],
      titles: ['Red Shoe - Example Shop'],
      network_ids: [sp!.value],
      page_ids: [ids.pageViewId],
      campaign: 'spring',
    });
    const bySession = await read('by_session', 'domain_sessionid', ids.sid);
    expect(bySession).toMatchObject({ domain_sessionid: ids.sid, page_views: 1, clicks: 1, network_ids: [sp!.value], page_ids: [ids.pageViewId] });
    expect(bySession['page_pings']).toBe(byUser['page_pings']);
    const byNetwork = await read('by_network', 'network_userid', sp!.value);
    expect(byNetwork).toMatchObject({ page_views: 1, clicks: 1 });
    expect(byNetwork['page_pings']).toBe(byUser['page_pings']);

    // The collector answered the preflights and kept nothing as bad.
    const metrics = (await collector.call('GET', '/metrics')).text;
    expect(metrics).toMatch(/signalbox_collector_requests_total\{method="OPTIONS",path="\/com.snowplowanalytics.snowplow\/tp2",status="200"\} [1-9]/);
    expect((await collector.call('GET', '/api/v1/bad-rows')).body.total).toBe(0);
    await context.close();
  });
});
