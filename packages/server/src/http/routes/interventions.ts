/**
 * Interventions over HTTP (reference §3.3, §3.5; design §3):
 * - `GET /api/v1/interventions?<key>=<id>&…` — the SSE stream. Public for UUID identifiers
 *   (possessing an unguessable id is the capability); any other identifier needs the Bearer key.
 * - `POST /api/v1/interventions?<key>=<id>&…` — direct push → `{status: success|undelivered|failure}`.
 * - `/api/v1/webhooks…` — server-side webhook sinks and their dead-letter list.
 */
import { InterventionInstance } from '@signalbox/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SignalboxError } from '../../errors.js';
import type { Interventions, Target } from '../../interventions/index.js';
import { WebhookInput, publicWebhook } from '../../interventions/webhooks/webhook-store.js';
import { AUTH_MESSAGES } from '../api-key.js';
import { INTERVENTION_ID, INTERVENTION_INSTANCE, INTERVENTION_PUSH, INTERVENTION_STREAM, PUBLISHED_AT, USER, WEBHOOK, WEBHOOK_CREATED, WEBHOOK_LISTED } from '../examples.js';
import { DeadLettersCleared, DeadLettersResponse, Ok, PushResponse, WebhookCreated, WebhookReplaced, WebhookResponse } from '../responses.js';
import { type OpenApiCollector, NameParam, defineRoute } from '../route.js';

const KEY_NAME = /^[A-Za-z0-9_]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TARGETS = 100;

/** `{<key>: id | [ids]}` from the query string → targets; every parameter names an attribute key. */
export function targetsFromQuery(query: unknown): Target[] {
  const targets: Target[] = [];
  for (const [name, raw] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!KEY_NAME.test(name)) {
      throw new SignalboxError('SIGNALBOX_ERR_SERVING_BAD_REQUEST', `"${name}" is not an attribute key name (letters, digits and underscores, 1–128)`);
    }
    for (const id of Array.isArray(raw) ? raw : [raw]) {
      if (typeof id !== 'string' || id.length < 1 || id.length > 128) {
        throw new SignalboxError('SIGNALBOX_ERR_SERVING_BAD_REQUEST', `identifiers must be 1–128 characters (attribute key "${name}")`);
      }
      targets.push({ name, id });
    }
  }
  if (targets.length > MAX_TARGETS) {
    throw new SignalboxError('SIGNALBOX_ERR_SERVING_BAD_REQUEST', `at most ${MAX_TARGETS} identifiers per request`);
  }
  return targets;
}

/** A Bearer key, when sent, must be right; without one only UUID identifiers may be subscribed to. */
function checkStreamAccess(request: FastifyRequest, checkKey: (header: string) => void, targets: Target[]): void {
  const header = request.headers.authorization;
  if (header !== undefined) {
    checkKey(header);
    return;
  }
  const unsafe = targets.filter((t) => !UUID.test(t.id));
  if (unsafe.length > 0) {
    throw new SignalboxError(
      'SIGNALBOX_ERR_INTERVENTIONS_PUBLIC_NOT_UUID',
      `without an API key, interventions can only be subscribed to for UUID identifiers; ${unsafe
        .slice(0, 3)
        .map((t) => `${t.name}=${JSON.stringify(t.id)}`)
        .join(', ')} ${unsafe.length === 1 ? 'is' : 'are'} not: send "Authorization: Bearer <key>"`,
    );
  }
}

const StreamQuery = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .describe('Targets: each parameter names an attribute key and one identifier (`?domain_userid=<uuid>`); repeat a parameter for several identifiers, at most 100 in all');

const targetErrors = {
  SIGNALBOX_ERR_INTERVENTIONS_NO_TARGETS: 'name at least one target: ?<attribute key>=<identifier>, e.g. ?domain_userid=<uuid>',
  SIGNALBOX_ERR_SERVING_BAD_REQUEST: '"domain-userid" is not an attribute key name (letters, digits and underscores, 1–128)',
} as const;
const webhookNotFound = { SIGNALBOX_ERR_WEBHOOKS_NOT_FOUND: 'webhook "crm" not found' };
const DEAD_LETTER = {
  intervention_id: INTERVENTION_ID,
  webhook: 'crm',
  url: WEBHOOK.url,
  attempts: 10,
  last_status: 503,
  last_error: 'HTTP 503',
  failed_at: PUBLISHED_AT,
  payload: { type: 'intervention', webhook: 'crm', intervention_id: INTERVENTION_ID, name: 'big_cart', version: 1, fired_at: PUBLISHED_AT, instances: [INTERVENTION_INSTANCE] },
};

