/**
 * The event generator behind `signalbox generate`: realistic Snowplow enriched events for an
 * e-commerce site, for demos, tests and benchmarks. Visitors (some signed in) come back in
 * several sessions, from campaigns (utm parameters, click ids), search engines, social sites or
 * directly; they view pages (with the `web_page` entity and page pings), view products, add them
 * to the cart and buy (Snowplow ecommerce `snowplow_ecommerce_action` events with product, cart
 * and transaction entities), and now and then trigger structured events.
 *
 * Everything comes from one seeded generator (prng.ts) and the start time: the same options give
 * byte-identical output. Within a session every timestamp increases; device clocks of some
 * visitors are skewed, and `derived_tstamp` corrects it as Enrich does. Sessions are written one
 * after another, so the output is ordered by session, not globally by time.
 */
import { type EnrichedEvent, entityKey, parseIgluUri, toEnrichedTsv, unstructKey } from '@signalbox/core';
import {
  APP_ID,
  CAMPAIGNS,
  CATEGORIES,
  CURRENCY,
  type Campaign,
  DEVICES,
  type Device,
  PAYMENT_METHODS,
  PLACES,
  PRODUCTS,
  type Place,
  type Product,
  REFERRERS,
  type Referrer,
  SEARCH_TERMS,
  SHOP_HOST,
  slug,
} from './catalog.js';
import { Prng } from './prng.js';

export interface GeneratorOptions {
  /** Number of events to write (the last session may be cut short). */
  events: number;
  /** Number of distinct visitors (domain_userid). */
  users: number;
  seed: string | number;
  /** Time of the first session, ISO-8601. */
  start: string;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  events: 1000,
  users: 100,
  seed: 1,
  start: '2025-05-01T08:00:00.000Z',
};

export const SCHEMAS = {
  webPage: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
  product: 'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0',
  cart: 'iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0',
  transaction: 'iglu:com.snowplowanalytics.snowplow.ecommerce/transaction/jsonschema/1-0-0',
  ecommerceAction: 'iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2',
} as const;

function keyOf(uri: string, kind: 'contexts' | 'unstruct'): string {
  const ref = parseIgluUri(uri)!;
  return kind === 'contexts' ? entityKey(ref.vendor, ref.name, ref.major) : unstructKey(ref.vendor, ref.name, ref.major);
}

/** The lossy keys the generator writes. */
export const KEYS = {
  webPage: keyOf(SCHEMAS.webPage, 'contexts'),
  product: keyOf(SCHEMAS.product, 'contexts'),
  cart: keyOf(SCHEMAS.cart, 'contexts'),
  transaction: keyOf(SCHEMAS.transaction, 'contexts'),
  ecommerceAction: keyOf(SCHEMAS.ecommerceAction, 'unstruct'),
} as const;

/** Key → Iglu URI, what `toEnrichedTsv` needs for events built here. */
export const GENERATOR_SCHEMAS: Readonly<Record<string, string>> = Object.fromEntries(
  (Object.keys(KEYS) as Array<keyof typeof KEYS>).map((k) => [KEYS[k], SCHEMAS[k]]),
);

const TRACKER = { name_tracker: 'sp1', v_tracker: 'js-4.10.1', v_collector: 'ssc-3.4.0-kinesissink', v_etl: 'snowplow-enrich-kinesis-6.10.0' };
const SNOWPLOW = 'com.snowplowanalytics.snowplow';
const PING_SECONDS = 10;
const SESSION_GAP_MS = 30 * 60_000;

interface User {
  readonly duid: string;
  readonly nuid: string;
  readonly userId: string | undefined;
  readonly device: Device;
  readonly place: Place;
  readonly ip: string;
  readonly skewMs: number;
  sessions: number;
  availableAt: number;
}

type PageKind = 'home' | 'category' | 'product' | 'search' | 'cart' | 'checkout' | 'confirmation';

interface Page {
  readonly kind: PageKind;
  readonly path: string;
  readonly query: string;
  readonly title: string;
  readonly product?: Product;
}

interface CartLine {
  readonly product: Product;
  quantity: number;
}

