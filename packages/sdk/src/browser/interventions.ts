/**
 * Interventions in the browser: subscribe to the Signalbox intervention stream for the current
 * visitor and call your handlers. The surface mirrors Snowplow's Signals browser plugin
 * (`SignalsInterventionsPlugin`, `subscribeToInterventions`, `addInterventionHandlers`), so pages
 * written for Signals move over unchanged.
 *
 * By default the subscription is for the Snowplow browser tracker's `domain_userid` and
 * `domain_sessionid`, read from (first that has them) explicit ids, the tracker instance, the last
 * event the plugin saw tracked, or the tracker's `_sp_id` cookie. Whenever they change (a new
 * session, a reset) the stream is reopened for the new ids. Interventions are deduplicated by
 * `intervention_id` and each handler is called once per intervention, asynchronously.
 *
 * This module has no runtime dependencies: it uses the browser's `EventSource`.
 */
import type { InterventionInstance } from '@signalbox/core';

/** A delivered intervention; `attributes` values are strings (JSON text for non-strings). */
export type Intervention = Omit<InterventionInstance, 'attributes'> & { attributes?: Record<string, string> };

export type InterventionHandler = (intervention: Intervention) => void | Promise<void>;

/** The parts of a Snowplow `BrowserTracker` this module reads. */
export interface TrackerLike {
  id?: string;
  getDomainUserInfo?: () => unknown[];
  getDomainUserId?: () => string;
}

export interface SubscribeOptions {
  /** The Signalbox base URL (`https://signals.example.com`); a bare host gets `https://`. */
  endpoint: string;
  /** Default `/api/v1/interventions`. */
  apiPath?: string;
  /**
   * Further attribute keys whose ids are read from each tracked event (needs the plugin):
   * key name → field of the tracker payload (`aid`, `app_id`, `duid`, …) or
   * `context/<vendor>/<name>/<field>` for an entity, e.g. `context/com.snowplowanalytics.snowplow/web_page/id`.
   */
  attributeKeyTargets?: Record<string, string>;
  /** Fixed ids: key name → id. Also overrides the defaults. */
  attributeKeyIds?: Record<string, string | string[]>;
  /** Subscribe to `domain_userid` and `domain_sessionid` (default true). */
  defaultKeys?: boolean;
  /** The tracker to read ids from; default: trackers the plugin is installed on. */
  tracker?: TrackerLike;
  /** Give up an attempt that has not opened in this time and try again later (default 2500 ms). */
  connectionTimeoutMs?: number;
  /** Also look for changed ids this often, e.g. a session that timed out (default 1000 ms; 0 = only on tracked events). */
  pollIntervalMs?: number;
  /** Called when a handler throws or rejects (default `console.error`). */
  onHandlerError?: (handler: string, error: unknown, intervention: Intervention) => void;
  /** For environments without a global `EventSource`. */
  EventSource?: new (url: string) => EventSource;
}

export interface InterventionSubscription {
  /** The ids currently subscribed to, key → ids. */
  readonly targets: Record<string, string[]>;
  /** Re-read the ids now and reopen the stream if they changed. */
  refresh(): void;
  /** Close the stream and stop watching for id changes. */
  close(): void;
}

const handlers = new Map<string, InterventionHandler>();
const trackers = new Set<TrackerLike>();
const subscriptions = new Set<Subscription>();
const SEEN_LIMIT = 1000;
const seen = new Set<string>();
let lastPayload: Record<string, unknown> | undefined;

/**
 * Register handlers by name; a name registered again replaces its handler.
 *
 * @example
 * addInterventionHandlers({
 *   showOffer(intervention) {
 *     if (intervention.name === 'cart_abandonment') document.querySelector('#offer')!.hidden = false;
 *   },
 * });
 */
export function addInterventionHandlers(named: Record<string, InterventionHandler>): void {
  for (const [name, handler] of Object.entries(named)) handlers.set(name, handler);
}

/**
 * Remove handlers by name, or all of them.
 *
 * @example
 * removeInterventionHandlers(['showOffer']);
 */
export function removeInterventionHandlers(names?: string[]): void {
  if (!names) handlers.clear();
  else for (const name of names) handlers.delete(name);
}

