/** Tunables of rule interventions, the SSE hub and webhooks, with their defaults (design §3). */
export interface WebhookTuning {
  /** Delay before the first retry; each further retry doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all (the first try included) before a delivery goes to the dead-letter list. */
  maxAttempts: number;
  /** One attempt's time limit. */
  timeoutMs: number;
  /** Deliveries waiting or retrying per webhook; past this a new one is dead-lettered at once. */
  maxPending: number;
  /** Requests in flight per webhook. */
  concurrency: number;
}

export interface InterventionsConfig {
  /** `: ping` keep-alive comments on open streams (design: every 15 s). */
  pingIntervalMs: number;
  /** Recent interventions kept to replay on reconnect with `Last-Event-ID` (design: 60 s). */
  replayWindowMs: number;
  /** At most this many recent interventions are kept for replay, whatever the window. */
  replayMaxEntries: number;
  /** Bytes waiting to be written to one subscriber before it is cut off. */
  subscriberBufferBytes: number;
  /** Steps one `rlike` match may take (semantics/linear-regex.ts). */
  rlikeBudget: number;
  webhooks: WebhookTuning;
}

export const DEFAULT_INTERVENTIONS_CONFIG: InterventionsConfig = {
  pingIntervalMs: 15_000,
  replayWindowMs: 60_000,
  replayMaxEntries: 10_000,
  subscriberBufferBytes: 1024 * 1024,
  rlikeBudget: 500_000,
  webhooks: { baseDelayMs: 1_000, maxDelayMs: 300_000, maxAttempts: 10, timeoutMs: 10_000, maxPending: 10_000, concurrency: 8 },
};

export type InterventionsOptions = Partial<Omit<InterventionsConfig, 'webhooks'>> & { webhooks?: Partial<WebhookTuning> };

export function interventionsConfig(options: InterventionsOptions = {}): InterventionsConfig {
  const { webhooks, ...rest } = options;
  return {
    ...DEFAULT_INTERVENTIONS_CONFIG,
    ...rest,
    webhooks: { ...DEFAULT_INTERVENTIONS_CONFIG.webhooks, ...webhooks },
  };
}
