/**
 * One delivery attempt: the payload as a signed JSON POST to the webhook's URL, with a time
 * limit. A 2xx answer is success; any other status, a network error or no answer in time is a
 * failure the dispatcher retries. The body carries its own `timestamp` and `attempt`, so the
 * signature covers them.
 */
import type { WebhookPayload } from './payload.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signature.js';
import type { Webhook } from './webhook-store.js';

export type AttemptResult =
  | { ok: true }
  | { ok: false; status?: number; error: string }
  /** Cut off by `signal` (the server is closing): neither a success nor a failure. */
  | { ok: false; cancelled: true };

export interface AttemptOptions {
  attempt: number;
  /** Epoch seconds, sent in the body and `X-Signalbox-Timestamp`. */
  timestamp: number;
  timeoutMs: number;
  /** Aborts the request when the server closes. */
  signal: AbortSignal;
}

export async function sendAttempt(webhook: Webhook, payload: WebhookPayload, options: AttemptOptions): Promise<AttemptResult> {
  const body = JSON.stringify({ ...payload, timestamp: options.timestamp, attempt: options.attempt });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Signalbox-Webhooks/0.1',
        [SIGNATURE_HEADER]: sign(webhook.secret, body),
        [TIMESTAMP_HEADER]: String(options.timestamp),
        'x-signalbox-webhook': webhook.name,
        'x-signalbox-delivery': payload.intervention_id,
        'x-signalbox-attempt': String(options.attempt),
      },
      body,
      signal: AbortSignal.any([options.signal, timeout]),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    if (options.signal.aborted) return { ok: false, cancelled: true };
    if (timeout.aborted) return { ok: false, error: `no answer within ${options.timeoutMs} ms` };
    return { ok: false, error: describe(error) };
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? 'request failed'} (${cause})` : (e?.message ?? String(error));
}
