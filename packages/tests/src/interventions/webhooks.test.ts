/** Webhooks: fired interventions as signed JSON POSTs to local receivers, retried, dead-lettered. */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/server.js';
import { define, pageView, rule, send, sessionGroup, userGroup, uuid, waitFor } from './fixtures.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

/** A real HTTP receiver answering each request with the next status of `answers` (the last one repeats). */
class Receiver {
  readonly requests: Received[] = [];
  private constructor(private readonly server: http.Server, private readonly answers: number[]) {}

  static async start(answers: number[] = [200]): Promise<Receiver> {
    const receiver: Receiver = new Receiver(http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        receiver.requests.push({ headers: req.headers, body, json: JSON.parse(body) });
        const status = answers[Math.min(receiver.requests.length - 1, answers.length - 1)]!;
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    }), answers);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const SECRET = 'a-test-secret-of-some-length';
const verify = (r: Received, secret = SECRET) =>
  r.headers['x-signalbox-signature'] === `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;

let server: TestServer;
const receivers: Receiver[] = [];
afterEach(async () => {
  await server.destroy();
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(answers?: number[]): Promise<Receiver> {
  const r = await Receiver.start(answers);
  receivers.push(r);
  return r;
}

async function start(): Promise<void> {
  server = await startTestServer({ interventions: { webhooks: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 4, timeoutMs: 2000 } } }, { listen: true });
  await define(server, {
    groups: [sessionGroup, userGroup],
    interventions: [rule('engaged', { attribute: 'session_stats:page_views', operator: '>=', value: 2 })],
  });
}

/** Two page views of a new visitor: fires `engaged` once for its session. */
async function fire(): Promise<{ duid: string; sid: string }> {
  const v = { duid: uuid(), sid: uuid() };
  await send(server, [pageView(v), pageView(v), pageView(v)]);
  return v;
}

describe('webhooks', () => {
  it('deliver each intervention once, signed, to a receiver that answers 2xx', async () => {
    await start();
    const ok = await receiver();
    const created = await server.call('POST', '/api/v1/webhooks', { name: 'crm', url: ok.url, secret: SECRET });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'crm', url: ok.url, secret: SECRET });

    const v = await fire();
    await waitFor(() => ok.requests.length === 1, 'one delivery');
    // A second firing (another session) proves that the first was not sent twice meanwhile.
    const w = await fire();
    await waitFor(() => ok.requests.length === 2, 'the second delivery');
    const [first, second] = ok.requests as [Received, Received];
    expect(verify(first)).toBe(true);
    expect(verify(second)).toBe(true);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['x-signalbox-timestamp']).toBe(String(first.json.timestamp));
    expect(Math.abs(first.json.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(first.json).toMatchObject({
      type: 'intervention',
      webhook: 'crm',
      name: 'engaged',
      version: 1,
      attempt: 1,
      instances: [{ name: 'engaged', version: 1, target_attribute_key: { name: 'domain_sessionid', id: v.sid }, attributes: { 'session_stats:page_views': '2' } }],
    });
    expect(first.json.instances[0].intervention_id).toBe(first.json.intervention_id);
    expect(first.headers['x-signalbox-delivery']).toBe(first.json.intervention_id);
    expect(second.json.instances[0].target_attribute_key.id).toBe(w.sid);
    // A tampered body no longer verifies.
    expect(verify({ ...first, body: first.body.replace('"engaged"', '"other"') })).toBe(false);

    // The receiver has answered; wait until Signalbox has seen both answers.
    await waitFor(() => server.signalbox.interventions.dispatcher.stats('crm').delivered === 2, 'both acknowledged');
    const listed = await server.call('GET', '/api/v1/webhooks');
    expect(listed.body).toEqual([{ name: 'crm', url: ok.url, created_at: expect.any(String), stats: { delivered: 2, failedAttempts: 0, deadLettered: 0, pending: 0 } }]);
  });

  it('retry with backoff until a failing receiver recovers', async () => {
    await start();
    const flaky = await receiver([500, 503, 200]);
    await server.call('POST', '/api/v1/webhooks', { name: 'flaky', url: flaky.url, secret: SECRET });
    await fire();
    await waitFor(() => server.signalbox.interventions.dispatcher.stats('flaky').delivered === 1, 'delivery after retries');
    expect(flaky.requests.map((r) => r.json.attempt)).toEqual([1, 2, 3]);
    expect(flaky.requests.map((r) => r.headers['x-signalbox-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(flaky.requests.map((r) => r.json.intervention_id)).size).toBe(1);
    expect(flaky.requests.every((r) => verify(r))).toBe(true);
    expect((await server.call('GET', '/api/v1/webhooks/dead-letters')).body).toEqual({ dead_letters: [] });
    expect((await server.call('GET', '/api/v1/webhooks/flaky')).body.stats).toEqual({ delivered: 1, failedAttempts: 2, deadLettered: 0, pending: 0 });
  });

  it('put a delivery on the dead-letter list when the receiver never recovers', async () => {
    await start();
    const down = await receiver([503]);
    await server.call('POST', '/api/v1/webhooks', { name: 'down', url: down.url, secret: SECRET });
    const v = await fire();
    await waitFor(() => server.signalbox.interventions.dispatcher.stats('down').deadLettered === 1, 'dead letter');
    expect(down.requests).toHaveLength(4);
    const letters = (await server.call('GET', '/api/v1/webhooks/dead-letters')).body.dead_letters;
    expect(letters).toEqual([
      {
        intervention_id: down.requests[0]!.json.intervention_id,
        webhook: 'down',
        url: down.url,
        attempts: 4,
        last_status: 503,
        last_error: 'HTTP 503',
        failed_at: expect.any(String),
        payload: expect.objectContaining({ name: 'engaged', instances: [expect.objectContaining({ target_attribute_key: { name: 'domain_sessionid', id: v.sid } })] }),
      },
    ]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalbox_webhook_dead_letters_total 1$/m);
    expect(metrics).toMatch(/^signalbox_webhook_failed_attempts_total 4$/m);
    expect((await server.call('DELETE', '/api/v1/webhooks/dead-letters')).body).toEqual({ ok: true, removed: 1 });
    expect((await server.call('GET', '/api/v1/webhooks/dead-letters')).body).toEqual({ dead_letters: [] });
  });

  it('filter by attribute key and intervention, and are managed through the API', async () => {
    await start();
    await define(server, { interventions: [rule('two_keys', { all: [{ attribute: 'session_stats:page_views', operator: '>=', value: 2 }, { attribute: 'user_stats:page_views', operator: '>=', value: 2 }] })] });
    const users = await receiver();
    const onlyEngaged = await receiver();
    await server.call('POST', '/api/v1/webhooks', { name: 'users', url: users.url, attribute_keys: ['domain_userid'] });
    await server.call('POST', '/api/v1/webhooks', { name: 'engaged_only', url: onlyEngaged.url, interventions: ['engaged'] });
    const v = await fire();
    await waitFor(() => users.requests.length === 1 && onlyEngaged.requests.length === 1, 'both webhooks');
    // `engaged` targets only the session key, so "users" gets `two_keys` with its user instance only.
    expect(users.requests[0]!.json.name).toBe('two_keys');
    expect(users.requests[0]!.json.instances.map((i: any) => i.target_attribute_key)).toEqual([{ name: 'domain_userid', id: v.duid }]);
    expect(onlyEngaged.requests[0]!.json.name).toBe('engaged');

    // A generated secret is returned once, then never listed.
    const created = await server.call('POST', '/api/v1/webhooks', { name: 'gen', url: users.url });
    expect(created.body.secret).toMatch(/^whsec_/);
    expect((await server.call('GET', '/api/v1/webhooks/gen')).body).not.toHaveProperty('secret');
    expect((await server.call('POST', '/api/v1/webhooks', { name: 'gen', url: users.url })).status).toBe(400);
    expect((await server.call('POST', '/api/v1/webhooks', { name: 'ftp', url: 'ftp://example.com/x' })).status).toBe(422);
    expect((await server.call('DELETE', '/api/v1/webhooks/gen')).body).toEqual({ ok: true });
    expect((await server.call('GET', '/api/v1/webhooks/gen')).status).toBe(404);
    expect((await server.call('GET', '/api/v1/webhooks', undefined, { auth: false })).status).toBe(401);
  });
});

describe('webhooks across restarts', () => {
  // Retries an hour apart, on a clock the test moves: each run makes exactly the attempts that are
  // due when it starts, so every attempt after the first is made by a freshly restarted server.
  const HOUR = 3_600_000;
  const tuning = { baseDelayMs: HOUR, maxDelayMs: HOUR, maxAttempts: 4, timeoutMs: 2000 };
  let offset = 0;
  const clock = () => Date.now() + offset;
  const dispatcher = () => server.signalbox.interventions.dispatcher;
  /** A clean stop, two hours pass, and a new server on the same data dir. */
  async function restartLater(): Promise<void> {
    await server.close();
    offset += 2 * HOUR;
    server = await startTestServer({ interventions: { webhooks: tuning } }, { listen: true, dataDir: server.dataDir, clock });
  }

  it('count attempts in total over restarts: dead-lettered once after maxAttempts, never retried again; counts survive', async () => {
    server = await startTestServer({ interventions: { webhooks: tuning } }, { listen: true, clock });
    await define(server, { groups: [sessionGroup, userGroup], interventions: [rule('engaged', { attribute: 'session_stats:page_views', operator: '>=', value: 2 })] });
    const down = await receiver([500]);
    const ok = await receiver([200]);
    await server.call('POST', '/api/v1/webhooks', { name: 'down', url: down.url, secret: SECRET });
    await server.call('POST', '/api/v1/webhooks', { name: 'ok', url: ok.url, secret: SECRET });
    await fire();
    await waitFor(() => dispatcher().stats('ok').delivered === 1 && dispatcher().stats('down').failedAttempts === 1, 'the first attempts');

    for (let attempt = 2; attempt <= tuning.maxAttempts; attempt++) {
      await restartLater();
      await waitFor(() => dispatcher().stats('down').failedAttempts === attempt, `attempt ${attempt}, made after a restart`);
      // Delivered counts survive too, and the healthy receiver is not sent anything again.
      expect(dispatcher().stats('ok')).toEqual({ delivered: 1, failedAttempts: 0, deadLettered: 0, pending: 0 });
    }
    await waitFor(() => dispatcher().stats('down').deadLettered === 1, 'the dead letter');

    await restartLater();
    expect(dispatcher().stats('down')).toEqual({ delivered: 0, failedAttempts: 4, deadLettered: 1, pending: 0 });
    expect(dispatcher().stats('ok')).toEqual({ delivered: 1, failedAttempts: 0, deadLettered: 0, pending: 0 });
    const letters = (await server.call('GET', '/api/v1/webhooks/dead-letters')).body.dead_letters;
    expect(letters).toEqual([expect.objectContaining({ webhook: 'down', attempts: 4, last_status: 500, last_error: 'HTTP 500', intervention_id: down.requests[0]!.json.intervention_id })]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalbox_webhook_dead_letters_total 1$/m);
    expect(metrics).toMatch(/^signalbox_webhook_deliveries_total 1$/m);
    expect(metrics).toMatch(/^signalbox_webhook_failed_attempts_total 4$/m);
    expect(metrics).toMatch(/^signalbox_webhook_pending 0$/m);

    // A new firing is delivered after the last restart; the dead one was not sent again meanwhile.
    await fire();
    await waitFor(() => ok.requests.length === 2 && down.requests.length === 5, 'the new firing at both receivers');
    const first = down.requests[0]!.json.intervention_id;
    expect(down.requests.filter((r) => r.json.intervention_id === first).map((r) => r.json.attempt)).toEqual([1, 2, 3, 4]);
    expect(down.requests.at(-1)!.json).toMatchObject({ attempt: 1 });
    expect(down.requests.at(-1)!.json.intervention_id).not.toBe(first);
  });
});
