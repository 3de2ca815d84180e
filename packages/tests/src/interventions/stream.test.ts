/**
 * Rule interventions end to end over a real socket: events in through POST /api/v1/events,
 * interventions out through GET /api/v1/interventions (server-sent events).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/server.js';
import { AUTH, define, pageView, push, rule, send, sessionGroup, settle, userGroup, uuid, waitFor } from './fixtures.js';
import { SseClient, StuckSubscriber } from './sse-client.js';

let server: TestServer;
const clients: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.destroy();
});

async function subscribe(query: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(`${server.url}/api/v1/interventions?${query}`, headers);
  clients.push(client);
  return client;
}

describe('rule interventions over SSE', () => {
  it('fire once when the rule first holds, again only for a new session or a new version', async () => {
    server = await startTestServer({}, { listen: true });
    await define(server, {
      groups: [sessionGroup],
      interventions: [rule('engaged_session', { attribute: 'session_stats:page_views', operator: '>=', value: 3 })],
    });
    const first = { duid: uuid(), sid: uuid() };
    const stream = await subscribe(`domain_sessionid=${first.sid}`);

    await send(server, [pageView(first), pageView(first)]);
    await settle(server, stream, 'domain_sessionid', first.sid!);
    expect(stream.named('engaged_session')).toHaveLength(0);

    await send(server, [pageView(first, { page_url: 'https://shop.example/cart' })]);
    const fired = await stream.next((m) => m.data.name === 'engaged_session', 'engaged_session');
    expect(fired.id).toBe(fired.data.intervention_id);
    expect(fired.data).toEqual({
      intervention_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'engaged_session',
      version: 1,
      target_attribute_key: { name: 'domain_sessionid', id: first.sid },
      // The referenced attributes of the target, as strings.
      attributes: { 'session_stats:page_views': '3' },
    });

    // The rule keeps holding: no second firing for this session.
    await send(server, [pageView(first), pageView(first)]);
    await settle(server, stream, 'domain_sessionid', first.sid!);
    expect(stream.named('engaged_session')).toHaveLength(1);

    // A new session of the same user fires afresh.
    const second = { duid: first.duid, sid: uuid() };
    const secondStream = await subscribe(`domain_sessionid=${second.sid}`);
    await send(server, [pageView(second), pageView(second), pageView(second), pageView(second)]);
    await settle(server, secondStream, 'domain_sessionid', second.sid!);
    expect(secondStream.named('engaged_session').map((m) => m.data.target_attribute_key)).toEqual([{ name: 'domain_sessionid', id: second.sid }]);
    expect(secondStream.named('engaged_session')[0]!.id).not.toBe(fired.id);

    // A new version fires afresh for a session that already got version 1.
    await define(server, { interventions: [{ ...rule('engaged_session', { attribute: 'session_stats:page_views', operator: '>=', value: 3 }), version: 2 }] });
    await send(server, [pageView(first)]);
    const v2 = await stream.next((m) => m.data.name === 'engaged_session' && m.data.version === 2, 'version 2');
    expect(v2.data.attributes).toEqual({ 'session_stats:page_views': '6' });
    await send(server, [pageView(first)]);
    await settle(server, stream, 'domain_sessionid', first.sid!);
    expect(stream.named('engaged_session').map((m) => m.data.version)).toEqual([1, 2]);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalbox_interventions_fired_total 3$/m);
  });

  it("deleting an identifier's data removes its fired markers too", async () => {
    server = await startTestServer({}, { listen: true });
    await define(server, {
      groups: [sessionGroup],
      interventions: [rule('engaged_session', { attribute: 'session_stats:page_views', operator: '>=', value: 2 })],
    });
    const v = { sid: uuid() };
    const stream = await subscribe(`domain_sessionid=${v.sid}`);
    await send(server, [pageView(v), pageView(v)]);
    await stream.next((m) => m.data.name === 'engaged_session', 'first firing');
    const deleted = await server.call('DELETE', `/api/v1/domain_sessionid/${v.sid}`);
    expect(deleted.body.keys_found).toBe(true);
    await send(server, [pageView(v)]);
    await settle(server, stream, 'domain_sessionid', v.sid);
    expect(stream.named('engaged_session')).toHaveLength(1);
    await send(server, [pageView(v)]);
    await stream.until((c) => c.named('engaged_session').length === 2, 'a second firing after the deletion');
    expect(stream.named('engaged_session')[1]!.data.attributes).toEqual({ 'session_stats:page_views': '2' });
  });

  it('two targets share one intervention_id; a subscriber on both receives it once', async () => {
    server = await startTestServer({}, { listen: true });
    await define(server, {
      groups: [sessionGroup, userGroup],
      // References groups of two keys, so both keys are targets by default.
      interventions: [
        rule('returning_reader', {
          all: [
            { attribute: 'user_stats:page_views', operator: '>=', value: 2 },
            { attribute: 'session_stats:last_url', operator: 'like', value: '%/pricing' },
          ],
        }),
      ],
    });
    const v = { duid: uuid(), sid: uuid() };
    const both = await subscribe(`domain_userid=${v.duid}&domain_sessionid=${v.sid}`);
    const userOnly = await subscribe(`domain_userid=${v.duid}`);
    const sessionOnly = await subscribe(`domain_sessionid=${v.sid}`);

    await send(server, [pageView(v, { page_url: 'https://shop.example/pricing' })]);
    await send(server, [pageView(v, { page_url: 'https://shop.example/pricing', page_title: 'Pricing' })]);
    const fromUser = await userOnly.next((m) => m.data.name === 'returning_reader', 'user target');
    const fromSession = await sessionOnly.next((m) => m.data.name === 'returning_reader', 'session target');
    await settle(server, both, 'domain_userid', v.duid!);

    expect(fromUser.data.intervention_id).toBe(fromSession.data.intervention_id);
    expect(fromUser.data.target_attribute_key).toEqual({ name: 'domain_userid', id: v.duid });
    expect(fromUser.data.attributes).toEqual({ 'user_stats:page_views': '2' });
    expect(fromSession.data.target_attribute_key).toEqual({ name: 'domain_sessionid', id: v.sid });
    expect(fromSession.data.attributes).toEqual({ 'session_stats:last_url': 'https://shop.example/pricing' });
    expect(both.named('returning_reader')).toHaveLength(1);
    expect(both.named('returning_reader')[0]!.id).toBe(fromUser.data.intervention_id);
  });

  it('reads each group with its own key from the event and targets only keys present in it', async () => {
    server = await startTestServer({}, { listen: true });
    await define(server, {
      groups: [sessionGroup, userGroup],
      interventions: [
        rule('read_titles', {
          any: [{ attribute: 'user_stats:titles', operator: 'in', value: 'Checkout' }],
        }, { target_attribute_keys: [{ name: 'domain_userid' }, { name: 'domain_sessionid' }] }),
      ],
    });
    const v = { duid: uuid(), sid: uuid() };
    const stream = await subscribe(`domain_userid=${v.duid}&domain_sessionid=${v.sid}`);
    const sessionOnly = await subscribe(`domain_sessionid=${v.sid}`);
    // No session id in the triggering event: only the user target can receive it.
    await send(server, [pageView({ duid: v.duid }, { page_title: 'Checkout' })]);
    const fired = await stream.next((m) => m.data.name === 'read_titles', 'read_titles');
    expect(fired.data.target_attribute_key).toEqual({ name: 'domain_userid', id: v.duid });
    expect(fired.data.attributes).toEqual({ 'user_stats:titles': '["Checkout"]' });
    await settle(server, sessionOnly, 'domain_sessionid', v.sid!);
    expect(sessionOnly.named('read_titles')).toHaveLength(0);

    // Later the session id is present: that target has no marker yet, so it gets its own firing.
    await send(server, [pageView(v, { page_title: 'Home' })]);
    const forSession = await sessionOnly.next((m) => m.data.name === 'read_titles', 'session firing');
    expect(forSession.data.target_attribute_key).toEqual({ name: 'domain_sessionid', id: v.sid });
    expect(forSession.data.attributes).toEqual({});
    expect(forSession.id).not.toBe(fired.id);
  });

  it('replays what a subscriber missed when it reconnects with Last-Event-ID, within the window', async () => {
    let now = Date.now();
    server = await startTestServer({ interventions: { replayWindowMs: 60_000 } }, { listen: true, clock: () => now });
    const sid = uuid();
    const other = uuid();
    const first = await subscribe(`domain_sessionid=${sid}`);
    const ids = [uuid(), uuid(), uuid(), uuid()];
    expect((await push(server, `domain_sessionid=${sid}`, { intervention_id: ids[0], name: 'offer', version: 1 })).body).toEqual({ status: 'success' });
    await first.next((m) => m.id === ids[0], 'first');
    first.close();
    await waitFor(() => server.signalbox.interventions.hub.subscriberCount === 0, 'the server to see the first stream close');

    // Missed while disconnected: two for this session, one for another.
    expect((await push(server, `domain_sessionid=${sid}`, { intervention_id: ids[1], name: 'offer', version: 1 })).body).toEqual({ status: 'undelivered' });
    await push(server, `domain_sessionid=${other}`, { intervention_id: uuid(), name: 'offer', version: 1 });
    await push(server, `domain_sessionid=${sid}`, { intervention_id: ids[2], name: 'offer', version: 1, attributes: { n: 3, s: 'x' } });

    const again = await subscribe(`domain_sessionid=${sid}`, { 'last-event-id': ids[0]! });
    await again.until((c) => c.messages.length >= 2, 'two replayed');
    expect(again.messages.map((m) => m.id)).toEqual([ids[1], ids[2]]);
    expect(again.messages[1]!.data.attributes).toEqual({ n: '3', s: 'x' });
    await settle(server, again, 'domain_sessionid', sid);
    expect(again.messages.filter((m) => m.data.name === 'offer')).toHaveLength(2);

    // A fresh subscription (no Last-Event-ID) gets nothing old.
    const fresh = await subscribe(`domain_sessionid=${sid}`);
    await settle(server, fresh, 'domain_sessionid', sid);
    expect(fresh.messages.filter((m) => m.data.name === 'offer')).toHaveLength(0);

    // Outside the window nothing is replayed.
    again.close();
    await waitFor(() => server.signalbox.interventions.hub.subscriberCount === 1, 'the server to see the second stream close');
    await push(server, `domain_sessionid=${sid}`, { intervention_id: ids[3], name: 'offer', version: 1 });
    now += 61_000;
    const late = await subscribe(`domain_sessionid=${sid}`, { 'last-event-id': ids[2]! });
    await settle(server, late, 'domain_sessionid', sid);
    expect(late.messages.filter((m) => m.data.name === 'offer')).toHaveLength(0);
  });

  it('accepts public subscriptions only for UUID identifiers; a key opens any identifier', async () => {
    server = await startTestServer({}, { listen: true });
    const refused = await SseClient.open(`${server.url}/api/v1/interventions?user_id=alice`);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({
      code: 'SIGNALBOX_ERR_INTERVENTIONS_PUBLIC_NOT_UUID',
      error: expect.stringContaining('user_id="alice"'),
    });
    const mixed = await SseClient.open(`${server.url}/api/v1/interventions?domain_userid=${uuid()}&user_id=alice`);
    expect(mixed.status).toBe(401);
    const wrongKey = await SseClient.open(`${server.url}/api/v1/interventions?user_id=alice`, { authorization: 'Bearer nope' });
    expect(wrongKey.status).toBe(401);
    expect(JSON.parse(wrongKey.body).code).toBe('SIGNALBOX_ERR_AUTH_WRONG_KEY');
    const none = await SseClient.open(`${server.url}/api/v1/interventions`);
    expect(none.status).toBe(400);

    const withKey = await subscribe('user_id=alice', AUTH);
    expect(withKey.status).toBe(200);
    const r = await push(server, 'user_id=alice', { name: 'hello', version: 1 });
    expect(r.body).toEqual({ status: 'success' });
    const got = await withKey.next((m) => m.data.name === 'hello', 'hello');
    expect(got.data).toEqual({ intervention_id: got.id, name: 'hello', version: 1, target_attribute_key: { name: 'user_id', id: 'alice' }, attributes: {} });

    const uuidPublic = await subscribe(`domain_userid=${uuid()}`);
    expect(uuidPublic.status).toBe(200);

    // Cross-origin reconnects (Last-Event-ID) may be preflighted; no key is needed for that.
    const preflight = await fetch(`${server.url}/api/v1/interventions?domain_userid=${uuid()}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
  });

  it('direct push answers success, undelivered, and refuses bad requests', async () => {
    server = await startTestServer({}, { listen: true });
    const id = uuid();
    expect(await push(server, `domain_userid=${id}`, { name: 'test_intervention', version: 1 })).toEqual({ status: 200, body: { status: 'undelivered' } });
    const stream = await subscribe(`domain_userid=${id}`);
    // Targets may also come from the body.
    expect(await push(server, '', { name: 'test_intervention', target_attribute_key: { name: 'domain_userid', id } })).toEqual({ status: 200, body: { status: 'success' } });
    const got = await stream.next((m) => m.data.name === 'test_intervention', 'pushed');
    expect(got.data.version).toBe(1);
    // Serving endpoints answer validation errors with 400 {error} (reference §3.2).
    expect(await push(server, `domain_userid=${id}`, { version: 1 })).toEqual({ status: 400, body: { error: 'body.name: Field required', code: 'SIGNALBOX_ERR_REQUEST_INVALID' } });
    expect((await push(server, '', { name: 'x' })).status).toBe(400);
    const noKey = await fetch(`${server.url}/api/v1/interventions?domain_userid=${id}`, { method: 'POST', body: '{"name":"x"}', headers: { 'content-type': 'application/json' } });
    expect(noKey.status).toBe(401);
  });

  it('sends : ping keep-alives', async () => {
    server = await startTestServer({ interventions: { pingIntervalMs: 50 } }, { listen: true });
    const stream = await subscribe(`domain_userid=${uuid()}`);
    await stream.until((c) => c.comments.filter((x) => x === 'ping').length >= 2, 'two pings');
  });

  it('cuts off a subscriber that does not read, without holding back one that does', async () => {
    server = await startTestServer({ interventions: { subscriberBufferBytes: 512 * 1024 } }, { listen: true });
    const sid = uuid();
    const stuck = await StuckSubscriber.open(`${server.url}/api/v1/interventions?domain_sessionid=${sid}`);
    clients.push({ close: () => stuck.destroy() });
    const fast = await subscribe(`domain_sessionid=${sid}`);
    await waitFor(() => server.signalbox.interventions.hub.subscriberCount === 2, 'both subscribed');

    // 100 interventions of ~256 KB: far more than the kernel buffers of a stuck socket hold.
    const big = 'x'.repeat(256 * 1024);
    const statuses: string[] = [];
    for (let i = 0; i < 100; i++) {
      statuses.push((await push(server, `domain_sessionid=${sid}`, { name: 'big', version: 1, attributes: { i, big } })).body.status);
    }
    await fast.until((c) => c.named('big').length === 100, 'all 100 on the fast subscriber', 30_000);
    expect(fast.named('big').map((m) => Number(m.data.attributes.i))).toEqual([...Array(100).keys()]);
    expect(statuses.every((s) => s === 'success')).toBe(true);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalbox_sse_subscribers_cut_off_total 1$/m);
    expect(metrics).toMatch(/^signalbox_sse_subscribers 1$/m);
    // The stuck one got part of the stream, then the server closed it.
    const bytes = await stuck.drain();
    expect(bytes).toBeLessThan(100 * big.length);
    expect(stuck.closedByServer).toBe(true);
  });
});
