/**
 * The Snowplow collector on the API port (reference §1): `POST /com.snowplowanalytics.snowplow/tp2`
 * (answers `ok`), `GET|HEAD /i` and `/ice.png` and a GET on the tp2 path (answer the 1x1 GIF),
 * and OPTIONS preflights. Requests are enriched in-process (src/collector) and their good events
 * logged and processed before the reply, like `POST /api/v1/events`; every rejected event is kept
 * as a bad row with its reasons while the rest of its request goes through.
 *
 * The routes live in their own encapsulated context so they can read any body as text (a broken
 * JSON body must become a bad row, not a parser error) and add CORS headers to every reply.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type CollectorOutcome, type CollectorSource, collect } from '../../collector/collect.js';
import { setCookieHeader } from '../../collector/cookie.js';
import { corsHeaders, preflightHeaders } from '../../collector/cors.js';
import { PIXEL_GIF } from '../../collector/pixel.js';
import { SignalboxError } from '../../errors.js';
import type { BadRows } from '../../bad-rows/bad-rows.js';
import type { Metrics } from '../../metrics.js';
import type { LoggedEvent } from '../../stream/durability.js';
import type { ProcessSummary } from '../../stream/engine.js';
import { PIXEL_QUERY, TP2_PAYLOAD } from '../examples.js';
import { named } from '../openapi.js';
import { type OpenApiCollector, type OperationSpec, defineRoute } from '../route.js';

/** The reference collector's `maxPayloadSize`. */
export const COLLECTOR_BODY_LIMIT = 1024 * 1024;
export const TP2_PATH = '/com.snowplowanalytics.snowplow/tp2';
const PIXEL_PATHS = ['/i', '/ice.png'] as const;

