/**
 * ISO-8601 durations (`PT10M`, `P7D`, `P1DT2H`) as the Signals API uses them for `period` and `ttl`.
 * Years and months have no fixed length, so they are refused rather than guessed.
 */
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO-8601 duration, or null when the text is not one we accept. */
export function parseDurationSeconds(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, min, s] = m;
  const seconds =
    Number(w ?? 0) * 604800 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return seconds > 0 ? seconds : null;
}

/** Like {@link parseDurationSeconds} but for values already validated by the schemas. */
export function durationSeconds(text: string): number {
  const s = parseDurationSeconds(text);
  if (s === null) throw new Error(`not a positive ISO-8601 duration: ${text}`);
  return s;
}
