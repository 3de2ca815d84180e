import { afterEach, describe, expect, it } from 'vitest';
import { InterventionHub, type SseSink } from './hub.js';

/** An in-memory stand-in for a socket: what was written, and how much is "still unsent". */
class Sink implements SseSink {
  chunks: string[] = [];
  writableLength = 0;
  destroyed = false;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  get ids(): string[] {
    return this.chunks.filter((c) => c.startsWith('id: ')).map((c) => c.slice(4, c.indexOf('\n')));
  }
}

let now = 1_000_000;
let hub: InterventionHub;
afterEach(() => hub.close());

const make = (options: Partial<ConstructorParameters<typeof InterventionHub>[0]> = {}) =>
  new InterventionHub({ pingIntervalMs: 60_000, replayWindowMs: 60_000, replayMaxEntries: 100, subscriberBufferBytes: 1000, clock: () => now, ...options });

const instance = (id: string, name: string, key: string, value: string) => ({
  intervention_id: id, name: 'n', version: 1, target_attribute_key: { name: key, id: value }, attributes: { a: name },
});

describe('intervention hub', () => {
  it('writes id and data frames, once per subscriber across targets', () => {
    hub = make();
    const both = new Sink();
    const user = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }, { name: 's', id: '2' }], both);
    hub.subscribe([{ name: 'u', id: '1' }], user);
    const reached = hub.publish([instance('x', 'for-user', 'u', '1'), instance('x', 'for-session', 's', '2')]);
    expect(reached).toBe(2);
    expect(both.chunks).toEqual([
      `id: x\ndata: {"intervention_id":"x","name":"n","version":1,"target_attribute_key":{"name":"u","id":"1"},"attributes":{"a":"for-user"}}\n\n`,
    ]);
    expect(user.ids).toEqual(['x']);
    expect(hub.publish([instance('y', 'other', 'u', '9')])).toBe(0);
  });

  it('replays after Last-Event-ID within the window; everything kept when the id is unknown', () => {
    hub = make();
    for (const id of ['a', 'b', 'c']) hub.publish([instance(id, id, 'u', '1')]);
    hub.publish([instance('d', 'd', 'u', '2')]);
    const after = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }], after, 'a');
    expect(after.ids).toEqual(['b', 'c']);
    const unknown = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }], unknown, 'zzz');
    expect(unknown.ids).toEqual(['a', 'b', 'c']);
    now += 60_001;
    const late = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }], late, 'zzz');
    expect(late.ids).toEqual([]);
    // What was replayed is not sent again live.
    hub.publish([instance('c', 'c', 'u', '1')]);
    expect(after.ids).toEqual(['b', 'c']);
  });

  it('keeps at most replayMaxEntries', () => {
    hub = make({ replayMaxEntries: 2 });
    for (const id of ['a', 'b', 'c']) hub.publish([instance(id, id, 'u', '1')]);
    const s = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }], s, 'none');
    expect(s.ids).toEqual(['b', 'c']);
  });

  it('cuts off a subscriber whose unsent bytes pass the limit, and counts it', () => {
    hub = make();
    const slow = new Sink();
    const fast = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }], slow);
    hub.subscribe([{ name: 'u', id: '1' }], fast);
    slow.writableLength = 1001;
    expect(hub.publish([instance('x', 'x', 'u', '1')])).toBe(1);
    expect(slow.destroyed).toBe(true);
    expect(fast.ids).toEqual(['x']);
    expect(hub.counters.cutOff).toBe(1);
    expect(hub.subscriberCount).toBe(1);
    hub.publish([instance('y', 'y', 'u', '1')]);
    expect(slow.ids).toEqual([]);
  });

  it('pings every subscriber', async () => {
    hub = make({ pingIntervalMs: 10 });
    const s = new Sink();
    hub.subscribe([{ name: 'u', id: '1' }], s);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.chunks).toContain(': ping\n\n');
  });
});
