/** `GET /api/v1/bad-rows`: the most recent rejected inputs with their reasons, newest first. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { BadRows } from '../../bad-rows/bad-rows.js';
import { BAD_ROW } from '../examples.js';
import { BadRowsResponse } from '../responses.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

export interface BadRowRouteOptions {
  openapi: OpenApiCollector;
  badRows: Pick<BadRows, 'count' | 'list'>;
}

export const badRowRoutes: FastifyPluginAsync<BadRowRouteOptions> = async (app, { openapi, badRows }) => {
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/bad-rows', tag: 'events', errorStyle: 'serving',
    summary: 'Recent bad rows (rejected events) with their reasons, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }),
    examples: { query: { limit: 1 } },
    response: {
      description: 'How many bad rows were ever kept, and the most recent ones',
      schema: BadRowsResponse,
      example: { total: 1, bad_rows: [BAD_ROW] },
    },
    handler: ({ query }) => ({ total: badRows.count, bad_rows: badRows.list(query.limit) }),
  });
};
