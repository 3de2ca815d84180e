/** Intervention definitions that could hurt the engine: refused up front, or bounded when run. */
import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/server.js';
import { define, pageView, rule, send, sessionGroup, settle, uuid } from './fixtures.js';
import { SseClient } from './sse-client.js';

let server: TestServer;
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.destroy();
});

describe('rlike in intervention definitions', () => {
  it('refuses patterns that need backtracking, naming the problem', async () => {
    server = await startTestServer();
    await define(server, { groups: [sessionGroup] });
    const r = await server.call('POST', '/api/v1/registry/interventions/', rule('bad', { all: [{ attribute: 'session_stats:last_url', operator: 'rlike', value: '(a+)\\1' }] }));
    expect(r.status).toBe(422);
    expect(r.body.detail).toEqual([
      { loc: ['body', 'criteria', 'all', 0, 'value'], msg: 'is not a usable regular expression: backreferences are not supported in rlike patterns', type: 'value_error' },
    ]);
  });

  it('evaluates a catastrophic-backtracking pattern on a long value without stalling the engine', async () => {
    server = await startTestServer({}, { listen: true });
    await define(server, {
      groups: [sessionGroup],
      interventions: [rule('evil', { attribute: 'session_stats:last_url', operator: 'rlike', value: '^(a+)+$' })],
    });
    const v = { sid: uuid() };
    const stream = await SseClient.open(`${server.url}/api/v1/interventions?domain_sessionid=${v.sid}`);
    clients.push(stream);
    // With RegExp, `^(a+)+$` against 30 000 a's and a '!' would not finish in our lifetime.
    await send(server, [pageView(v, { page_url: `${'a'.repeat(30_000)}!` })]);
    await settle(server, stream, 'domain_sessionid', v.sid);
    expect(stream.named('evil')).toHaveLength(0);
    await send(server, [pageView(v, { page_url: 'a'.repeat(30_000) })]);
    expect((await stream.next((m) => m.data.name === 'evil', 'evil')).data.attributes['session_stats:last_url']).toHaveLength(30_000);
  });

  it('gives up a match over its step budget, counts it, and does not fire', async () => {
    server = await startTestServer({ interventions: { rlikeBudget: 1000 } }, { listen: true });
    await define(server, {
      groups: [sessionGroup],
      interventions: [rule('budget', { attribute: 'session_stats:last_url', operator: 'not rlike', value: '(x|y|z)*checkout' })],
    });
    const v = { sid: uuid() };
    const stream = await SseClient.open(`${server.url}/api/v1/interventions?domain_sessionid=${v.sid}`);
    clients.push(stream);
    await send(server, [pageView(v, { page_url: 'xyz'.repeat(5_000) })]);
    await settle(server, stream, 'domain_sessionid', v.sid);
    expect(stream.named('budget')).toHaveLength(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalbox_interventions_rlike_budget_exceeded_total 1$/m);
    // A short value is within budget: "not rlike" holds and the rule fires.
    await send(server, [pageView(v, { page_url: 'https://shop.example/home' })]);
    await stream.next((m) => m.data.name === 'budget', 'budget');
  });
});
