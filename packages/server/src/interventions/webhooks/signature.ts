/**
 * Webhook signatures: `X-Signalbox-Signature: sha256=<hex HMAC-SHA256 of the raw body>` keyed
 * with the webhook's secret. The body carries its own `timestamp` (also sent as
 * `X-Signalbox-Timestamp`), so the signature covers it and a receiver can refuse stale replays.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signalbox-signature';
export const TIMESTAMP_HEADER = 'x-signalbox-timestamp';

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a received signature header against the raw body. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(secret, body));
  const received = Buffer.from(header);
  return expected.length === received.length && timingSafeEqual(expected, received);
}
