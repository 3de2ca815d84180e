/**
 * The browser subscriber (packages/sdk/src/browser/interventions.ts) on a real page in headless
 * Chromium (Debian's) beside the real `@snowplow/browser-tracker` 4.10.1. The page is served from
 * one origin; the tracker sends to Signalbox's collector on another, and the subscriber opens the
 * public intervention stream for the tracker's domain_userid and domain_sessionid. Tracked page
 * views cross the rule and the page's handler changes the DOM; a new session reconnects the stream
 * for the new id and fires again.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, launchChromium, serveSite } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { define, rule, sessionGroup, waitFor } from './fixtures.js';

const require = createRequire(import.meta.url);
const TRACKER_JS = readFileSync(require.resolve('@snowplow/browser-tracker/dist/index.umd.min.js'), 'utf8');
const SUBSCRIBER_JS = readFileSync(fileURLToPath(new URL('../../../sdk/dist/browser/interventions.js', import.meta.url)), 'utf8');

const page = (signalbox: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Checkout - Example Shop</title><script src="/tracker.js"></script></head>
<body>
  <h1>Checkout</h1>
  <div id="offer" hidden></div>
  <script type="module">
    import { SignalsInterventionsPlugin, addInterventionHandlers, subscribeToInterventions } from '/signalbox-interventions.js';
    const sp = window.snowplowBrowserTracking;
    window.tracker = sp.newTracker('sp', ${JSON.stringify(signalbox)}, { appId: 'shop', plugins: [SignalsInterventionsPlugin()] });
    window.received = [];
    addInterventionHandlers({
      record(intervention) { window.received.push(intervention); },
      showOffer(intervention) {
        const offer = document.getElementById('offer');
        offer.textContent = 'Free shipping: ' + intervention.name + ' after ' + intervention.attributes['session_stats:page_views'] + ' pages';
        offer.dataset.session = intervention.target_attribute_key.id;
        offer.hidden = false;
      },
    });
    window.subscription = subscribeToInterventions({ endpoint: ${JSON.stringify(signalbox)}, pollIntervalMs: 200 });
    window.ready = true;
  </script>
</body></html>`;

let signalbox: TestServer;
let site: Site;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  signalbox = await startTestServer({}, { listen: true });
  await define(signalbox, {
    groups: [sessionGroup],
    interventions: [rule('engaged_session', { attribute: 'session_stats:page_views', operator: '>=', value: 3 })],
  });
  site = await serveSite({
    '/tracker.js': ['text/javascript', TRACKER_JS],
    '/signalbox-interventions.js': ['text/javascript', SUBSCRIBER_JS],
    '/checkout': ['text/html; charset=utf-8', page(signalbox.url)],
  });
  siteUrl = site.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await signalbox?.destroy();
});

const ids = (p: Page) =>
  p.evaluate(() => {
    const t = (window as any).tracker;
    return { duid: t.getDomainUserId() as string, sid: t.getDomainSessionId() as string };
  });

/** Page views tracked one by one, each waited for until the engine has counted it. */
async function trackPageViews(p: Page, sid: string, count: number, failures: string[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const before = await pageViews(sid);
    await p.evaluate(() => (window as any).snowplowBrowserTracking.trackPageView());
    const deadline = Date.now() + 15_000;
    while ((await pageViews(sid)) !== before + 1) {
      if (Date.now() > deadline) throw new Error(`page view ${i + 1} did not arrive; browser: ${failures.join('; ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function pageViews(sid: string): Promise<number> {
  const res = await signalbox.call('POST', '/api/v1/get-online-attributes', { attributes: ['session_stats_v1:page_views'], attribute_keys: { domain_sessionid: [sid] } });
  return (res.body.page_views[0] as number | null) ?? 0;
}

describe('browser subscriber with @snowplow/browser-tracker in Chromium', () => {
  it('tracked events cross the rule and the handler changes the page; a new session reconnects and fires again', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    const failures: string[] = [];
    p.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') failures.push(`console: ${m.text()}`);
    });
    await p.goto(`${siteUrl}/checkout`);
    await p.waitForFunction(() => (window as any).ready === true);
    const first = await ids(p);
    expect(first.duid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.sid).toMatch(/^[0-9a-f-]{36}$/);

    // The subscription is open for the tracker's own ids before anything is tracked.
    await p.waitForFunction(({ duid, sid }) => {
      const t = (window as any).subscription.targets;
      return Object.keys(t).length === 2 && t.domain_userid?.join() === duid && t.domain_sessionid?.join() === sid;
    }, first);
    await waitFor(() => signalbox.signalbox.interventions.hub.subscriberCount === 1, 'the page to subscribe');

    await trackPageViews(p, first.sid, 2, failures);
    expect(await p.locator('#offer').isHidden()).toBe(true);
    await trackPageViews(p, first.sid, 1, failures);
    await p.locator('#offer').waitFor({ state: 'visible' });
    expect(await p.locator('#offer').textContent()).toBe('Free shipping: engaged_session after 3 pages');
    expect(await p.locator('#offer').getAttribute('data-session')).toBe(first.sid);

    // A new session: the subscriber follows the tracker to the new id.
    await p.evaluate(() => (window as any).snowplowBrowserTracking.newSession());
    const second = await ids(p);
    expect(second.sid).not.toBe(first.sid);
    expect(second.duid).toBe(first.duid);
    await p.waitForFunction((sid) => (window as any).subscription.targets.domain_sessionid?.[0] === sid, second.sid);
    await waitFor(() => signalbox.signalbox.interventions.hub.subscriberCount === 1, 'the page to resubscribe (old stream closed)');
    await trackPageViews(p, second.sid, 3, failures);
    await p.waitForFunction((sid) => document.getElementById('offer')!.dataset.session === sid, second.sid);

    const received = await p.evaluate(() => (window as any).received as Array<{ intervention_id: string; target_attribute_key: { name: string; id: string } }>);
    expect(received.map((r) => r.target_attribute_key)).toEqual([
      { name: 'domain_sessionid', id: first.sid },
      { name: 'domain_sessionid', id: second.sid },
    ]);
    expect(new Set(received.map((r) => r.intervention_id)).size).toBe(2);
    expect(failures).toEqual([]);
    await context.close();
  });
});