export interface InterventionRouteOptions {
  openapi: OpenApiCollector;
  interventions: Pick<Interventions, 'hub' | 'push' | 'webhooks' | 'dispatcher'>;
  /** Throws the auth error for an Authorization header that does not carry a valid key. */
  checkKey: (header: string) => void;
  clock: () => number;
}

export const interventionRoutes: FastifyPluginAsync<InterventionRouteOptions> = async (app, { openapi, interventions, checkKey, clock }) => {
  const { hub } = interventions;
  // Streams never finish by themselves: end them so the server can close.
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });

  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/interventions', tag: 'interventions', errorStyle: 'serving', public: true, keyOptional: true,
    summary: 'Subscribe to interventions for attribute key identifiers (server-sent events); public for UUID identifiers',
    description:
      'A `text/event-stream` that stays open: each fired intervention for one of the targets is an event whose `id` is its ' +
      '`intervention_id` and whose `data` is the intervention instance. Send `Last-Event-ID` to resume. Without an API key only ' +
      'UUID identifiers may be subscribed to.',
    query: StreamQuery,
    examples: { query: { domain_userid: USER } },
    response: { description: 'The event stream (never ends by itself)', contentType: 'text/event-stream', example: INTERVENTION_STREAM },
    errors: {
      ...targetErrors,
      SIGNALBOX_ERR_INTERVENTIONS_PUBLIC_NOT_UUID:
        'without an API key, interventions can only be subscribed to for UUID identifiers; user_id="alice" is not: send "Authorization: Bearer <key>"',
      SIGNALBOX_ERR_AUTH_MALFORMED_HEADER: AUTH_MESSAGES.malformed('the key was sent without "Bearer " in front of it'),
      SIGNALBOX_ERR_AUTH_WRONG_KEY: AUTH_MESSAGES.wrong,
    },
    handler: ({ request, reply }) => {
      const targets = targetsFromQuery(request.query);
      if (targets.length === 0) {
        throw new SignalboxError('SIGNALBOX_ERR_INTERVENTIONS_NO_TARGETS', 'name at least one target: ?<attribute key>=<identifier>, e.g. ?domain_userid=<uuid>');
      }
      checkStreamAccess(request, checkKey, targets);
      const lastEventId = request.headers['last-event-id'];
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        // Browsers subscribe from the site's own origin; the stream carries no credentials.
        'access-control-allow-origin': '*',
      });
      // An opening comment sends the headers now, so EventSource reports the stream open.
      res.write(': connected\n\n');
      const subscriber = hub.subscribe(targets, res, typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined);
      const gone = () => hub.unsubscribe(subscriber);
      res.on('close', gone);
      res.on('error', gone);
    },
  });

  // A browser's EventSource reconnecting from another origin sends Last-Event-ID, which is not
  // a CORS-safelisted header: answer the preflight that may precede it.
  defineRoute(app, openapi, {
    method: 'OPTIONS', url: '/api/v1/interventions', tag: 'interventions', errorStyle: 'serving', public: true,
    summary: 'CORS preflight of a cross-origin EventSource that resends Last-Event-ID',
    response: {
      status: 204,
      description: 'Allowed from any origin',
      headers: { 'access-control-allow-headers': '`Accept, Cache-Control, Last-Event-ID`', 'access-control-max-age': 'Seconds a browser may keep this answer' },
    },
    handler: ({ reply }) =>
      reply
        .status(204)
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'GET')
        .header('access-control-allow-headers', 'Accept, Cache-Control, Last-Event-ID')
        .header('access-control-max-age', '3600')
        .send(),
  });

  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/interventions', tag: 'interventions', errorStyle: 'serving',
    summary: 'Push an intervention to the subscribers of the given identifiers now',
    query: StreamQuery,
    body: InterventionInstance,
    examples: { query: { domain_userid: USER }, body: INTERVENTION_PUSH },
    response: { description: 'Whether a connected subscriber received it', schema: PushResponse, example: { status: 'success' } },
    errors: { ...targetErrors, SIGNALBOX_ERR_INTERVENTIONS_NO_TARGETS: 'name at least one target: ?<attribute key>=<identifier>, or "target_attribute_key" in the body' },
    handler: ({ body, request }) => {
      let targets = targetsFromQuery(request.query);
      if (targets.length === 0 && body.target_attribute_key) targets = [body.target_attribute_key];
      if (targets.length === 0) {
        throw new SignalboxError('SIGNALBOX_ERR_INTERVENTIONS_NO_TARGETS', 'name at least one target: ?<attribute key>=<identifier>, or "target_attribute_key" in the body');
      }
      const { status } = interventions.push(targets, body);
      return { status };
    },
  });

  // ---- webhooks ----------------------------------------------------------------------------

  const { webhooks, dispatcher } = interventions;
  const described = (name: string) => ({ ...publicWebhook(webhooks.get(name)), stats: dispatcher.stats(name) });

  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/webhooks', tag: 'webhooks',
    summary: 'List webhooks (without their secrets) with delivery counts',
    response: { description: 'Every webhook', schema: z.array(WebhookResponse), example: [WEBHOOK_LISTED] },
    handler: () => webhooks.list().map((w) => described(w.name)),
  });
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/webhooks', tag: 'webhooks',
    summary: 'Add a webhook; its signing secret is generated unless given, and returned only here',
    body: WebhookInput,
    examples: { body: WEBHOOK },
    response: { description: 'The webhook with its signing secret', schema: WebhookCreated, example: WEBHOOK_CREATED },
    errors: { SIGNALBOX_ERR_WEBHOOKS_EXISTS: 'webhook "crm" already exists; use PUT to replace it' },
    handler: ({ body }) => webhooks.create(body, clock()),
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/webhooks/dead-letters', tag: 'webhooks',
    summary: 'Deliveries given up after their last retry, oldest first',
    response: { description: 'The dead letters', schema: DeadLettersResponse, example: { dead_letters: [DEAD_LETTER] } },
    handler: () => ({ dead_letters: dispatcher.listDeadLetters() }),
  });
  defineRoute(app, openapi, {
    method: 'DELETE', url: '/api/v1/webhooks/dead-letters', tag: 'webhooks',
    summary: 'Clear the dead-letter list',
    response: { description: 'How many were removed', schema: DeadLettersCleared, example: { ok: true, removed: 1 } },
    handler: () => ({ ok: true, removed: dispatcher.clearDeadLetters() }),
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/webhooks/:name', tag: 'webhooks',
    summary: 'One webhook (without its secret) with delivery counts',
    params: z.object({ name: NameParam }),
    examples: { params: { name: 'crm' } },
    response: { description: 'The webhook', schema: WebhookResponse, example: WEBHOOK_LISTED },
    errors: webhookNotFound,
    handler: ({ params }) => described(params.name),
  });
  defineRoute(app, openapi, {
    method: 'PUT', url: '/api/v1/webhooks/:name', tag: 'webhooks',
    summary: 'Create or replace a webhook (the secret is kept unless a new one is given)',
    params: z.object({ name: NameParam }),
    body: WebhookInput,
    examples: { params: { name: 'crm' }, body: WEBHOOK },
    response: { description: 'The webhook (without its secret)', schema: WebhookReplaced, example: { ...WEBHOOK, created_at: PUBLISHED_AT } },
    errors: { SIGNALBOX_ERR_REQUEST_BAD: 'the body names webhook "crm_2" but the path names "crm"' },
    handler: ({ params, body }) => {
      if (body.name !== params.name) {
        throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body names webhook "${body.name}" but the path names "${params.name}"`);
      }
      return publicWebhook(webhooks.put(body, clock()));
    },
  });
  defineRoute(app, openapi, {
    method: 'DELETE', url: '/api/v1/webhooks/:name', tag: 'webhooks',
    summary: 'Remove a webhook; deliveries still waiting for it are dropped',
    params: z.object({ name: NameParam }),
    examples: { params: { name: 'crm' } },
    response: { description: 'Removed', schema: Ok, example: { ok: true } },
    errors: webhookNotFound,
    handler: ({ params }) => {
      webhooks.delete(params.name);
      return { ok: true };
    },
  });
};