/** Tracker-protocol parameters (reference §1.5), documented: the collector reads them itself and keeps bad ones as bad rows. */
const TrackerParameters = named(
  z.looseObject({
    e: z.string().describe('Event type: pv, pp, se, ue, tr, ti'),
    eid: z.string().optional().describe('Event id (UUID)'),
    tv: z.string().optional().describe('Tracker version'),
    aid: z.string().optional().describe('App id'),
    p: z.string().optional().describe('Platform'),
    duid: z.string().optional().describe('domain_userid'),
    sid: z.string().optional().describe('domain_sessionid'),
    uid: z.string().optional().describe('user_id'),
    url: z.string().optional(),
    page: z.string().optional(),
    dtm: z.string().optional().describe('Device created timestamp, ms since epoch'),
    co: z.string().optional().describe('Entities, a contexts JSON'),
    cx: z.string().optional().describe('Entities, base64url'),
    ue_pr: z.string().optional().describe('Self-describing event JSON'),
    ue_px: z.string().optional().describe('Self-describing event, base64url'),
  }).catchall(z.string()),
  'TrackerParameters',
  'One tracker event in the Snowplow tracker protocol: flat string parameters.',
);
const Tp2Payload = z.object({
  schema: z.string().describe('iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-x'),
  data: z.array(TrackerParameters).min(1),
});
const collectorErrors = {
  SIGNALBOX_ERR_COLLECTOR_BAD_PAYLOAD: 'empty body: expected a payload_data JSON object (kept as a bad row)',
  SIGNALBOX_ERR_REQUEST_TOO_LARGE: 'request body is 2097152 bytes, more than the collector\'s 1048576-byte limit; split it into smaller batches',
} as const;
const pixelSpec = {
  tag: 'collector', public: true, errorStyle: 'serving', reads: { query: TrackerParameters }, examples: { query: PIXEL_QUERY },
  response: { description: 'A 1x1 transparent GIF; sets the `sp` cookie (network_userid)', contentType: 'image/gif', headers: { 'set-cookie': 'sp=<network_userid>' } },
  errors: collectorErrors,
} as const satisfies Partial<OperationSpec>;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function isHttps(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true;
  return header(request, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

function rawQuery(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? '' : request.url.slice(q + 1);
}

export interface CollectorRouteOptions {
  openapi: OpenApiCollector;
  badRows: Pick<BadRows, 'add'>;
  /** Log good events durably and process them (the one way events enter). */
  ingest: (events: LoggedEvent[]) => Promise<ProcessSummary>;
  metrics: Pick<Metrics, 'collectorEvents' | 'collectorRequests'>;
  clock: () => number;
}

export const collectorRoutes: FastifyPluginAsync<CollectorRouteOptions> = async (app, { openapi, badRows, ingest, metrics, clock }) => {
  const keepBad = (source: CollectorSource, outcome: CollectorOutcome) => {
    if (outcome.bad.length === 0) return;
    metrics.collectorEvents.inc({ outcome: 'bad' }, outcome.bad.filter((b) => b.position !== undefined).length);
    badRows.add(outcome.bad.map((b) => ({
      source,
      reasons: b.reasons,
      payload: b.payload,
      ...(b.position !== undefined ? { position: b.position } : {}),
    })));
  };

  /** Enrich, keep the bad, log and process the good, set the cookie. Throws for a request that failed as a whole. */
  const handle = async (source: CollectorSource, method: 'GET' | 'POST', request: FastifyRequest, reply: FastifyReply) => {
    const outcome = collect({
      source,
      method,
      receivedAt: clock(),
      rawQuery: rawQuery(request),
      body: typeof request.body === 'string' ? request.body : undefined,
      contentType: header(request, 'content-type'),
      userAgent: header(request, 'user-agent'),
      referer: header(request, 'referer'),
      forwardedFor: header(request, 'x-forwarded-for'),
      cookie: header(request, 'cookie'),
      anonymous: request.headers['sp-anonymous'] !== undefined,
      socketAddress: request.socket.remoteAddress,
    });
    keepBad(source, outcome);
    if (outcome.networkUserId !== undefined) reply.header('set-cookie', setCookieHeader(outcome.networkUserId, isHttps(request)));
    if (outcome.failure) {
      const code = outcome.failure.kind === 'unsupported-media' ? 'SIGNALBOX_ERR_REQUEST_UNSUPPORTED_MEDIA' : 'SIGNALBOX_ERR_COLLECTOR_BAD_PAYLOAD';
      throw new SignalboxError(code, `${outcome.failure.reason} (kept as a bad row)`);
    }
    if (outcome.good.length > 0) {
      await ingest(outcome.good);
      metrics.collectorEvents.inc({ outcome: 'good' }, outcome.good.length);
    }
  };

  const pixel = (source: CollectorSource) => async ({ request, reply }: { request: FastifyRequest; reply: FastifyReply }) => {
    await handle(source, 'GET', request, reply);
    reply.header('cache-control', 'no-cache, no-store, must-revalidate').type('image/gif');
    return PIXEL_GIF;
  };

  void app.register(async (collector) => {
    collector.removeAllContentTypeParsers();
    collector.addContentTypeParser('*', { parseAs: 'string', bodyLimit: COLLECTOR_BODY_LIMIT }, (_request, body, done) => done(null, body));

    collector.addHook('onRequest', async (request, reply) => {
      reply.headers(corsHeaders(header(request, 'origin')));
      const length = Number(header(request, 'content-length') ?? 0);
      if (length > COLLECTOR_BODY_LIMIT) {
        const source: CollectorSource = request.url.startsWith(TP2_PATH) ? 'collector/tp2' : 'collector/i';
        const reason = `request body is ${length} bytes, more than the collector's ${COLLECTOR_BODY_LIMIT}-byte limit`;
        badRows.add([{ source, reasons: [reason], payload: `(${length} bytes, not kept)` }]);
        throw new SignalboxError('SIGNALBOX_ERR_REQUEST_TOO_LARGE', `${reason}; split it into smaller batches`);
      }
    });
    // Two refusals happen in Fastify before the routes run, and are kept as bad rows here: a body
    // without Content-Length (chunked) stopped by the limit while it streams, and an empty
    // Content-Type header, which no body parser takes.
    collector.addHook('onError', async (request, _reply, error) => {
      const code = (error as { code?: string }).code;
      if (code !== 'FST_ERR_CTP_BODY_TOO_LARGE' && code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return;
      const source: CollectorSource = request.url.startsWith(TP2_PATH) ? 'collector/tp2' : 'collector/i';
      const reason = code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `request body is more than the collector's ${COLLECTOR_BODY_LIMIT}-byte limit`
        : `content type must be application/json, got ${JSON.stringify(header(request, 'content-type') ?? '')}`;
      badRows.add([{ source, reasons: [reason], payload: '(not kept)' }]);
    });
    collector.addHook('onResponse', async (request, reply) => {
      metrics.collectorRequests.inc({ method: request.method, path: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
    });

    defineRoute(collector, openapi, {
      method: 'POST', url: TP2_PATH, tag: 'collector', public: true, errorStyle: 'serving', bodyLimit: COLLECTOR_BODY_LIMIT,
      summary: 'Snowplow tracker protocol 2: a payload_data JSON with one or more events, as the JS and Node trackers send',
      description: 'Each event is enriched and processed before the answer; an event that cannot be read is kept as a bad row and the others still count.',
      reads: { bodies: [{ contentType: 'application/json', schema: Tp2Payload, example: TP2_PAYLOAD }] },
      response: { description: 'Received', contentType: 'text/plain', schema: z.literal('ok'), example: 'ok', headers: { 'set-cookie': 'sp=<network_userid>' } },
      errors: { ...collectorErrors, SIGNALBOX_ERR_REQUEST_UNSUPPORTED_MEDIA: 'content type must be application/json, got "text/html" (kept as a bad row)' },
      handler: async ({ request, reply }) => {
        await handle('collector/tp2', 'POST', request, reply);
        reply.type('text/plain; charset=utf-8');
        return 'ok';
      },
    });
    defineRoute(collector, openapi, {
      ...pixelSpec, method: 'GET', url: TP2_PATH,
      summary: 'One tracker event in the query string; answers a 1x1 GIF',
      handler: pixel('collector/tp2'),
    });
    for (const url of PIXEL_PATHS) {
      defineRoute(collector, openapi, {
        ...pixelSpec, method: 'GET', url,
        summary: 'One tracker event in the query string (tracker eventMethod "get"); answers a 1x1 GIF',
        handler: pixel('collector/i'),
      });
    }
    for (const url of [TP2_PATH, ...PIXEL_PATHS]) {
      defineRoute(collector, openapi, {
        method: 'OPTIONS', url, tag: 'collector', public: true, errorStyle: 'serving',
        summary: 'CORS preflight of a tracker sending from the site\'s origin (with credentials)',
        response: { description: 'Allowed for the requesting origin, with credentials', headers: { 'access-control-allow-origin': 'The Origin of the request' } },
        handler: async ({ reply }) => {
          reply.headers(preflightHeaders());
          return reply.status(200).send();
        },
      });
    }
  });
};
