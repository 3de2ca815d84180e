/**
 * `/openapi.json` (issue 7, item 10) describes the API that is really served: it is a valid
 * OpenAPI 3.1 document whose every `$ref` resolves and whose schemas are valid JSON Schema; every
 * route Fastify registered is in it with its method; every example passes the zod schema the
 * route validates with (and the JSON Schema generated from it); and sending each operation's
 * examples to the real server gets an answer the document lists, with a body its schema accepts.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { type DescribedOperation, DetailError, ServingError } from '@signalbox/server/internal';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TEST_API_KEY, type TestServer, startTestServer } from '../support/server.js';

type Json = Record<string, any>;

/** Registered by the docs UI plugin to serve the page's files and copies of this document. */
const INTERNAL_ROUTES = ['/docs/static/*', '/docs/static/index.html', '/docs/static/swagger-initializer.js', '/docs/json', '/docs/yaml', '/docs/*'];

let server: TestServer;
let doc: Json;
let operations: DescribedOperation[];
const NOW = Date.parse('2026-05-04T10:15:00Z');

beforeAll(async () => {
  server = await startTestServer({}, { clock: () => NOW });
  const res = await server.app.inject({ url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = JSON.parse(res.body) as Json;
  operations = server.app.apiDescription.operations;
});
afterAll(() => server.destroy());

const operationOf = (op: DescribedOperation): Json => doc['paths'][op.path][op.method.toLowerCase()];
const label = (op: DescribedOperation) => `${op.method} ${op.path}`;
const problems = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** Every schema object of the document, where it is. */
function schemasOf(document: Json): Array<[string, Json]> {
  const found: Array<[string, Json]> = Object.entries(document['components']['schemas'] as Json).map(([n, s]) => [`#/components/schemas/${n}`, s]);
  for (const [path, methods] of Object.entries(document['paths'] as Json)) {
    for (const [method, operation] of Object.entries(methods as Json)) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const p of operation.parameters ?? []) found.push([`${at} parameter ${p.name}`, p.schema]);
      for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Json)) if (media.schema) found.push([`${at} body ${type}`, media.schema]);
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        for (const [type, media] of Object.entries((response.content ?? {}) as Json)) if (media.schema) found.push([`${at} ${status} ${type}`, media.schema]);
      }
    }
  }
  return found;
}