export function checkGeneratorOptions(partial: Partial<GeneratorOptions>): GeneratorOptions {
  const o = { ...DEFAULT_GENERATOR_OPTIONS, ...partial };
  if (!Number.isSafeInteger(o.events) || o.events < 0) throw new Error(`--events must be a whole number ≥ 0, got ${o.events}`);
  if (!Number.isSafeInteger(o.users) || o.users < 1) throw new Error(`--users must be a whole number ≥ 1, got ${o.users}`);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(o.start) || Number.isNaN(Date.parse(o.start))) throw new Error(`--start must be an ISO-8601 time, got "${o.start}"`);
  return o;
}

/**
 * The start time that makes the generated events end at `end` (ms since the epoch): the last
 * event's `etl_tstamp` falls on it. Every timestamp is an offset from the start, so one dry run
 * from any start measures the span; the caller (the CLI) supplies `end`, so time stays a parameter.
 */
export function startEndingAt(partial: Omit<Partial<GeneratorOptions>, 'start'>, end: number): string {
  const probe = new Date(end).toISOString();
  let last = end;
  for (const event of generateEvents({ ...partial, start: probe })) last = Math.max(last, Date.parse(event['etl_tstamp'] as string));
  return new Date(end - (last - end)).toISOString();
}

/**
 * Generates `options.events` enriched events (lossy JSON shape).
 *
 * @example
 * ```ts
 * for (const event of generateEvents({ events: 10, seed: 'demo' })) console.log(event.event)
 * ```
 */
export function* generateEvents(partial: Partial<GeneratorOptions> = {}): Generator<EnrichedEvent> {
  const options = checkGeneratorOptions(partial);
  const rng = new Prng(options.seed);
  const users = Array.from({ length: options.users }, (_, i) => makeUser(rng, i));
  let remaining = options.events;
  let clock = Date.parse(options.start);
  while (remaining > 0) {
    const user = rng.pick(users);
    const start = Math.max(clock, user.availableAt);
    const session = new Session(rng, user, start);
    for (const event of session.run()) {
      yield event;
      if (--remaining === 0) return;
    }
    user.availableAt = session.lastTime + SESSION_GAP_MS + rng.int(0, 6 * 3_600_000);
    clock += rng.int(3_000, 60_000);
  }
}

/** Generates enriched TSV lines (no newline), one per event. */
export function* generateTsv(partial: Partial<GeneratorOptions> = {}): Generator<string> {
  for (const event of generateEvents(partial)) yield toEnrichedTsv(event, { schemas: GENERATOR_SCHEMAS });
}

