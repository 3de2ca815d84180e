/**
 * Webhook configuration: server-side sinks set up in Signalbox (not part of the Signals
 * definition format), kept in `webhooks.json` in the data dir, written durably and readable only
 * by the server's user since it holds the signing secrets.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Name } from '@signalbox/core';
import { z } from 'zod';
import { writeFileDurably } from '../../durable-file.js';
import { SignalboxError } from '../../errors.js';

export const WebhookInput = z.object({
  name: Name,
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' }),
  /** HMAC key for the signature header; generated (and returned once) when not given. */
  secret: z.string().min(16).max(512).nullish().transform((v) => v ?? undefined),
  /** Only instances targeting these attribute keys (default: all). */
  attribute_keys: z.array(Name).min(1).max(100).nullish().transform((v) => v ?? undefined),
  /** Only these interventions, by name (default: all). */
  interventions: z.array(Name).min(1).max(1000).nullish().transform((v) => v ?? undefined),
});
export type WebhookInput = z.output<typeof WebhookInput>;

export interface Webhook {
  name: string;
  url: string;
  secret: string;
  attribute_keys?: string[];
  interventions?: string[];
  created_at: string;
}

/** A webhook as the API lists it: without its secret. */
export function publicWebhook(w: Webhook): Omit<Webhook, 'secret'> {
  const { secret: _secret, ...rest } = w;
  return rest;
}

export class WebhookStore {
  private readonly path: string;
  private webhooks = new Map<string, Webhook>();
  private readonly listeners: Array<() => void> = [];

  constructor(dataDir: string) {
    this.path = join(dataDir, 'webhooks.json');
    if (existsSync(this.path)) {
      const stored = JSON.parse(readFileSync(this.path, 'utf8')) as { webhooks: Webhook[] };
      for (const w of stored.webhooks) this.webhooks.set(w.name, w);
    }
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  list(): Webhook[] {
    return [...this.webhooks.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  find(name: string): Webhook | undefined {
    return this.webhooks.get(name);
  }

  get(name: string): Webhook {
    const w = this.webhooks.get(name);
    if (!w) throw new SignalboxError('SIGNALBOX_ERR_WEBHOOKS_NOT_FOUND', `webhook "${name}" not found`);
    return w;
  }

  create(input: WebhookInput, now: number): Webhook {
    if (this.webhooks.has(input.name)) {
      throw new SignalboxError('SIGNALBOX_ERR_WEBHOOKS_EXISTS', `webhook "${input.name}" already exists; use PUT to replace it`);
    }
    return this.put(input, now);
  }

  /** Create or replace; a replacement keeps its secret unless a new one is given. */
  put(input: WebhookInput, now: number): Webhook {
    const existing = this.webhooks.get(input.name);
    const webhook: Webhook = {
      name: input.name,
      url: input.url,
      secret: input.secret ?? existing?.secret ?? `whsec_${randomBytes(24).toString('base64url')}`,
      ...(input.attribute_keys ? { attribute_keys: input.attribute_keys } : {}),
      ...(input.interventions ? { interventions: input.interventions } : {}),
      created_at: existing?.created_at ?? new Date(now).toISOString(),
    };
    this.webhooks.set(webhook.name, webhook);
    this.save();
    return webhook;
  }

  delete(name: string): void {
    this.get(name);
    this.webhooks.delete(name);
    this.save();
  }

  private save(): void {
    writeFileDurably(this.path, `${JSON.stringify({ webhooks: this.list() }, null, 2)}\n`);
    chmodSync(this.path, 0o600);
    for (const l of this.listeners) l();
  }
}