/** The plugin object a Snowplow browser tracker accepts in `plugins: [...]` or `addPlugin`. */
export interface InterventionsBrowserPlugin {
  activateBrowserPlugin(tracker: TrackerLike): void;
  afterTrack(payload: Record<string, unknown>): void;
}

/**
 * A Snowplow browser tracker plugin: lets subscriptions read ids from the tracker and from each
 * tracked event, and reopen the stream as soon as they change.
 *
 * @example
 * newTracker('sp', 'https://collector.example.com', { appId: 'shop', plugins: [SignalsInterventionsPlugin()] });
 * subscribeToInterventions({ endpoint: 'https://signals.example.com' });
 */
export function SignalsInterventionsPlugin(config: { handlers?: Record<string, InterventionHandler> } = {}): InterventionsBrowserPlugin {
  if (config.handlers) addInterventionHandlers(config.handlers);
  return {
    activateBrowserPlugin(tracker) {
      trackers.add(tracker);
      for (const s of subscriptions) s.refresh();
    },
    afterTrack(payload) {
      lastPayload = payload;
      for (const s of subscriptions) s.refresh();
    },
  };
}

/**
 * Open the intervention stream for the current visitor and keep it matched to the tracker's ids.
 *
 * @example
 * const subscription = subscribeToInterventions({ endpoint: 'https://signals.example.com' });
 * // later
 * subscription.close();
 */
export function subscribeToInterventions(options: SubscribeOptions): InterventionSubscription {
  const subscription = new Subscription(options);
  subscriptions.add(subscription);
  subscription.refresh();
  return subscription;
}

// ---- ids --------------------------------------------------------------------------------

/** Enriched field names as Signals users write them → tracker payload fields. */
const PAYLOAD_ALIASES: Record<string, string> = {
  app_id: 'aid',
  domain_userid: 'duid',
  domain_sessionid: 'sid',
  domain_sessionidx: 'vid',
  user_id: 'uid',
  network_userid: 'tnuid',
  event_id: 'eid',
  page_url: 'url',
  platform: 'p',
};

