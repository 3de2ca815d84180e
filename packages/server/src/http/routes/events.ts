/**
 * `POST /api/v1/events`: enriched events in, as TSV lines (`text/tab-separated-values`) or a JSON
 * array in the analytics-SDK shape. Good events are logged durably and processed before the 200;
 * each bad line or element is reported with its position and every reason (bad-rows/reasons.ts),
 * and the rest still count.
 */
import { EnrichedEventError, normalizeEnrichedJson, parseEnrichedTsv } from '@signalbox/core';
import { jsonText, jsonTextHoldsMoreContainersThan } from '@signalbox/core/internal';
import { jsonReasons, tsvReasons } from '../../bad-rows/reasons.js';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { MAX_PAYLOAD } from '../../bad-rows/bad-rows.js';
import { SignalboxError } from '../../errors.js';
import type { BadRows } from '../../bad-rows/bad-rows.js';
import type { Metrics } from '../../metrics.js';
import type { ProcessSummary } from '../../stream/engine.js';
import type { LoggedEvent } from '../../stream/durability.js';
import { missingBody } from '../../validation.js';
import { EVENTS_BATCH, EVENTS_RESULT, EVENTS_TSV } from '../examples.js';
import { EventsJsonBody, EventsResponse, TsvBody } from '../responses.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

export const EVENTS_BODY_LIMIT = 16 * 1024 * 1024;
/**
 * Events (TSV lines or JSON elements) one request may hold. Real events are hundreds of bytes or
 * more, so this only stops a body of tiny junk from becoming millions of bad rows at once.
 */
export const MAX_EVENTS_PER_REQUEST = 100_000;

/**
 * Arrays and objects one JSON body may hold, counted before it is parsed: `JSON.parse` builds them
 * all (16 MiB of `[{},{},…]` would be half a gigabyte). Real events hold a few dozen at most.
 */
export const MAX_CONTAINERS_PER_REQUEST = 1_000_000;

function tooManyContainers(): SignalboxError {
  return new SignalboxError(
    'SIGNALBOX_ERR_REQUEST_TOO_LARGE',
    `the request holds more than ${MAX_CONTAINERS_PER_REQUEST} JSON arrays and objects (the limit per request); send the events in smaller batches`,
  );
}

function tooManyEvents(): SignalboxError {
  return new SignalboxError(
    'SIGNALBOX_ERR_REQUEST_TOO_LARGE',
    `the request holds more than ${MAX_EVENTS_PER_REQUEST} events (the limit per request); send them in smaller batches`,
  );
}

export interface RejectedEvent {
  /** 1-based line of a TSV body, or 0-based index of a JSON array element. */
  line?: number;
  index?: number;
  /** Every problem found, in field order (at most `MAX_REASONS`). */
  reasons: string[];
  /** The rejected input, kept as a bad row (not sent back in the response). */
  payload: string;
}

export interface ParsedBatch {
  accepted: LoggedEvent[];
  rejected: RejectedEvent[];
}

const reasonOf = (error: unknown) => (error instanceof EnrichedEventError || error instanceof Error ? error.message : String(error));

export function parseTsvBody(body: string): ParsedBatch {
  const accepted: LoggedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (accepted.length + rejected.length === MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
    try {
      accepted.push({ format: 'T', text: line, event: parseEnrichedTsv(line) });
    } catch {
      rejected.push({ line: i + 1, reasons: tsvReasons(line), payload: line });
    }
  }
  return { accepted, rejected };
}

