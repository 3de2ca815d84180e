/**
 * The OpenAPI 3.1 document (design §2: `/openapi.json`, `/docs`), built from the specs the routes
 * register with (http/route.ts): the zod schemas that validate a request describe it, and each
 * route declares its answer (schema and a real example) and the errors it gives beyond the ones
 * every route of its kind can give (auth, validation, body parsing). Error bodies take the
 * route's shape — `{"detail", "code"}` or `{"error", "code"}` — with the codes of docs/errors.md.
 *
 * zod puts the schemas it extracts (named components, the recursive intervention criteria) under
 * `$defs`; they are hoisted into `components/schemas` with their `$ref`s rewritten, so every
 * reference resolves.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, SignalboxError } from '../errors.js';
import { invalidRequest, missingBody } from '../validation.js';
import { AUTH_MESSAGES } from './api-key.js';
import { type ErrorStyle, type OpenApiCollector, type OperationSpec, errorReply } from './route.js';

type Json = Record<string, unknown>;

/** Schemas with a name in the document: `components/schemas/<id>`, referenced wherever they appear. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

/** Give `schema` a name (and a description) in the document. */
export function named<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  if (!apiSchemas.has(schema)) apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const ValidationDetail = named(
  z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() }),
  'ValidationDetail',
  'One validation problem, FastAPI-style: where (`body`, `query` or `path`, then the field path), what, and its kind.',
);
export const DetailError = named(
  z.object({ detail: z.union([z.string(), z.array(ValidationDetail)]), code: z.enum(ERROR_CODE_LIST) }),
  'DetailError',
  'Registry and engines errors (the shape the Signals SDKs parse): a message, or for a 422 the list of problems; `code` is listed in docs/errors.md.',
);
export const ServingError = named(
  z.object({ error: z.string(), code: z.enum(ERROR_CODE_LIST) }),
  'ServingError',
  'Serving, events, interventions and collector errors: a message; `code` is listed in docs/errors.md.',
);
const ERROR_SCHEMA: Record<ErrorStyle, string> = { registry: 'DetailError', serving: 'ServingError' };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** zod → JSON Schema as a request is read (zod's input side), keeping `.describe()` texts. */
function toJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    metadata: apiSchemas,
    override: ({ zodSchema, jsonSchema }) => {
      const description = z.globalRegistry.get(zodSchema)?.description;
      if (description !== undefined && jsonSchema.description === undefined) jsonSchema.description = description;
    },
  }) as Json;
}

/** The `components/schemas` of the document, filled as schemas are converted. */
class SchemaComponents {
  readonly schemas: Record<string, Json> = {};
  private readonly texts = new Map<string, string>();

  /** JSON Schema of `schema` with its extracted parts hoisted; `hint` names the unnamed ones. */
  convert(schema: z.ZodType, hint: string): Json {
    const { $schema: _dialect, $defs, ...root } = toJsonSchema(schema) as Json & { $defs?: Record<string, Json> };
    const defs = $defs ?? {};
    const names = new Map(Object.keys(defs).map((key) => [key, key.startsWith('__') ? `${hint}${key.replace(/^__schema/, '_')}` : key]));
    let rootReferenced = false;
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (node === null || typeof node !== 'object') return node;
      const out: Json = {};
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          if (value === '#') {
            rootReferenced = true;
            out[key] = ref(hint).$ref;
          } else {
            const name = names.get(value.replace(/^#\/\$defs\//, ''));
            if (name === undefined) throw new Error(`the API description of ${hint} has a reference it cannot place: ${value}`);
            out[key] = ref(name).$ref;
          }
        } else {
          out[key] = rewrite(value);
        }
      }
      return out;
    };
    for (const [key, def] of Object.entries(defs)) this.hoist(names.get(key)!, rewrite(def) as Json);
    const rewritten = rewrite(root) as Json;
    if (!rootReferenced) return rewritten;
    this.hoist(hint, rewritten);
    return ref(hint);
  }

  private hoist(name: string, schema: Json): void {
    const text = JSON.stringify(schema);
    const known = this.texts.get(name);
    if (known !== undefined && known !== text) throw new Error(`two different schemas are named "${name}" in the API description`);
    this.texts.set(name, text);
    this.schemas[name] = schema;
  }
}

