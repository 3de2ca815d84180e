/**
 * One error taxonomy (design §4 "Core is pure", conventions: "stable codes"). Every error the API
 * reports is a SignalboxError with a code `SIGNALBOX_ERR_<AREA>_<WHAT>` and an HTTP status. It
 * lives in core so the server, the SDK and the console share one list of codes; the server's HTTP
 * boundary is the only place that shapes error responses. docs/errors.md lists every code.
 */
export const ERROR_CODES = {
  SIGNALBOX_ERR_AUTH_MISSING_KEY: 401,
  SIGNALBOX_ERR_AUTH_WRONG_KEY: 401,
  SIGNALBOX_ERR_AUTH_MALFORMED_HEADER: 401,
  SIGNALBOX_ERR_REQUEST_INVALID: 422,
  SIGNALBOX_ERR_REQUEST_BAD: 400,
  SIGNALBOX_ERR_REQUEST_TOO_LARGE: 413,
  SIGNALBOX_ERR_REQUEST_UNSUPPORTED_MEDIA: 415,
  SIGNALBOX_ERR_REGISTRY_EXISTS: 400,
  SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 404,
  SIGNALBOX_ERR_REGISTRY_IMMUTABLE: 400,
  SIGNALBOX_ERR_REGISTRY_IN_USE: 400,
  SIGNALBOX_ERR_REGISTRY_UNRESOLVED: 400,
  SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH: 400,
  SIGNALBOX_ERR_SERVING_UNKNOWN_SERVICE: 404,
  SIGNALBOX_ERR_SERVING_UNKNOWN_ATTRIBUTE: 404,
  SIGNALBOX_ERR_SERVING_NAME_CLASH: 400,
  SIGNALBOX_ERR_SERVING_BAD_REQUEST: 400,
  SIGNALBOX_ERR_SERVING_UNPUBLISHED: 400,
  SIGNALBOX_ERR_EVENTS_NONE_VALID: 400,
  SIGNALBOX_ERR_COLLECTOR_BAD_PAYLOAD: 400,
  SIGNALBOX_ERR_INTERVENTIONS_NO_TARGETS: 400,
  SIGNALBOX_ERR_INTERVENTIONS_PUBLIC_NOT_UUID: 401,
  SIGNALBOX_ERR_WEBHOOKS_NOT_FOUND: 404,
  SIGNALBOX_ERR_WEBHOOKS_EXISTS: 400,
  SIGNALBOX_ERR_ROUTE_NOT_FOUND: 404,
  SIGNALBOX_ERR_INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** FastAPI-style validation detail, the shape Signals clients parse from a 422. */
export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class SignalboxError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ValidationDetail[] | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ValidationDetail[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SignalboxError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = options.details;
  }
}
