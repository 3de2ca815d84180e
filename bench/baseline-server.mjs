/**
 * Bare Fastify: the baseline. The same routes as the measured ones, doing only what any Fastify
 * app does (parse the body, answer JSON), so the ratio shows what Signalbox itself costs.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
app.addContentTypeParser(['text/tab-separated-values', 'text/plain'], { parseAs: 'string' }, (_r, body, done) => done(null, body));
app.post('/api/v1/events', (request) => {
  const lines = String(request.body).split('\n').length;
  return { accepted: lines, processed: lines, duplicates: 0, rejected: 0, errors: [] };
});
const answer = { domain_userid: ['x'], a1: [1], a2: [2], a3: [3], a4: ['/p/1'], a5: ['/p/1'], a6: [['/p/1']], a7: [['/p/1']], a8: ['Product'], a9: [1], a10: [1280] };
app.post('/api/v1/get-online-attributes', () => answer);
app.post('/com.snowplowanalytics.snowplow/tp2', (_request, reply) => reply.type('text/plain').send('ok'));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`baseline listening at ${url}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
