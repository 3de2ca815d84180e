/**
 * The Snowplow Micro-compatible inspection API, so tracking tests written against Micro run
 * against Signalbox: `/micro/all`, `/micro/good`, `/micro/bad`, `/micro/reset` with Micro's
 * filters and response shapes (micro/shapes.ts). Like Micro, and like the collector the trackers
 * talk to, these routes take no API key — see docs/micro.md for what that exposes.
 *
 * Filters come as Micro's JSON body on POST; GET also takes them as query parameters
 * (`?event_type=page_view&contexts=iglu:…&limit=5`), which Micro itself does not.
 */
import type { EnrichedEvent } from '@signalbox/core';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MicroStore } from '../../micro/micro-store.js';
import type { BadRows } from '../../bad-rows/bad-rows.js';
import { MICRO_BAD_EVENT, MICRO_GOOD_EVENT } from '../examples.js';
import { MicroBadEvents, MicroGoodEvents, MicroSummary } from '../responses.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

const Limit = z.number().int().min(0);
const GoodFilters = z
  .object({
    event_type: z.string().nullish(),
    schema: z.string().nullish(),
    contexts: z.array(z.string()).nullish(),
    limit: Limit.nullish(),
  })
  .nullish();
const BadFilters = z
  .object({
    vendor: z.string().nullish(),
    version: z.string().nullish(),
    limit: Limit.nullish(),
  })
  .nullish();

const GoodQuery = z.object({
  event_type: z.string().optional(),
  schema: z.string().optional(),
  contexts: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])).optional(),
  limit: z.coerce.number().int().min(0).optional(),
});
const BadQuery = z.object({
  vendor: z.string().optional(),
  version: z.string().optional(),
  limit: z.coerce.number().int().min(0).optional(),
});

export interface MicroRouteOptions {
  openapi: OpenApiCollector;
  badRows: BadRows;
  /** Hear about every good event after it was processed. */
  addEventSink: (sink: (events: EnrichedEvent[]) => void) => void;
}

export const microRoutes: FastifyPluginAsync<MicroRouteOptions> = async (app, { openapi, badRows, addEventSink }) => {
  const store = new MicroStore(badRows);
  addEventSink((events) => store.add(events));
  const common = { tag: 'micro', public: true } as const;

  for (const method of ['GET', 'POST'] as const) {
    defineRoute(app, openapi, {
      ...common, method, url: '/micro/all',
      summary: 'Counts of the good and bad events kept (Snowplow Micro `/micro/all`)',
      response: { description: 'The counts', schema: MicroSummary, example: { total: 3, good: 2, bad: 1 } },
      handler: () => store.summary(),
    });
    defineRoute(app, openapi, {
      ...common, method, url: '/micro/reset',
      summary: 'Forget the kept good and bad events (Snowplow Micro `/micro/reset`)',
      response: { description: 'Done, in plain text as Micro says it', contentType: 'text/plain', schema: z.string(), example: 'Reset completed' },
      handler: ({ reply }) => {
        store.reset();
        return reply.type('text/plain; charset=utf-8').send('Reset completed');
      },
    });
  }

  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/micro/good', query: GoodQuery,
    examples: { query: { event_type: 'page_view', limit: 1 } },
    response: { description: 'Good events, newest first', schema: MicroGoodEvents, example: [MICRO_GOOD_EVENT] },
    summary: 'Good events, newest first, in Snowplow Micro\'s GoodEvent shape; optional filters as query parameters',
    handler: ({ query }) => store.good(query),
  });
  defineRoute(app, openapi, {
    ...common, method: 'POST', url: '/micro/good', body: GoodFilters,
    examples: { body: { event_type: 'page_view', limit: 1 } },
    response: { description: 'Good events, newest first', schema: MicroGoodEvents, example: [MICRO_GOOD_EVENT] },
    summary: 'Good events filtered by event_type, schema, contexts and limit (Snowplow Micro `/micro/good`)',
    handler: ({ body }) => store.good(body ?? {}),
  });
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/micro/bad', query: BadQuery,
    examples: { query: { limit: 1 } },
    response: { description: 'Bad events, newest first', schema: MicroBadEvents, example: [MICRO_BAD_EVENT] },
    summary: 'Bad events (rejected input with its errors), newest first, in Snowplow Micro\'s BadEvent shape',
    handler: ({ query }) => store.bad(query),
  });
  defineRoute(app, openapi, {
    ...common, method: 'POST', url: '/micro/bad', body: BadFilters,
    examples: { body: { vendor: 'signalbox', limit: 1 } },
    response: { description: 'Bad events, newest first', schema: MicroBadEvents, example: [MICRO_BAD_EVENT] },
    summary: 'Bad events filtered by vendor, version and limit (Snowplow Micro `/micro/bad`)',
    handler: ({ body }) => store.bad(body ?? {}),
  });
};
