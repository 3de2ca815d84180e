/** Shared definitions and helpers for the intervention suites. Not a test file. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { TEST_API_KEY, type TestServer } from '../support/server.js';
import type { SseClient } from './sse-client.js';

export const AUTH = { authorization: `Bearer ${TEST_API_KEY}` };

/** What the helpers need of a server: its socket URL and an authorised JSON call. */
export type ServerLike = Pick<TestServer, 'url' | 'call'>;

export const sessionGroup = {
  name: 'session_stats',
  version: 1,
  attribute_key: { name: 'domain_sessionid' },
  owner: 'team@example.com',
  is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'last_url', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_url' } },
  ],
};

export const userGroup = {
  name: 'user_stats',
  version: 1,
  attribute_key: { name: 'domain_userid' },
  owner: 'team@example.com',
  is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'titles', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_title' } },
  ],
};

export function rule(name: string, criteria: unknown, extra: Record<string, unknown> = {}) {
  return { name, version: 1, owner: 'team@example.com', is_published: true, criteria, ...extra };
}

/** Create (or publish a new version of) registry objects through the API; each must answer 200. */
export async function define(server: ServerLike, objects: { groups?: unknown[]; interventions?: unknown[] }): Promise<void> {
  for (const group of objects.groups ?? []) {
    const r = await server.call('POST', '/api/v1/registry/attribute_groups/', group);
    expect(r.status, r.text).toBe(200);
  }
  for (const intervention of objects.interventions ?? []) {
    const r = await server.call('POST', '/api/v1/registry/interventions/', intervention);
    expect(r.status, r.text).toBe(200);
  }
}

export interface Visitor {
  duid?: string;
  sid?: string;
}

export function pageView(visitor: Visitor, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return enrichedEvent({
    time: Date.now(),
    ...(visitor.duid ? { domain_userid: visitor.duid } : {}),
    ...(visitor.sid ? { domain_sessionid: visitor.sid } : {}),
    page_url: 'https://shop.example/',
    page_title: 'Home',
    ...fields,
  });
}

/** POST /api/v1/events over the socket; resolves once the events were processed. */
export async function send(server: ServerLike, events: unknown[]): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { processed: number };
  expect(body.processed).toBe(events.length);
}

export async function push(server: ServerLike, query: string, instance: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1/interventions?${query}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(instance),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Frames on one stream arrive in order, so once a marker pushed after some events has arrived,
 * anything those events fired has arrived too: this is how a test shows that nothing was fired.
 */
export async function settle(server: ServerLike, client: SseClient, key: string, id: string): Promise<void> {
  const marker = randomUUID();
  const r = await push(server, `${key}=${id}`, { intervention_id: marker, name: 'sentinel', version: 1 });
  expect(r.body).toEqual({ status: 'success' });
  await client.next((m) => m.id === marker, `sentinel ${marker}`);
}

export const uuid = () => randomUUID();

/** Poll a condition of the server's own state (for what no response reports), failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
