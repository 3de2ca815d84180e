/**
 * The Snowplow collector and the minimal enrichment (reference §1, §6): tracker requests in,
 * enriched events and bad rows out. Everything here is pure; `http/routes/collector.ts` wires it
 * to the HTTP port, the event log and the bad-rows store.
 */
export { collect, COLLECTOR_NAME, ENRICH_NAME } from './collect.js';
export type { CollectOptions, CollectorOutcome, CollectorSource, IncomingRequest, RejectedInput } from './collect.js';
export { enrichEvent } from './enrich/index.js';
export type { EnrichOptions, EnrichResult, RawEvent, RequestFacts } from './enrich/index.js';
export { PIXEL_GIF } from './pixel.js';
