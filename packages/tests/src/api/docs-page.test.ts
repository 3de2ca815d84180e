/**
 * The docs page as a user opens it (issue 7, items 10 and 16): Debian's Chromium loads `GET /`,
 * lands on Swagger UI titled "Signalbox API", and the UI — which resolves every `$ref` itself —
 * shows every operation of /openapi.json without a resolver error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer({}, { listen: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

it('GET / opens Swagger UI on the Signalbox API with every operation and no resolver error', async () => {
  const document = JSON.parse((await server.app.inject({ url: '/openapi.json' })).body) as { paths: Record<string, object> };
  const operations = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(`${server.url}/`);
  expect(new URL(page.url()).pathname).toBe('/docs');
  expect(await page.title()).toBe('Signalbox API');
  await page.waitForSelector('.opblock-summary');
  await expect.poll(() => page.locator('.opblock').count()).toBe(operations);
  expect(await page.locator('.info .title').innerText()).toContain('Signalbox API');
  // Open the intervention POST, whose criteria are recursive: the UI resolves it and shows the README's example.
  const create = page.locator('.opblock-post', { has: page.locator('[data-path="/api/v1/registry/interventions/"]') });
  await create.locator('.opblock-summary').click();
  await expect.poll(() => create.locator('.opblock-body').innerText()).toContain('"big_cart"');
  expect(await page.getByText('Resolver error').count()).toBe(0);
  expect(await page.locator('.errors-wrapper').count()).toBe(0);
  expect(failed).toEqual([]);
});
