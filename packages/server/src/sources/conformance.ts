/**
 * The Event source conformance suite (design §4): what every implementation of event-source.ts
 * must do. A new backend adds one test file:
 *
 *     eventSourceConformance('nats', async () => ({ open: () => NatsEventSource.open({ stream: uniqueName() }) }));
 *
 * `factory` is called for every test and returns a place of its own (a directory, a stream, a key
 * prefix); `open` opens a source on it and may be called again after `close`, as after a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveredEvent, EventSource, SourcedEvent } from './event-source.js';

export interface EventSourcePlace {
  open(): Promise<EventSource> | EventSource;
  cleanup?(): Promise<void> | void;
}

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const events = (...names: string[]): SourcedEvent[] => names.map((n, i) => ({ format: i % 2 === 0 ? 'T' : 'J', text: `${n}\twith a tab and ünïcode` }));
const texts = (delivered: readonly DeliveredEvent[]) => delivered.map((e) => e.text.split('\t')[0]);

export function eventSourceConformance(name: string, factory: () => Promise<EventSourcePlace> | EventSourcePlace): void {
  describe(`Event source conformance: ${name}`, () => {
    let place: EventSourcePlace;
    const open: EventSource[] = [];
    const openSource = async () => {
      const source = await place.open();
      open.push(source);
      return source;
    };
    beforeEach(async () => {
      place = await factory();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
      await place.cleanup?.();
    });

    it('delivers appended events in order, in batches of at most max, with their format and time', async () => {
      const source = await openSource();
      await source.append(events('a', 'b', 'c'), NOW);
      await source.append(events('d'), NOW + 1000);
      const first = await source.consume('engine', 2);
      expect(texts(first!.events)).toEqual(['a', 'b']);
      expect(first!.events.map((e) => [e.format, e.now])).toEqual([['T', NOW], ['J', NOW]]);
      const second = await source.consume('engine', 10);
      expect(texts(second!.events)).toEqual(['c', 'd']);
      expect(second!.events.map((e) => e.now)).toEqual([NOW, NOW + 1000]);
      expect(await source.consume('engine', 10)).toBeUndefined();
    });

    it('named consumers read independently', async () => {
      const source = await openSource();
      await source.append(events('a', 'b'), NOW);
      expect(texts((await source.consume('engine', 10))!.events)).toEqual(['a', 'b']);
      expect(texts((await source.consume('warehouse', 1))!.events)).toEqual(['a']);
      await source.append(events('c'), NOW);
      expect(texts((await source.consume('engine', 10))!.events)).toEqual(['c']);
      expect(texts((await source.consume('warehouse', 10))!.events)).toEqual(['b', 'c']);
    });

    it('after a restart, what was acknowledged is not delivered again and what was not is', async () => {
      const source = await openSource();
      await source.append(events('a', 'b', 'c'), NOW);
      const acked = await source.consume('engine', 1);
      await source.ack('engine', acked!.position);
      await source.consume('engine', 1); // delivered, never acknowledged
      await source.close();
      const again = await openSource();
      expect(texts((await again.consume('engine', 10))!.events)).toEqual(['b', 'c']);
      // A consumer that never acknowledged starts from the beginning.
      expect(texts((await again.consume('warehouse', 10))!.events)).toEqual(['a', 'b', 'c']);
      await again.append(events('d'), NOW);
      expect(texts((await again.consume('engine', 10))!.events)).toEqual(['d']);
    });
  });
}