describe('the document', () => {
  it('is valid OpenAPI 3.1 and every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  it('holds valid JSON Schema (draft 2020-12) wherever it holds a schema', () => {
    const ajv = new Ajv2020({ strict: false });
    const invalid = schemasOf(doc).filter(([, schema]) => !ajv.validateSchema(schema)).map(([at]) => at);
    expect(invalid).toEqual([]);
  });

  it('names the API and documents the recursive intervention criteria once, in components', () => {
    expect(doc['info'].title).toBe('Signalbox API');
    const criteria = doc['components']['schemas']['InterventionCriteria'];
    expect(JSON.stringify(criteria)).toContain('"$ref":"#/components/schemas/InterventionCriteria"');
    const body = operationOf(operations.find((o) => o.method === 'POST' && o.path === '/api/v1/registry/interventions/')!).requestBody;
    expect(body.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RuleIntervention' });
  });

  it('documents every route Fastify registered, with its method', () => {
    const registered = server.app.apiDescription.registered;
    // The watch sees routes of every scope: the root, the collector's and the events' own, the docs plugin.
    for (const [method, url] of [['POST', '/com.snowplowanalytics.snowplow/tp2'], ['POST', '/api/v1/events'], ['GET', '/docs/json'], ['GET', '/health-all']]) {
      expect(registered).toContainEqual({ method, url });
    }
    const bare = (url: string) => (url.length > 1 ? url.replace(/\/$/, '') : url);
    const documented = new Set(Object.entries(doc['paths'] as Json).flatMap(([path, methods]) => Object.keys(methods as Json).map((m) => `${m.toUpperCase()} ${bare(path)}`)));
    const missing = registered
      .filter((r) => !INTERNAL_ROUTES.includes(r.url))
      // Fastify answers HEAD for every GET route by itself; the GET is what is documented.
      .map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${bare(r.url.replace(/:([A-Za-z_]+)/g, '{$1}'))}`)
      .filter((key) => !documented.has(key));
    expect([...new Set(missing)]).toEqual([]);
    expect(documented.size).toBeGreaterThanOrEqual(60);
  });

  it('documents a request body for POST /api/v1/events (TSV and JSON) and the collector', () => {
    const events = doc['paths']['/api/v1/events'].post.requestBody.content;
    expect(Object.keys(events)).toEqual(['text/tab-separated-values', 'application/json']);
    expect(events['text/tab-separated-values'].example.split('\n')[0].split('\t')).toHaveLength(131);
    expect(doc['paths']['/com.snowplowanalytics.snowplow/tp2'].post.requestBody.content['application/json'].example.data[0].e).toBe('pv');
    expect(doc['paths']['/api/v1/interventions'].get.responses['200'].content['text/event-stream'].example).toContain('data: {"intervention_id"');
  });

  it('documents the answers each operation can give: a success with an example, 401 without a key, validation errors', () => {
    for (const op of operations) {
      const { responses } = operationOf(op);
      const success = responses[String(op.spec.response.status ?? 200)];
      expect(success, label(op)).toBeDefined();
      const json = success.content?.['application/json'];
      if (json?.schema) expect(json.example, `${label(op)} example`).toBeDefined();
      if (!op.spec.public) {
        expect(Object.keys(responses['401'].content['application/json'].examples), label(op)).toEqual([
          'SIGNALBOX_ERR_AUTH_MISSING_KEY', 'SIGNALBOX_ERR_AUTH_MALFORMED_HEADER', 'SIGNALBOX_ERR_AUTH_WRONG_KEY',
        ]);
      }
      if (op.spec.body || op.spec.params || op.spec.query) {
        const status = op.spec.errorStyle === 'serving' ? '400' : '422';
        expect(responses[status]?.content['application/json'].examples['SIGNALBOX_ERR_REQUEST_INVALID'], label(op)).toBeDefined();
      }
    }
    const groupVersion = operationOf(operations.find((o) => o.method === 'GET' && o.path === '/api/v1/registry/attribute_groups/{name}/versions/{version}')!);
    expect(groupVersion.responses['404'].content['application/json'].examples['SIGNALBOX_ERR_REGISTRY_NOT_FOUND'].value).toEqual({
      detail: 'attribute group "shopper" version 1 not found', code: 'SIGNALBOX_ERR_REGISTRY_NOT_FOUND',
    });
    const created = operationOf(operations.find((o) => o.method === 'POST' && o.path === '/api/v1/registry/attribute_groups/')!);
    expect(created.responses['422'].content['application/json'].examples['SIGNALBOX_ERR_REQUEST_INVALID'].value.detail).toContainEqual({
      loc: ['body', 'name'], msg: 'Field required', type: 'missing',
    });
  });
});

describe('examples', () => {
  it('pass the zod schemas the routes validate with', () => {
    const failures: string[] = [];
    const check = (where: string, schema: z.ZodType | undefined, value: unknown) => {
      if (schema && value !== undefined) failures.push(...problems(schema, value).map((p) => `${where}: ${p}`));
    };
    for (const op of operations) {
      const { spec } = op;
      check(`${label(op)} body`, spec.body, spec.examples?.body);
      for (const b of spec.reads?.bodies ?? []) check(`${label(op)} ${b.contentType} body`, b.schema, b.example);
      const query = spec.examples?.query && Object.fromEntries(Object.entries(spec.examples.query).map(([k, v]) => [k, String(v)]));
      check(`${label(op)} query`, spec.query ?? spec.reads?.query, query);
      const params = spec.examples?.params && Object.fromEntries(Object.entries(spec.examples.params).map(([k, v]) => [k, String(v)]));
      check(`${label(op)} path`, spec.params, params);
      check(`${label(op)} response`, spec.response.contentType?.startsWith('application/json') === false ? undefined : spec.response.schema, spec.response.example);
      for (const [status, response] of Object.entries(operationOf(op).responses as Json)) {
        if (Number(status) < 400) continue;
        for (const [code, example] of Object.entries(response.content['application/json'].examples as Json)) {
          check(`${label(op)} ${status} ${code}`, spec.errorStyle === 'serving' ? ServingError : DetailError, example.value);
        }
      }
      if (spec.body) expect(spec.examples?.body, `${label(op)} has a body example`).toBeDefined();
    }
    expect(failures).toEqual([]);
  });

  it('pass the JSON Schemas of the document too', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ ...doc, $id: 'https://signalbox.invalid/openapi.json' });
    const failures: string[] = [];
    const check = (pointer: string, media: Json) => {
      if (!media.schema) return;
      const validate = ajv.getSchema(`https://signalbox.invalid/openapi.json#${pointer}/schema`)!;
      for (const example of media.example !== undefined ? [media.example] : Object.values((media.examples ?? {}) as Json).map((e) => e.value)) {
        if (!validate(example)) failures.push(`${pointer}: ${ajv.errorsText(validate.errors)}`);
      }
    };
    const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    for (const [path, methods] of Object.entries(doc['paths'] as Json)) {
      for (const [method, operation] of Object.entries(methods as Json)) {
        const at = `/paths/${escape(path)}/${method}`;
        (operation.parameters ?? []).forEach((p: Json, i: number) => check(`${at}/parameters/${i}`, p));
        for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Json)) check(`${at}/requestBody/content/${escape(type)}`, media);
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          for (const [type, media] of Object.entries((response.content ?? {}) as Json)) {
            if (type.startsWith('application/json')) check(`${at}/responses/${status}/content/${escape(type)}`, media);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('sent to the real server', () => {
  /** The stream never ends by itself; its answer is checked over a socket in interventions/stream.test.ts. */
  const NOT_SENT = ['GET /api/v1/interventions'];
  /** Creations first, then reads, updates and everything else; deletions last, registry ones in reverse. */
  const phase = (op: DescribedOperation) => {
    if (op.method === 'POST' && (op.path.startsWith('/api/v1/registry/') || op.path === '/api/v1/webhooks')) return 0;
    if (op.path === '/micro/reset') return 2;
    if (op.method !== 'DELETE') return 1;
    return op.path.startsWith('/api/v1/registry/') ? 3 : 2;
  };

  function request(op: DescribedOperation) {
    const { spec } = op;
    let url = op.path.replace(/\{([A-Za-z_]+)\}/g, (_m, name: string) => encodeURIComponent(String(spec.examples?.params?.[name])));
    const query = Object.entries(spec.examples?.query ?? {}).map(([k, v]) => [k, String(v)]);
    if (query.length > 0) url += `?${new URLSearchParams(query).toString()}`;
    const headers: Record<string, string> = spec.public ? {} : { authorization: `Bearer ${TEST_API_KEY}` };
    const bodies = spec.body ? [{ contentType: 'application/json', example: spec.examples?.body }] : (spec.reads?.bodies ?? []);
    const body = bodies.find((b) => b.contentType === 'application/json') ?? bodies[0];
    if (body) headers['content-type'] = body.contentType;
    const payload = body === undefined ? undefined : typeof body.example === 'string' ? body.example : JSON.stringify(body.example);
    return { method: op.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) };
  }

  it('every operation answers as documented, and its examples succeed', async () => {
    const sent = operations
      .filter((op) => !NOT_SENT.includes(label(op)))
      .map((op, order) => ({ op, order }))
      .sort((a, b) => phase(a.op) - phase(b.op) || (phase(a.op) === 3 ? b.order - a.order : a.order - b.order));
    const undocumented: string[] = [];
    const refused: string[] = [];
    for (const { op } of sent) {
      const res = await server.app.inject(request(op));
      const what = `${label(op)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      const documented = operationOf(op).responses as Json;
      const answer = documented[String(res.statusCode)];
      if (!answer) {
        undocumented.push(what);
        continue;
      }
      if (res.statusCode >= 400) {
        refused.push(`${label(op)} → ${res.statusCode} ${JSON.parse(res.body).code}`);
        const shape = op.spec.errorStyle === 'serving' ? ServingError : DetailError;
        const body = JSON.parse(res.body) as Json;
        expect(problems(shape, body), what).toEqual([]);
        expect(answer.content['application/json'].schema.allOf[1].properties.code.enum, what).toContain(body['code']);
        continue;
      }
      const [type] = Object.keys(answer.content ?? {});
      if (type === undefined) continue;
      expect(String(res.headers['content-type']).split(';')[0], what).toBe(type.split(';')[0]);
      const schema = op.spec.response.schema;
      if (schema) expect(problems(schema, type === 'application/json' ? JSON.parse(res.body) : res.body), what).toEqual([]);
    }
    expect(undocumented).toEqual([]);
    // The one thing the README's example cannot do: delete a group version it published and put in a service.
    expect(refused).toEqual(['DELETE /api/v1/registry/attribute_groups/{name}/versions/{version} → 400 SIGNALBOX_ERR_REGISTRY_IN_USE']);
  });
});
