/**
 * Turns zod failures into the FastAPI-style 422 bodies Signals clients expect:
 * `{"detail":[{"loc":["body","attributes",0,"property"],"msg":"...","type":"..."}]}`.
 */
import type { z } from 'zod';
import { SignalboxError, type ValidationDetail } from './errors.js';

function issueType(issue: z.core.$ZodIssue, missing: boolean): string {
  if (missing) return 'missing';
  switch (issue.code) {
    case 'invalid_type': return `${issue.expected}_type`;
    case 'too_small': return issue.origin === 'string' ? 'string_too_short' : issue.origin === 'array' ? 'too_short' : 'greater_than_equal';
    case 'too_big': return issue.origin === 'string' ? 'string_too_long' : issue.origin === 'array' ? 'too_long' : 'less_than_equal';
    case 'invalid_format': return issue.format === 'regex' ? 'string_pattern_mismatch' : `${issue.format}_parsing`;
    case 'invalid_value': return 'enum';
    case 'invalid_union': return 'union_tag_invalid';
    case 'unrecognized_keys': return 'extra_forbidden';
    default: return 'value_error';
  }
}

export function validationDetails(error: z.ZodError, root: string): ValidationDetail[] {
  return error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
    // An unknown field is reported at its own path, as pydantic does (`extra_forbidden`).
    const field = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? issue.keys : [];
    return {
      loc: [root, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), ...field],
      msg: missing ? 'Field required' : issue.message,
      type: issueType(issue, missing),
    };
  });
}

/** The 422 for a failed parse of the request part `root` (`body`, `query`, `path`). */
export function invalidRequest(error: z.ZodError, root: string): SignalboxError {
  const details = validationDetails(error, root);
  const summary = details.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ');
  return new SignalboxError('SIGNALBOX_ERR_REQUEST_INVALID', summary, { details });
}

/** The 422 of a route that reads its body itself (events) when none came. */
export function missingBody(): SignalboxError {
  return new SignalboxError('SIGNALBOX_ERR_REQUEST_INVALID', 'body: Field required', {
    details: [{ loc: ['body'], msg: 'Field required', type: 'missing' }],
  });
}

/**
 * Parse `value` or throw a 422 SignalboxError whose details name each problem. A body that is
 * absent — an empty body with a JSON content type included (http/json-body.ts) — is `undefined`
 * and answers `{"loc": ["body"], "msg": "Field required", "type": "missing"}` when one is required.
 */
export function parseOr422<T extends z.ZodType>(schema: T, value: unknown, root = 'body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequest(result.error, root);
}