const BODY_ERRORS: Partial<Record<ErrorCode, string>> = {
  SIGNALBOX_ERR_REQUEST_BAD: "Body is not valid JSON but content-type is set to 'application/json'",
  SIGNALBOX_ERR_REQUEST_TOO_LARGE: 'request body is larger than the configured limit',
  SIGNALBOX_ERR_REQUEST_UNSUPPORTED_MEDIA: 'Unsupported Media Type',
};
const AUTH_ERRORS: Partial<Record<ErrorCode, string>> = {
  SIGNALBOX_ERR_AUTH_MISSING_KEY: AUTH_MESSAGES.missing,
  SIGNALBOX_ERR_AUTH_MALFORMED_HEADER: AUTH_MESSAGES.malformed('the key was sent without "Bearer " in front of it'),
  SIGNALBOX_ERR_AUTH_WRONG_KEY: AUTH_MESSAGES.wrong,
};

/**
 * A validation error this route really answers: its schemas are tried on inputs that fail
 * (an empty body, a body that is not an object, empty path parameters, a nonsense query value).
 */
function validationExample(spec: OperationSpec): SignalboxError | undefined {
  const pathNames = [...spec.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  const queryNames = Object.keys(spec.examples?.query ?? {});
  const probes: Array<[z.ZodType | undefined, unknown, string]> = [
    [spec.body, {}, 'body'],
    [spec.body, [], 'body'],
    [spec.params, Object.fromEntries(pathNames.map((n) => [n, ''])), 'path'],
    [spec.query, Object.fromEntries(queryNames.map((n) => [n, 'not-a-valid-value'])), 'query'],
  ];
  for (const [schema, input, root] of probes) {
    const result = schema?.safeParse(input);
    if (result && !result.success) return invalidRequest(result.error, root);
  }
  return undefined;
}

/** The errors a route documents: auth, body parsing, its own, and a validation error it really answers. */
function errorExamples(spec: OperationSpec): SignalboxError[] {
  const messages = { ...(spec.public ? {} : AUTH_ERRORS), ...(spec.body ? BODY_ERRORS : {}), ...spec.errors };
  const errors = (Object.entries(messages) as Array<[ErrorCode, string]>).map(([code, message]) => new SignalboxError(code, message));
  if (spec.body || spec.query || spec.params) errors.push(validationExample(spec) ?? missingBody());
  return errors;
}

/** The documented error answers of a route, by status, with one named example per code. */
function errorResponses(spec: OperationSpec): Record<string, Json> {
  const style = spec.errorStyle ?? 'registry';
  const byStatus = new Map<number, Array<{ code: ErrorCode; body: unknown }>>();
  for (const error of errorExamples(spec)) {
    const { status, body } = errorReply(error, style);
    const list = byStatus.get(status) ?? [];
    if (!list.some((e) => e.code === error.code)) list.push({ code: error.code, body });
    byStatus.set(status, list);
  }
  const responses: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const codes = list.map((e) => e.code);
    responses[String(status)] = {
      description: codes.map((c) => `\`${c}\``).join(', '),
      content: {
        'application/json': {
          schema: { allOf: [ref(ERROR_SCHEMA[style]), { type: 'object', properties: { code: { enum: codes } } }] },
          examples: Object.fromEntries(list.map((e) => [e.code, { value: e.body }])),
        },
      },
    };
  }
  return responses;
}

/** A described operation, with the zod schemas its examples are checked against. */
export interface DescribedOperation {
  method: string;
  /** OpenAPI path: `/api/v1/registry/attribute_groups/{name}`. */
  path: string;
  spec: OperationSpec;
}

/** The API description of one app: the document, what it describes, and every route Fastify registered. */
export interface ApiDescription extends OpenApiCollector {
  readonly document: Json;
  readonly operations: DescribedOperation[];
  readonly registered: Array<{ method: string; url: string }>;
  /** Record every route of `app` and its children as they are registered (call before registering any). */
  watch(app: FastifyInstance): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API description served at /openapi.json. */
    apiDescription: ApiDescription;
  }
}

export const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

