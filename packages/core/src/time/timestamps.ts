/**
 * Event time in milliseconds. Enriched events carry ISO-8601 timestamps in their JSON shape;
 * older producers send `YYYY-MM-DD HH:MM:SS.mmm` (UTC) or epoch milliseconds.
 */
export function timestampMillis(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.length < 10) return null;
  let text = value;
  if (text.length >= 19 && text.charCodeAt(10) === 32 /* space */) text = text.slice(0, 10) + 'T' + text.slice(11);
  if (text.length > 10 && !/(?:Z|[+-]\d\d:?\d\d)$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** ISO-8601 text with milliseconds, the form `unix_timestamp` attributes are returned in. */
export function isoString(ms: number): string {
  return new Date(ms).toISOString();
}
