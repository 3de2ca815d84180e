/**
 * Progress of `signalbox replay` on stderr: lines sent, accepted, rejected and the rate. On a
 * terminal a cli-progress bar over the file's bytes; elsewhere (CI, a pipe, a log file) one plain
 * line each time another tenth of the file has been sent, so a log stays short and readable.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface ReplayTotals {
  lines: number;
  accepted: number;
  processed: number;
  duplicates: number;
  rejected: number;
}

export interface ReplayProgress {
  /** After each batch: `bytes` of the file read so far, the running totals. */
  update(bytes: number, totals: ReplayTotals): void;
  /** A rejected line or batch: written at once, or on a terminal after the bar (which would overwrite it). */
  warn(message: string): void;
  stop(): void;
}

const PLAIN_STEPS = 10;
/** Rejections kept back while a bar is drawn; a file of nothing but bad lines must not fill memory. */
const MAX_HELD_WARNINGS = 1000;

/** Lines per second since `startedAt`, rounded; 0 before the first millisecond. */
export function linesPerSecond(lines: number, startedAt: number, now: number): number {
  const seconds = (now - startedAt) / 1000;
  return seconds > 0 ? Math.round(lines / seconds) : 0;
}

function counts(totals: ReplayTotals, startedAt: number): string {
  return `${totals.lines} lines sent, ${totals.accepted} accepted, ${totals.rejected} rejected, ${linesPerSecond(totals.lines, startedAt, Date.now())} lines/s`;
}

export function replayProgress(fileBytes: number, out: NodeJS.WriteStream = process.stderr): ReplayProgress {
  const startedAt = Date.now();
  const total = Math.max(fileBytes, 1);
  const percent = (bytes: number) => Math.min(100, Math.floor((bytes / total) * 100));
  if (out.isTTY) {
    const bar = new SingleBar({ stream: out, format: 'replay [{bar}] {percentage}% | {counts}', hideCursor: true }, Presets.shades_classic);
    bar.start(total, 0, { counts: '' });
    const held: string[] = [];
    let dropped = 0;
    return {
      update: (bytes, totals) => bar.update(Math.min(bytes, total), { counts: counts(totals, startedAt) }),
      warn: (message) => (held.length < MAX_HELD_WARNINGS ? held.push(message) : dropped++),
      stop() {
        bar.stop();
        for (const message of held) out.write(`${message}\n`);
        if (dropped > 0) out.write(`… and ${dropped} more rejections (GET /api/v1/bad-rows lists them all)\n`);
      },
    };
  }
  let step = 0;
  return {
    update(bytes, totals) {
      const reached = Math.floor((percent(bytes) * PLAIN_STEPS) / 100);
      if (reached <= step) return;
      step = reached;
      out.write(`replay: ${percent(bytes)}% of the file, ${counts(totals, startedAt)}\n`);
    },
    warn: (message) => out.write(`${message}\n`),
    stop: () => undefined,
  };
}