export function apiDescription(info: { title: string; version: string; description: string }, tags: Array<{ name: string; description: string }>): ApiDescription {
  const components = new SchemaComponents();
  for (const [name, schema] of [['DetailError', DetailError], ['ServingError', ServingError]] as const) components.convert(schema, name);
  const paths: Record<string, Record<string, unknown>> = {};
  const document: Json = {
    openapi: '3.1.0',
    info: { ...info, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    tags,
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The API key: `Authorization: Bearer <key>`' } },
    },
  };
  const operations: DescribedOperation[] = [];
  const registered: Array<{ method: string; url: string }> = [];

  const operationName = (spec: OperationSpec) =>
    `${spec.method.toLowerCase()}${openApiPath(spec.url).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;

  function parameters(spec: OperationSpec, hint: string): Json[] {
    const out: Json[] = [];
    const pathSchema = spec.params ? components.convert(spec.params, `${hint}Path`) : undefined;
    for (const [, name] of spec.url.matchAll(/:([A-Za-z_]+)/g)) {
      const example = spec.examples?.params?.[name!];
      const schema = (pathSchema?.['properties'] as Record<string, Json> | undefined)?.[name!] ?? { type: 'string' };
      out.push({ name, in: 'path', required: true, schema, ...(example !== undefined ? { example } : {}) });
    }
    const query = spec.query ?? spec.reads?.query;
    if (!query) return out;
    const q = components.convert(query, `${hint}Query`);
    const properties = q['properties'] as Record<string, Json> | undefined;
    if (properties) {
      const required = (q['required'] as string[] | undefined) ?? [];
      for (const [name, schema] of Object.entries(properties)) {
        const example = spec.examples?.query?.[name];
        out.push({ name, in: 'query', required: required.includes(name), schema, ...(example !== undefined ? { example } : {}) });
      }
    } else {
      // A free-form query (`?<attribute key>=<identifier>…`): one exploded object parameter.
      out.push({ name: 'query', in: 'query', style: 'form', explode: true, schema: q, ...(spec.examples?.query ? { example: spec.examples.query } : {}) });
    }
    return out;
  }

  function requestBody(spec: OperationSpec, hint: string): Json | undefined {
    const bodies = spec.body
      ? [{ contentType: 'application/json', schema: spec.body, example: spec.examples?.body }]
      : (spec.reads?.bodies ?? []);
    if (bodies.length === 0) return undefined;
    const content: Json = {};
    for (const body of bodies) {
      if (body.example === undefined) throw new Error(`${spec.method} ${spec.url}: a ${body.contentType} body needs an example`);
      content[body.contentType] = { schema: components.convert(body.schema, `${hint}Body`), example: body.example };
    }
    return { required: spec.body ? !spec.body.safeParse(undefined).success : true, content };
  }

  function success(spec: OperationSpec, hint: string): Json {
    const r = spec.response;
    const contentType = r.contentType ?? (r.schema ? 'application/json' : undefined);
    if (contentType === 'application/json' && r.example === undefined) throw new Error(`${spec.method} ${spec.url}: the response needs an example`);
    const media: Json = {};
    if (r.schema) media['schema'] = components.convert(r.schema, `${hint}Response`);
    if (r.example !== undefined) media['example'] = r.example;
    return {
      description: r.description,
      ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
      ...(contentType ? { content: { [contentType]: media } } : {}),
    };
  }

  return {
    document,
    operations,
    registered,
    watch(app) {
      app.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) registered.push({ method, url: route.url });
      });
    },
    describe(spec) {
      const path = openApiPath(spec.url);
      const hint = operationName(spec).replace(/^./, (c) => c.toUpperCase());
      const operation: Json = { summary: spec.summary, ...(spec.description ? { description: spec.description } : {}), tags: [spec.tag] };
      if (!spec.public) operation['security'] = [{ bearer: [] }];
      else if (spec.keyOptional) operation['security'] = [{}, { bearer: [] }];
      const params = parameters(spec, hint);
      if (params.length > 0) operation['parameters'] = params;
      const body = requestBody(spec, hint);
      if (body) operation['requestBody'] = body;
      operation['responses'] = { [String(spec.response.status ?? 200)]: success(spec, hint), ...errorResponses(spec) };
      const methods = (paths[path] ??= {});
      if (methods[spec.method.toLowerCase()]) throw new Error(`${spec.method} ${path} is described twice`);
      methods[spec.method.toLowerCase()] = operation;
      operations.push({ method: spec.method, path, spec });
    },
  };
}