export function parseJsonEvents(body: unknown): ParsedBatch {
  const items = Array.isArray(body) ? body : [body];
  if (items.length > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  const accepted: LoggedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  items.forEach((item, index) => {
    try {
      const event = normalizeEnrichedJson(item);
      accepted.push({ format: 'J', text: JSON.stringify(event), event });
    } catch {
      // jsonText, not JSON.stringify: a rejected item may nest too deep for a recursive writer.
      rejected.push({ index, reasons: jsonReasons(item), payload: jsonText(item, MAX_PAYLOAD) });
    }
  });
  return { accepted, rejected };
}

/** A JSON body this route parses itself, so that even unparseable JSON is kept as a bad row. */
class RawJson {
  constructor(readonly text: string) {}
}

export interface EventRouteOptions {
  openapi: OpenApiCollector;
  badRows: Pick<BadRows, 'add'>;
  /** Log good events durably and process them (the one way events enter). */
  ingest: (events: LoggedEvent[]) => Promise<ProcessSummary>;
  metrics: Pick<Metrics, 'rejectedEvents'>;
}

export const eventRoutes: FastifyPluginAsync<EventRouteOptions> = async (app, options) => {
  // The plugin is its own scope: only this route reads JSON bodies as text. Empty is no body, as everywhere (http/json-body.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body === '' ? undefined : new RawJson(String(body))));
  eventsRoute(app, options);
};

function parseBody(body: unknown): ParsedBatch {
  if (typeof body === 'string') return parseTsvBody(body);
  if (body instanceof RawJson) {
    if (jsonTextHoldsMoreContainersThan(body.text, MAX_CONTAINERS_PER_REQUEST)) throw tooManyContainers();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch (error) {
      return { accepted: [], rejected: [{ index: 0, reasons: [`the body is not JSON: ${reasonOf(error)}`], payload: body.text }] };
    }
    return parseJsonEvents(parsed);
  }
  return parseJsonEvents(body);
}

function eventsRoute(app: FastifyInstance, { openapi, badRows, ingest, metrics }: EventRouteOptions): void {
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/events', tag: 'events', errorStyle: 'serving', bodyLimit: EVENTS_BODY_LIMIT,
    summary: 'Send enriched events: TSV lines or a JSON array of events in the analytics-SDK shape',
    description:
      'Good events are logged durably and processed before the 200; each bad line or element is reported by position and kept as a bad row ' +
      '(`GET /api/v1/bad-rows`), and the rest of the batch still counts. A resent event (same `event_id`) is counted once. Up to 16 MiB.',
    reads: {
      bodies: [
        { contentType: 'text/tab-separated-values', schema: TsvBody, example: EVENTS_TSV },
        { contentType: 'application/json', schema: EventsJsonBody, example: EVENTS_BATCH },
      ],
    },
    response: { description: 'What was accepted, processed, already counted and rejected', schema: EventsResponse, example: EVENTS_RESULT },
    errors: {
      SIGNALBOX_ERR_EVENTS_NONE_VALID: 'no valid event in the request (1 rejected; element 0: hello: unknown key: not an enriched field, contexts_* or unstruct_event_*)',
      SIGNALBOX_ERR_REQUEST_INVALID: 'body: Field required',
      SIGNALBOX_ERR_REQUEST_TOO_LARGE: 'request body is larger than the configured limit',
      SIGNALBOX_ERR_REQUEST_UNSUPPORTED_MEDIA: 'Unsupported Media Type',
    },
    handler: async ({ request }) => {
      if (request.body === undefined || request.body === '') throw missingBody();
      const batch = parseBody(request.body);
      metrics.rejectedEvents.inc(batch.rejected.length);
      badRows.add(batch.rejected.map((r) => ({
        source: 'api/events',
        reasons: r.reasons,
        payload: r.payload,
        position: r.line ?? r.index ?? 0,
      })));
      if (batch.accepted.length === 0 && batch.rejected.length > 0) {
        const first = batch.rejected.slice(0, 5).map((r) => `${r.line !== undefined ? `line ${r.line}` : `element ${r.index}`}: ${r.reasons.join('; ')}`);
        throw new SignalboxError('SIGNALBOX_ERR_EVENTS_NONE_VALID', `no valid event in the request (${batch.rejected.length} rejected; ${first.join('; ')})`);
      }
      const summary = batch.accepted.length > 0 ? await ingest(batch.accepted) : { processed: 0, duplicates: 0, updates: 0 };
      return {
        accepted: batch.accepted.length,
        processed: summary.processed,
        duplicates: summary.duplicates,
        rejected: batch.rejected.length,
        // One `reason` string per rejected item (the response's shape), holding every reason.
        errors: batch.rejected.map(({ payload: _payload, reasons, ...where }) => ({ ...where, reason: reasons.join('; ') })),
      };
    },
  });
}
