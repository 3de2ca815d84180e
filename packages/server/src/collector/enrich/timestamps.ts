/**
 * Steps 1 and 10 of the minimal enrichment (reference §6): tracker epoch-millisecond timestamps
 * (`dtm`, `stm`, `ttm`) become enriched timestamps, and `derived_tstamp` is computed from them.
 * Enriched timestamps are `YYYY-MM-DD HH:MM:SS.mmm` UTC, the TSV notation.
 */

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years Enrich accepts. */
export const MIN_MS = -62_167_219_200_000;
export const MAX_MS = 253_402_300_799_999;

// Formatting is on the hot path (four or five timestamps per event): the date part is cached per
// UTC day and the time of day is assembled from lookup tables.
const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedDate = '';
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Epoch milliseconds (years 0..9999) as an enriched timestamp, `2025-05-01 10:00:00.250`. */
export function formatTimestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 10);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedDate} ${TWO[hours]!}:${TWO[minutes]!}:${TWO[seconds]!}.${THREE[rest - seconds * 1000]!}`;
}

/**
 * A tracker timestamp parameter: base-10 integer milliseconds since the epoch, in years 0..9999.
 * Returns the number, or a reason.
 */
export function parseEpochMillis(text: string): number | { reason: string } {
  if (!/^-?\d{1,16}$/.test(text)) return { reason: `expected integer milliseconds since the epoch, got ${JSON.stringify(clip(text))}` };
  const ms = Number(text);
  if (ms < MIN_MS || ms > MAX_MS) return { reason: `${text} is outside the years 0 to 9999` };
  return ms;
}

export interface EventTimes {
  collector: number;
  /** `dtm`, when sent. */
  created?: number | undefined;
  /** `stm`, when sent. */
  sent?: number | undefined;
  /** `ttm`, when sent. */
  trueTime?: number | undefined;
}

/**
 * `derived_tstamp` (Enrich's formula): the true timestamp when there is one; else, when the device
 * created the event before it sent it, the collector time minus that delay — trusting only the
 * device's relative clock; else the collector time.
 */
export function derivedTimestamp(t: EventTimes): number {
  if (t.trueTime !== undefined) return t.trueTime;
  if (t.created !== undefined && t.sent !== undefined && t.created < t.sent) return t.collector - (t.sent - t.created);
  return t.collector;
}

export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
