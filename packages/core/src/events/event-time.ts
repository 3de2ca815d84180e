/**
 * An event's time (design §3 "Window, time and order", §4 "Core is pure and browser-safe"): the
 * time an event is aggregated at, in core so the stream engine and anything later that replays
 * events (backfill, the testing endpoint) agree on the tile an event falls in. Pure: the
 * processing time is a parameter, never read from a clock here, so replay with the recorded
 * processing times is exact.
 */
import { timestampMillis } from '../time/timestamps.js';
import type { EnrichedEvent } from './enriched-event.js';

/**
 * `derived_tstamp` (Enrich's best estimate of when it happened, correcting the device clock),
 * else `collector_tstamp`, else `now`; never later than `now`, so a device clock set in the future
 * cannot put an event in a tile that has not started yet.
 *
 * @example
 * ```ts
 * eventTime({ collector_tstamp: '2025-05-01T10:00:00.000Z' }, Date.now()) // 1746093600000
 * ```
 */
export function eventTime(event: EnrichedEvent, now: number): number {
  const t = timestampMillis(event['derived_tstamp']) ?? timestampMillis(event['collector_tstamp']) ?? now;
  return t > now ? now : t;
}
