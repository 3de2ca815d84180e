/**
 * Sliding windows kept as tiles (design §3 "Window, time and order").
 * Tile width `w` is the smallest allowed width with `period / w <= 60`; tiles start at multiples
 * of `w` since the Unix epoch; a read at `t` covers every tile starting after `t - period - w`.
 */
const TILE_WIDTHS_S = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10800, 21600, 43200, 86400];

export function tileWidthMs(periodMs: number): number {
  for (const w of TILE_WIDTHS_S) if (periodMs / (w * 1000) <= 60) return w * 1000;
  // Periods over 60 days keep 1-day tiles; the window then holds more than 60 of them.
  return 86_400_000;
}

export interface Window {
  periodMs: number;
  tileMs: number;
}

export function windowFor(periodSeconds: number | undefined): Window | undefined {
  if (periodSeconds === undefined) return undefined;
  const periodMs = periodSeconds * 1000;
  return { periodMs, tileMs: tileWidthMs(periodMs) };
}

export function tileStart(timeMs: number, window: Window): number {
  return Math.floor(timeMs / window.tileMs) * window.tileMs;
}

/** Tiles starting at or before this instant are outside the window read at `nowMs`. */
export function windowFloor(nowMs: number, window: Window): number {
  return nowMs - window.periodMs - window.tileMs;
}
