/**
 * Test support for browser suites: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), and a tiny static site to serve test pages from another origin.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';

/** The flags this machine needs: headless, no sandbox as root, and no calls to Google's hosts. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Site {
  url: string;
  close(): Promise<void>;
}

/** Serve fixed files by path (`{'/page': ['text/html', '<html>…']}`); anything else is a 404. */
export async function serveSite(files: Record<string, [contentType: string, body: string]>): Promise<Site> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const file = files[path];
    if (file) response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    else if (path === '/favicon.ico') response.writeHead(204).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