function makeUser(rng: Prng, index: number): User {
  return {
    duid: rng.uuid(),
    nuid: rng.uuid(),
    userId: rng.chance(0.45) ? `user-${String(index + 1).padStart(5, '0')}` : undefined,
    device: rng.pick(DEVICES),
    place: rng.pick(PLACES),
    ip: `${rng.pick(['203.0.113', '198.51.100', '192.0.2'])}.${rng.int(1, 254)}`,
    skewMs: rng.chance(0.2) ? rng.int(-90_000, 90_000) : 0,
    sessions: 0,
    availableAt: 0,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const money = (cents: number) => Math.round(cents) / 100;

function urlParts(prefix: 'page' | 'refr', url: string): EnrichedEvent {
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1);
  const out: EnrichedEvent = {
    [`${prefix}_urlscheme`]: scheme,
    [`${prefix}_urlhost`]: u.hostname,
    [`${prefix}_urlport`]: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80,
    [`${prefix}_urlpath`]: u.pathname,
  };
  if (u.search.length > 1) out[`${prefix}_urlquery`] = u.search.slice(1);
  if (u.hash.length > 1) out[`${prefix}_urlfragment`] = u.hash.slice(1);
  return out;
}

/** Enrich's campaign attribution: utm_* and click ids from the page URL. */
function campaignFields(url: string): EnrichedEvent {
  const params = new URL(url).searchParams;
  const out: EnrichedEvent = {};
  const map: Array<[string, string]> = [['utm_medium', 'mkt_medium'], ['utm_source', 'mkt_source'], ['utm_term', 'mkt_term'], ['utm_content', 'mkt_content'], ['utm_campaign', 'mkt_campaign']];
  for (const [param, field] of map) {
    const value = params.get(param);
    if (value) out[field] = value;
  }
  for (const [param, network] of [['gclid', 'Google'], ['msclkid', 'Microsoft']] as const) {
    const value = params.get(param);
    if (value) {
      out['mkt_clickid'] = value;
      out['mkt_network'] = network;
    }
  }
  return out;
}

interface Timed {
  readonly at: number;
  readonly build: (t: number) => EnrichedEvent;
}

class Session {
  private readonly id: string;
  private readonly index: number;
  private readonly signedIn: boolean;
  private readonly cart: CartLine[] = [];
  private t: number;
  lastTime: number;
  private previousUrl: string | undefined;
  private landing: { campaign?: Campaign; referrer?: Referrer; term?: string } = {};
  private webPageId = '';
  private pageUrl = '';
  private page: Page | undefined;
  private docHeight = 0;

  constructor(private readonly rng: Prng, private readonly user: User, start: number) {
    this.id = rng.uuid();
    this.index = ++user.sessions;
    this.signedIn = user.userId !== undefined && rng.chance(0.7);
    this.t = start;
    this.lastTime = start;
  }

  *run(): Generator<EnrichedEvent> {
    const rng = this.rng;
    const source = rng.weighted<'campaign' | 'referrer' | 'direct'>([['campaign', 25], ['referrer', 35], ['direct', 40]]);
    if (source === 'campaign') this.landing = { campaign: rng.pick(CAMPAIGNS) };
    if (source === 'referrer') {
      const referrer = rng.pick(REFERRERS);
      this.landing = { referrer, ...(referrer.hasTerm ? { term: rng.pick(SEARCH_TERMS) } : {}) };
    }
    let page = this.landingPage();
    const maxPages = 1 + Math.min(11, Math.floor(Math.log(1 - rng.next()) / Math.log(0.72)));
    for (let n = 0; n < maxPages; n++) {
      yield* this.visit(page);
      const next = this.nextPage(page);
      if (next === undefined) break;
      page = next;
    }
  }

  private landingPage(): Page {
    const rng = this.rng;
    const { campaign } = this.landing;
    if (campaign) {
      const params = new URLSearchParams({ utm_source: campaign.source, utm_medium: campaign.medium, utm_campaign: campaign.campaign });
      if (campaign.term) params.set('utm_term', campaign.term);
      if (campaign.content) params.set('utm_content', campaign.content);
      if (campaign.clickId) params.set(campaign.clickId.param, rng.uuid().replace(/-/g, '').slice(0, 22));
      const base = rng.chance(0.5) ? this.productPage(this.productIn(campaign.landing)) : this.categoryPage(campaign.landing);
      return { ...base, query: params.toString() };
    }
    if (this.landing.term) return this.searchPage(this.landing.term);
    return rng.weighted<() => Page>([
      [() => this.homePage(), 50],
      [() => this.productPage(rng.pick(PRODUCTS)), 30],
      [() => this.categoryPage(rng.pick(CATEGORIES)), 20],
    ])();
  }

  private nextPage(current: Page): Page | undefined {
    const rng = this.rng;
    if (current.kind === 'confirmation') return rng.chance(0.3) ? this.homePage() : undefined;
    if (current.kind === 'checkout') return rng.chance(0.85) ? this.confirmationPage() : this.cartPage();
    if (current.kind === 'cart' && this.cart.length > 0 && rng.chance(0.7)) return this.checkoutPage();
    if (this.cart.length > 0 && current.kind === 'product' && rng.chance(0.45)) return this.cartPage();
    return rng.weighted<() => Page>([
      [() => this.productPage(current.product && rng.chance(0.5) ? this.productIn(current.product.category) : rng.pick(PRODUCTS)), 55],
      [() => this.categoryPage(rng.pick(CATEGORIES)), 25],
      [() => this.searchPage(rng.pick(SEARCH_TERMS)), 10],
      [() => this.homePage(), 10],
    ])();
  }

  private productIn(category: string): Product {
    return this.rng.pick(PRODUCTS.filter((p) => p.category === category));
  }

  private homePage(): Page {
    return { kind: 'home', path: '/', query: '', title: 'Example Shop' };
  }
  private categoryPage(category: string): Page {
    return { kind: 'category', path: `/c/${category}`, query: '', title: `${category[0]!.toUpperCase()}${category.slice(1)} - Example Shop` };
  }
  private productPage(product: Product): Page {
    return { kind: 'product', path: `/products/${slug(product.name)}-${product.id.toLowerCase()}`, query: '', title: `${product.name} - Example Shop`, product };
  }
  private searchPage(term: string): Page {
    return { kind: 'search', path: '/search', query: new URLSearchParams({ q: term }).toString(), title: `Search: ${term} - Example Shop` };
  }
  private cartPage(): Page {
    return { kind: 'cart', path: '/cart', query: '', title: 'Your cart - Example Shop' };
  }
  private checkoutPage(): Page {
    return { kind: 'checkout', path: '/checkout', query: '', title: 'Checkout - Example Shop' };
  }
  private confirmationPage(): Page {
    return { kind: 'confirmation', path: '/checkout/confirmation', query: '', title: 'Thank you - Example Shop' };
  }

  /** One page: its page view, the events on it, page pings, then the time until the next page. */
  private *visit(page: Page): Generator<EnrichedEvent> {
    const rng = this.rng;
    this.page = page;
    this.webPageId = rng.uuid();
    this.pageUrl = `https://${SHOP_HOST}${page.path}${page.query ? `?${page.query}` : ''}`;
    this.docHeight = rng.int(1800, 6400);
    const start = this.t;
    const pings = rng.weighted<number>([[0, 25], [1, 25], [2, 20], [3, 15], [4, 10], [6, 5]]);
    // Events other than pings each get a 10-second window of their own, mid-window, so nothing
    // lands within half a second of anything else and every timestamp in the session increases.
    const timed: Timed[] = [{ at: start, build: (t) => this.pageView(t) }];
    let window = 0;
    const slot = () => start + window++ * PING_SECONDS * 1000 + rng.int(3_000, 7_000);
    if (page.kind === 'product' && page.product) {
      const product = page.product;
      timed.push({ at: start + rng.int(600, 1_500), build: (t) => this.ecommerce(t, 'product_view', [this.productEntity(product)]) });
      if (rng.chance(0.3)) {
        const quantity = rng.chance(0.8) ? 1 : 2;
        timed.push({ at: slot(), build: (t) => this.addToCart(t, product, quantity) });
      }
    }
    if (page.kind === 'confirmation' && this.cart.length > 0) {
      timed.push({ at: start + rng.int(700, 1_500), build: (t) => this.transaction(t) });
    }
    if (rng.chance(0.12)) timed.push({ at: slot(), build: (t) => this.structured(t) });
    const windows = Math.max(pings, window);
    for (let i = 1; i <= pings; i++) {
      const at = start + i * PING_SECONDS * 1000 + rng.int(0, 300);
      const depth = Math.min(this.docHeight, Math.round((i / pings) * this.docHeight * rng.int(40, 100) / 100));
      timed.push({ at, build: (t) => this.pagePing(t, depth) });
    }
    timed.sort((a, b) => a.at - b.at);
    for (const item of timed) {
      yield item.build(item.at);
      this.lastTime = item.at;
    }
    this.previousUrl = this.pageUrl;
    this.t = start + windows * PING_SECONDS * 1000 + rng.int(2_000, 9_000);
  }

  /** Fields every event of this session shares, timed as Enrich would see them. */
  private base(t: number, event: string, vendor: string, name: string, version: string): EnrichedEvent {
    const rng = this.rng;
    const user = this.user;
    const sendDelay = rng.int(5, 400);
    const latency = rng.int(20, 180);
    const collector = t + sendDelay + latency;
    const out: EnrichedEvent = {
      app_id: APP_ID,
      platform: 'web',
      etl_tstamp: iso(collector + rng.int(80, 600)),
      collector_tstamp: iso(collector),
      dvce_created_tstamp: iso(t + user.skewMs),
      event,
      event_id: rng.uuid(),
      ...TRACKER,
    };
    if (this.signedIn && user.userId) out['user_id'] = user.userId;
    Object.assign(out, {
      user_ipaddress: user.ip,
      domain_userid: user.duid,
      domain_sessionidx: this.index,
      network_userid: user.nuid,
      geo_country: user.place.country,
      geo_region: user.place.region,
      geo_city: user.place.city,
      geo_zipcode: user.place.zipcode,
      geo_latitude: user.place.latitude,
      geo_longitude: user.place.longitude,
      geo_region_name: user.place.regionName,
      page_url: this.pageUrl,
    });
    if (event === 'page_view' || event === 'page_ping') out['page_title'] = this.page!.title;
    const referrer = this.referrerUrl();
    if (referrer) out['page_referrer'] = referrer;
    Object.assign(out, urlParts('page', this.pageUrl));
    if (referrer) {
      Object.assign(out, urlParts('refr', referrer));
      Object.assign(out, this.referrerClass(referrer));
    }
    Object.assign(out, campaignFields(this.pageUrl));
    return Object.assign(out, { __vendor: vendor, __name: name, __version: version, __collector: collector, __sent: t + user.skewMs + sendDelay });
  }

  private referrerUrl(): string | undefined {
    if (this.previousUrl) return this.previousUrl;
    if (this.landing.referrer) return this.landing.referrer.url(this.landing.term ?? '');
    return this.landing.campaign?.referrer;
  }

  /** What Enrich's referer parser says about the referrer. */
  private referrerClass(referrer: string): EnrichedEvent {
    if (new URL(referrer).hostname === SHOP_HOST) return { refr_medium: 'internal' };
    const known = this.landing.referrer;
    if (known && known.medium !== 'unknown') {
      return { refr_medium: known.medium, refr_source: known.source, ...(this.landing.term ? { refr_term: this.landing.term } : {}) };
    }
    const host = new URL(referrer).hostname;
    if (host.endsWith('google.com')) return { refr_medium: 'search', refr_source: 'Google' };
    if (host.endsWith('bing.com')) return { refr_medium: 'search', refr_source: 'Bing' };
    if (host.endsWith('instagram.com')) return { refr_medium: 'social', refr_source: 'Instagram' };
    return { refr_medium: 'unknown' };
  }

  /** The columns after the JSON ones, in TSV order, and the entities; removes the scratch keys. */
  private finish(out: EnrichedEvent, entities: Array<[string, unknown[]]>, unstruct?: unknown): EnrichedEvent {
    const { __vendor, __name, __version, __collector, __sent, ...event } = out as EnrichedEvent & Record<'__vendor' | '__name' | '__version' | '__collector' | '__sent', unknown>;
    const user = this.user;
    for (const [key, list] of entities) event[key] = list;
    event[KEYS.webPage] = [{ id: this.webPageId }];
    if (unstruct !== undefined) event[KEYS.ecommerceAction] = unstruct;
    Object.assign(event, {
      useragent: user.device.useragent,
      br_lang: user.place.lang,
      br_cookies: true,
      br_colordepth: '24',
      br_viewwidth: user.device.viewport[0],
      br_viewheight: user.device.viewport[1],
      os_timezone: user.place.timezone,
      dvce_screenwidth: user.device.screen[0],
      dvce_screenheight: user.device.screen[1],
      doc_charset: 'UTF-8',
      doc_width: user.device.viewport[0] - (user.device.viewport[0] > 800 ? 15 : 0),
      doc_height: this.docHeight,
      geo_timezone: user.place.timezone,
      dvce_sent_tstamp: iso(__sent as number),
      domain_sessionid: this.id,
      // Enrich: derived = collector - (sent - created); the device's skew cancels out.
      derived_tstamp: iso((__collector as number) - ((__sent as number) - Date.parse(event['dvce_created_tstamp'] as string))),
      event_vendor: __vendor,
      event_name: __name,
      event_format: 'jsonschema',
      event_version: __version,
    });
    return event;
  }

  private pageView(t: number): EnrichedEvent {
    return this.finish(this.base(t, 'page_view', SNOWPLOW, 'page_view', '1-0-0'), []);
  }

  private pagePing(t: number, depth: number): EnrichedEvent {
    const out = this.base(t, 'page_ping', SNOWPLOW, 'page_ping', '1-0-0');
    const viewport = this.user.device.viewport[1];
    // Zero offsets are not sent by the tracker, so the columns stay empty (reference §8).
    if (depth > viewport) out['pp_yoffset_min'] = Math.max(0, depth - viewport - this.rng.int(0, 400));
    if (depth > 0) out['pp_yoffset_max'] = depth;
    return this.finish(out, []);
  }

  private structured(t: number): EnrichedEvent {
    const rng = this.rng;
    const out = this.base(t, 'struct', 'com.google.analytics', 'event', '1-0-0');
    const pick = rng.pick<[string, string, string | undefined, string | undefined, number | undefined]>([
      ['newsletter', 'subscribe', 'footer_form', undefined, undefined],
      ['video', 'play', 'product_video', 'hero', rng.int(5, 120)],
      ['ui', 'click', 'size_guide', undefined, undefined],
      ['ui', 'filter', 'price_asc', this.page?.kind, undefined],
      ['share', 'copy_link', this.page?.product?.id, undefined, undefined],
    ]);
    out['se_category'] = pick[0];
    out['se_action'] = pick[1];
    if (pick[2] !== undefined) out['se_label'] = pick[2];
    if (pick[3] !== undefined) out['se_property'] = pick[3];
    if (pick[4] !== undefined) out['se_value'] = pick[4];
    return this.finish(out, []);
  }

  private productEntity(product: Product, quantity?: number): Record<string, unknown> {
    return {
      id: product.id,
      name: product.name,
      category: product.category,
      price: money(product.cents),
      currency: CURRENCY,
      ...(quantity !== undefined ? { quantity } : {}),
      brand: product.brand,
    };
  }

  private ecommerce(t: number, type: string, products: Record<string, unknown>[], extra: Array<[string, unknown[]]> = []): EnrichedEvent {
    const out = this.base(t, 'unstruct', 'com.snowplowanalytics.snowplow.ecommerce', 'snowplow_ecommerce_action', '1-0-2');
    return this.finish(out, [[KEYS.product, products], ...extra], { type });
  }

  private addToCart(t: number, product: Product, quantity: number): EnrichedEvent {
    const line = this.cart.find((l) => l.product.id === product.id);
    if (line) line.quantity += quantity;
    else this.cart.push({ product, quantity });
    const totalCents = this.cart.reduce((sum, l) => sum + l.product.cents * l.quantity, 0);
    return this.ecommerce(t, 'add_to_cart', [this.productEntity(product, quantity)], [
      [KEYS.cart, [{ cart_id: this.id.slice(0, 8), total_value: money(totalCents), currency: CURRENCY }]],
    ]);
  }

  private transaction(t: number): EnrichedEvent {
    const rng = this.rng;
    const itemsCents = this.cart.reduce((sum, l) => sum + l.product.cents * l.quantity, 0);
    const shippingCents = itemsCents >= 5000 ? 0 : 495;
    const transaction = {
      transaction_id: `T-${rng.uuid().slice(0, 8).toUpperCase()}`,
      revenue: money(itemsCents + shippingCents),
      currency: CURRENCY,
      payment_method: rng.pick(PAYMENT_METHODS),
      total_quantity: this.cart.reduce((sum, l) => sum + l.quantity, 0),
      tax: money(Math.round((itemsCents * 20) / 120)),
      shipping: money(shippingCents),
    };
    const products = this.cart.map((l) => this.productEntity(l.product, l.quantity));
    this.cart.length = 0;
    return this.ecommerce(t, 'transaction', products, [[KEYS.transaction, [transaction]]]);
  }
}
