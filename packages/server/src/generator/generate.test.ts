import { type EnrichedEvent, parseEnrichedTsv, toEnrichedTsv } from '@signalbox/core';
import { describe, expect, it } from 'vitest';
import { KEYS, checkGeneratorOptions, generateTsv } from './generate.js';
import { Prng } from './prng.js';

const ms = (iso: unknown) => Date.parse(String(iso));

describe('Prng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new Prng('x');
    const b = new Prng('x');
    const c = new Prng('y');
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(new Prng(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('generateTsv', () => {
  it('gives byte-identical output for the same options and different output for another seed', () => {
    const one = [...generateTsv({ events: 500, users: 20, seed: 'demo' })].join('\n');
    const two = [...generateTsv({ events: 500, users: 20, seed: 'demo' })].join('\n');
    const other = [...generateTsv({ events: 500, users: 20, seed: 'other' })].join('\n');
    expect(two).toBe(one);
    expect(other).not.toBe(one);
    // The number 1 and the text "1" are the same seed (the CLI passes text).
    expect([...generateTsv({ events: 50, seed: 1 })]).toEqual([...generateTsv({ events: 50, seed: '1' })]);
  });

  it('writes lines that parse back and write out again unchanged (5,000 lines)', () => {
    let count = 0;
    for (const line of generateTsv({ events: 5000, users: 150, seed: 42 })) {
      expect(line.split('\t')).toHaveLength(131);
      const event = parseEnrichedTsv(line);
      expect(toEnrichedTsv(event)).toBe(line);
      count++;
    }
    expect(count).toBe(5000);
  });

  describe('the shop it simulates', () => {
    const events = [...generateTsv({ events: 6000, users: 80, seed: 'shop', start: '2026-01-10T09:00:00.000Z' })].map(parseEnrichedTsv);
    const action = (e: EnrichedEvent) => (e[KEYS.ecommerceAction] as { type: string } | undefined)?.type;

    it('has every kind of event', () => {
      const kinds = new Map<string, number>();
      for (const e of events) {
        const kind = action(e) ?? String(e['event']);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      for (const kind of ['page_view', 'page_ping', 'struct', 'product_view', 'add_to_cart', 'transaction']) {
        expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
      }
      expect(events[0]!['collector_tstamp']).toMatch(/^2026-01-10T09:00/);
    });

    it('has many users and sessions, some signed in, within the limits given', () => {
      const users = new Set(events.map((e) => e['domain_userid']));
      const sessions = new Set(events.map((e) => e['domain_sessionid']));
      expect(users.size).toBeGreaterThan(40);
      expect(users.size).toBeLessThanOrEqual(80);
      expect(sessions.size).toBeGreaterThan(users.size);
      expect(events.some((e) => typeof e['user_id'] === 'string')).toBe(true);
      expect(events.some((e) => e['user_id'] === undefined)).toBe(true);
      for (const e of events) {
        expect(e['domain_userid']).toMatch(/^[0-9a-f-]{36}$/);
        expect(e['domain_sessionid']).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it('numbers sessions per user and keeps time increasing within a session', () => {
      const bySession = new Map<string, EnrichedEvent[]>();
      for (const e of events) {
        const list = bySession.get(String(e['domain_sessionid'])) ?? [];
        list.push(e);
        bySession.set(String(e['domain_sessionid']), list);
      }
      const lastIndex = new Map<string, number>();
      for (const list of bySession.values()) {
        const user = String(list[0]!['domain_userid']);
        const index = list[0]!['domain_sessionidx'] as number;
        expect(index).toBe((lastIndex.get(user) ?? 0) + 1);
        lastIndex.set(user, index);
        for (let i = 1; i < list.length; i++) {
          for (const field of ['collector_tstamp', 'derived_tstamp', 'dvce_created_tstamp', 'etl_tstamp']) {
            expect(ms(list[i]![field]), field).toBeGreaterThan(ms(list[i - 1]![field]));
          }
          expect(list[i]!['domain_sessionidx']).toBe(index);
        }
      }
    });

    it('derives derived_tstamp as Enrich does', () => {
      for (const e of events) {
        const expected = ms(e['collector_tstamp']) - (ms(e['dvce_sent_tstamp']) - ms(e['dvce_created_tstamp']));
        expect(ms(e['derived_tstamp'])).toBe(expected);
      }
    });

    it('carries a web_page entity on every event, shared by the events of one page view', () => {
      const pageOf = new Map<string, string>();
      for (const e of events) {
        const pages = e[KEYS.webPage] as Array<{ id: string }>;
        expect(pages).toHaveLength(1);
        if (e['event'] === 'page_view') pageOf.set(String(e['domain_sessionid']), pages[0]!.id);
        else expect(pages[0]!.id).toBe(pageOf.get(String(e['domain_sessionid'])));
      }
    });

    it('sends ecommerce events with their product, cart and transaction entities', () => {
      for (const e of events.filter((x) => action(x) !== undefined)) {
        expect(e['event_vendor']).toBe('com.snowplowanalytics.snowplow.ecommerce');
        expect(e['event_name']).toBe('snowplow_ecommerce_action');
        expect(e['event_version']).toBe('1-0-2');
        const products = e[KEYS.product] as Array<{ id: string; price: number; quantity?: number; currency: string; category: string }>;
        expect(products.length).toBeGreaterThan(0);
        for (const p of products) {
          expect(p.id).toMatch(/^SKU-/);
          expect(p.currency).toBe('EUR');
          expect(Math.round(p.price * 100)).toBeCloseTo(p.price * 100, 6);
        }
        if (action(e) === 'add_to_cart') expect(e[KEYS.cart]).toEqual([expect.objectContaining({ currency: 'EUR', total_value: expect.any(Number) })]);
        if (action(e) === 'transaction') {
          const [t] = e[KEYS.transaction] as Array<{ revenue: number; shipping: number; total_quantity: number }>;
          const items = products.reduce((sum, p) => sum + Math.round(p.price * 100) * (p.quantity ?? 1), 0);
          expect(Math.round(t!.revenue * 100)).toBe(items + Math.round(t!.shipping * 100));
          expect(t!.total_quantity).toBe(products.reduce((sum, p) => sum + (p.quantity ?? 1), 0));
        }
      }
    });

    it('includes campaign, search and social traffic with their enriched fields', () => {
      const campaign = events.filter((e) => e['mkt_campaign'] !== undefined);
      expect(campaign.length).toBeGreaterThan(0);
      for (const e of campaign) {
        expect(e['page_urlquery']).toContain(`utm_campaign=${String(e['mkt_campaign'])}`);
        expect(e['mkt_source']).toBeDefined();
        expect(e['mkt_medium']).toBeDefined();
      }
      expect(events.some((e) => e['mkt_clickid'] !== undefined && e['mkt_network'] === 'Google')).toBe(true);
      expect(events.some((e) => e['refr_medium'] === 'search' && e['refr_term'] !== undefined)).toBe(true);
      expect(events.some((e) => e['refr_medium'] === 'social')).toBe(true);
      expect(events.some((e) => e['refr_medium'] === 'internal' && e['refr_urlhost'] === 'shop.example.com')).toBe(true);
      expect(events.filter((e) => e['event'] === 'page_view').every((e) => e['page_urlport'] === 443 && e['page_title'] !== undefined)).toBe(true);
    });
  });

  it('writes exactly the number of events asked for', () => {
    expect([...generateTsv({ events: 0 })]).toHaveLength(0);
    expect([...generateTsv({ events: 1 })]).toHaveLength(1);
    expect([...generateTsv({ events: 333, users: 1 })]).toHaveLength(333);
  });

  it('explains bad options', () => {
    expect(() => checkGeneratorOptions({ events: -1 })).toThrow(/--events/);
    expect(() => checkGeneratorOptions({ users: 0 })).toThrow(/--users/);
    expect(() => checkGeneratorOptions({ start: 'yesterday' })).toThrow(/--start/);
  });
});
