/**
 * When a failed webhook delivery is tried again: `baseDelayMs` after the first attempt, doubling
 * with each further one up to `maxDelayMs`, with ±10 % jitter so retries of many deliveries
 * spread out. `random` is a parameter so the schedule is testable.
 */
import type { WebhookTuning } from '../config.js';

export function retryDelayMs(tuning: Pick<WebhookTuning, 'baseDelayMs' | 'maxDelayMs'>, attempts: number, random: () => number = Math.random): number {
  const exponential = tuning.baseDelayMs * 2 ** Math.max(0, attempts - 1);
  return Math.min(tuning.maxDelayMs, exponential) * (0.9 + random() * 0.2);
}