function fromPayload(payload: Record<string, unknown>, path: string): string | undefined {
  const parts = path.replace(/^\//, '').split('/');
  if (parts[0] === 'context' && parts.length >= 4) {
    const [, vendor, name, ...field] = parts;
    for (const entity of contexts(payload)) {
      if (typeof entity.schema !== 'string' || !entity.schema.startsWith(`iglu:${vendor}/${name}/`)) continue;
      let value: unknown = entity.data;
      for (const f of field) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[f] : undefined;
      if (value !== undefined && value !== null && value !== '') return String(value);
    }
    return undefined;
  }
  const field = PAYLOAD_ALIASES[parts[0]!] ?? parts[0]!;
  const value = payload[field];
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

function contexts(payload: Record<string, unknown>): Array<{ schema?: unknown; data?: unknown }> {
  try {
    let text: string | undefined;
    if (typeof payload['co'] === 'string') text = payload['co'];
    else if (typeof payload['cx'] === 'string') {
      const b64 = payload['cx'].replace(/-/g, '+').replace(/_/g, '/');
      const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
      text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    }
    if (!text) return [];
    const parsed = JSON.parse(text) as { data?: unknown };
    return Array.isArray(parsed.data) ? parsed.data : [];
  } catch {
    return [];
  }
}

/** `domain_userid` and `domain_sessionid` from the `_sp_id.<hash>` cookie (`duid.created.visits.now.last.sid…`). */
function fromCookie(): { duid?: string; sid?: string } {
  if (typeof document === 'undefined') return {};
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (!name || !name.startsWith('_sp_id')) continue;
    const fields = decodeURIComponent(rest.join('=')).split('.');
    return { ...(fields[0] ? { duid: fields[0] } : {}), ...(fields[5] ? { sid: fields[5] } : {}) };
  }
  return {};
}

function fromTracker(tracker: TrackerLike): { duid?: string; sid?: string } {
  try {
    const info = tracker.getDomainUserInfo?.();
    const duid = (info?.[1] as string | undefined) || tracker.getDomainUserId?.();
    const sid = info?.[6] as string | undefined;
    return { ...(duid ? { duid } : {}), ...(sid ? { sid } : {}) };
  } catch {
    return {};
  }
}

// ---- one subscription --------------------------------------------------------------------

class Subscription implements InterventionSubscription {
  private source: EventSource | undefined;
  private query = '';
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 1000;
  private readonly poller: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  targets: Record<string, string[]> = {};

  constructor(private readonly options: SubscribeOptions) {
    const every = options.pollIntervalMs ?? 1000;
    if (every > 0) this.poller = setInterval(() => this.refresh(), every);
  }

  private currentTargets(): Record<string, string[]> {
    const targets: Record<string, string[]> = {};
    const put = (key: string, id: string | undefined) => {
      if (id && !targets[key]) targets[key] = [id];
    };
    for (const [key, ids] of Object.entries(this.options.attributeKeyIds ?? {})) {
      const list = (Array.isArray(ids) ? ids : [ids]).filter((x) => x !== '');
      if (list.length > 0) targets[key] = list;
    }
    if (this.options.defaultKeys !== false) {
      const sources = [
        ...(this.options.tracker ? [fromTracker(this.options.tracker)] : [...trackers].map(fromTracker)),
        lastPayload ? { duid: fromPayload(lastPayload, 'duid'), sid: fromPayload(lastPayload, 'sid') } : {},
        fromCookie(),
      ];
      for (const s of sources) {
        put('domain_userid', s.duid);
        put('domain_sessionid', s.sid);
      }
    }
    if (lastPayload) {
      for (const [key, path] of Object.entries(this.options.attributeKeyTargets ?? {})) put(key, fromPayload(lastPayload, path));
    }
    return targets;
  }

  refresh(): void {
    if (this.closed) return;
    const targets = this.currentTargets();
    const params = new URLSearchParams();
    for (const key of Object.keys(targets).sort()) for (const id of targets[key]!) params.append(key, id);
    const query = params.toString();
    if (query === this.query && (this.source || this.retryTimer)) return;
    this.targets = targets;
    this.query = query;
    this.retryDelay = 1000;
    this.open();
  }

  private url(): string {
    let base = this.options.endpoint.replace(/\/+$/, '');
    if (!/^https?:\/\//i.test(base)) base = `https://${base}`;
    return `${base}${this.options.apiPath ?? '/api/v1/interventions'}?${this.query}`;
  }

  private open(): void {
    this.disconnect();
    if (this.query === '') return;
    const Source = this.options.EventSource ?? globalThis.EventSource;
    const source = new Source(this.url());
    this.source = source;
    this.openTimer = setTimeout(() => {
      if (source.readyState !== 1 /* OPEN */) this.retry();
    }, this.options.connectionTimeoutMs ?? 2500);
    source.onopen = () => {
      this.retryDelay = 1000;
      if (this.openTimer) clearTimeout(this.openTimer);
    };
    source.onmessage = (event: MessageEvent<string>) => receive(event.data, this.options);
    source.onerror = () => {
      // While CONNECTING the browser retries by itself (sending Last-Event-ID); CLOSED is final.
      if (source.readyState === 2 /* CLOSED */) this.retry();
    };
  }

  private retry(): void {
    this.disconnect();
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
  }

  private disconnect(): void {
    if (this.openTimer) clearTimeout(this.openTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.openTimer = undefined;
    this.retryTimer = undefined;
    this.source?.close();
    this.source = undefined;
  }

  close(): void {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.disconnect();
    subscriptions.delete(this);
  }
}

function receive(data: string, options: SubscribeOptions): void {
  let raw: Record<string, any>;
  try {
    raw = JSON.parse(data) as Record<string, any>;
  } catch {
    return;
  }
  // Before Signals 0.3 the target was `target_entity`.
  const intervention = { ...raw } as Intervention & { target_entity?: { name: string; id: string } };
  if (!intervention.target_attribute_key && intervention.target_entity) intervention.target_attribute_key = intervention.target_entity;
  delete intervention.target_entity;
  const id = intervention.intervention_id;
  if (id) {
    if (seen.has(id)) return;
    seen.add(id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
  }
  for (const [name, handler] of handlers) {
    setTimeout(() => {
      const report = (error: unknown) =>
        (options.onHandlerError ?? ((h, e) => console.error(`intervention handler "${h}" failed`, e)))(name, error, intervention);
      try {
        const result = handler(intervention);
        if (result && typeof (result as Promise<void>).then === 'function') (result as Promise<void>).catch(report);
      } catch (error) {
        report(error);
      }
    }, 0);
  }
}
