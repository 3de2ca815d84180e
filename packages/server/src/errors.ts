/**
 * The server's side of the error taxonomy (core's errors.ts holds the codes and SignalboxError):
 * turning whatever was thrown — a Fastify error, a bug — into a SignalboxError at the HTTP boundary.
 */
import { SignalboxError } from '@signalbox/core';

export { ERROR_CODES, type ErrorCode, SignalboxError, type ValidationDetail } from '@signalbox/core';

/** Normalise anything thrown into a SignalboxError, keeping the original as `cause`. */
export function toSignalboxError(error: unknown): SignalboxError {
  if (error instanceof SignalboxError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new SignalboxError('SIGNALBOX_ERR_REQUEST_TOO_LARGE', 'request body is larger than the configured limit', { cause: error });
  }
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new SignalboxError('SIGNALBOX_ERR_REQUEST_UNSUPPORTED_MEDIA', e.message ?? 'unsupported content type', { cause: error });
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', e.message ?? 'bad request', { cause: error });
  }
  return new SignalboxError('SIGNALBOX_ERR_INTERNAL', 'internal error', { cause: error });
}
