/**
 * The SSE hub (design §3, reference §3.5, §16.4): delivers interventions to the subscribers of
 * their target (attribute key, identifier).
 *
 * - Frames are `id: <intervention_id>`, `data: <compact JSON>`, blank line; `: ping` comments
 *   keep idle connections open.
 * - A subscriber receives each intervention once, even when it listens on several of its targets
 *   or reconnects: it remembers the ids it was sent.
 * - Recent interventions (a time window and a count) are kept; a reconnect with `Last-Event-ID`
 *   gets those after that id for its targets — all of the window when the id is unknown or
 *   already evicted, since everything kept was then possibly missed.
 * - Writing never waits: frames go to the socket's buffer. A subscriber whose unsent bytes pass
 *   the limit (a stuck or slow reader) is cut off and counted, so it can neither block the engine
 *   nor hold memory, and others are unaffected.
 */
import type { InterventionInstance } from '@signalbox/core';

/** The part of a Node response the hub uses. */
export interface SseSink {
  write(chunk: string): unknown;
  readonly writableLength: number;
  destroy(): void;
}

export interface HubOptions {
  pingIntervalMs: number;
  replayWindowMs: number;
  replayMaxEntries: number;
  subscriberBufferBytes: number;
  clock: () => number;
}

export interface Target {
  name: string;
  id: string;
}

export interface HubCounters {
  /** Frames written to subscribers. */
  framesSent: number;
  /** Subscribers closed because their unsent bytes passed the limit. */
  cutOff: number;
  /** Frames replayed on reconnect. */
  replayed: number;
  subscriptions: number;
}

interface RecentEntry {
  id: string;
  at: number;
  /** Target → frame text. */
  frames: Map<string, string>;
}

const SEEN_LIMIT = 4096;
const targetKey = (name: string, id: string) => `${name}\u0000${id}`;

export function frameOf(instance: InterventionInstance): string {
  return `id: ${instance.intervention_id}\ndata: ${JSON.stringify(instance)}\n\n`;
}

export class Subscriber {
  /** Ids already sent, oldest first (bounded: replay covers a short window only). */
  private readonly seen = new Set<string>();
  closed = false;

  constructor(
    readonly targets: ReadonlySet<string>,
    private readonly sink: SseSink,
    private readonly hub: InterventionHub,
  ) {}

  hasSeen(id: string): boolean {
    return this.seen.has(id);
  }

  markSeen(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value!);
  }

  /**
   * Write a frame; false when the subscriber is gone or is cut off now. The check is on what is
   * still unsent from earlier frames, so one large frame alone never cuts a reader off, and
   * memory per subscriber stays under the limit plus one frame.
   */
  send(text: string): boolean {
    if (this.closed) return false;
    if (this.sink.writableLength > this.hub.bufferLimit) {
      this.hub.cutOff(this);
      return false;
    }
    this.sink.write(text);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.destroy();
  }
}

export class InterventionHub {
  private readonly byTarget = new Map<string, Set<Subscriber>>();
  private readonly subscribers = new Set<Subscriber>();
  private recent: RecentEntry[] = [];
  private readonly pinger: NodeJS.Timeout;
  readonly counters: HubCounters = { framesSent: 0, cutOff: 0, replayed: 0, subscriptions: 0 };

  constructor(private readonly options: HubOptions) {
    this.pinger = setInterval(() => this.ping(), options.pingIntervalMs);
    this.pinger.unref();
  }

  get bufferLimit(): number {
    return this.options.subscriberBufferBytes;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Register a connection for its targets; with `lastEventId`, first send what it missed.
   * The caller removes it with `unsubscribe` when the connection closes.
   */
  subscribe(targets: readonly Target[], sink: SseSink, lastEventId?: string): Subscriber {
    const keys = new Set(targets.map((t) => targetKey(t.name, t.id)));
    const subscriber = new Subscriber(keys, sink, this);
    this.subscribers.add(subscriber);
    this.counters.subscriptions++;
    for (const k of keys) {
      let set = this.byTarget.get(k);
      if (!set) {
        set = new Set();
        this.byTarget.set(k, set);
      }
      set.add(subscriber);
    }
    if (lastEventId !== undefined) this.replay(subscriber, lastEventId);
    return subscriber;
  }

  unsubscribe(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    for (const k of subscriber.targets) {
      const set = this.byTarget.get(k);
      if (!set) continue;
      set.delete(subscriber);
      if (set.size === 0) this.byTarget.delete(k);
    }
  }

  cutOff(subscriber: Subscriber): void {
    if (subscriber.closed) return;
    this.counters.cutOff++;
    this.unsubscribe(subscriber);
    subscriber.close();
  }

  /**
   * Deliver the instances of one intervention (one id, one instance per target). Returns how
   * many subscribers it reached.
   */
  publish(instances: readonly InterventionInstance[]): number {
    if (instances.length === 0) return 0;
    const id = instances[0]!.intervention_id!;
    const entry: RecentEntry = { id, at: this.options.clock(), frames: new Map() };
    const reached = new Set<Subscriber>();
    for (const instance of instances) {
      const target = instance.target_attribute_key;
      if (!target) continue;
      const k = targetKey(target.name, target.id);
      const frame = frameOf(instance);
      entry.frames.set(k, frame);
      const set = this.byTarget.get(k);
      if (!set) continue;
      for (const subscriber of [...set]) {
        if (reached.has(subscriber) || subscriber.hasSeen(id)) continue;
        subscriber.markSeen(id);
        reached.add(subscriber);
        if (subscriber.send(frame)) this.counters.framesSent++;
      }
    }
    this.remember(entry);
    // A subscriber cut off by this very write was not reached.
    let delivered = 0;
    for (const s of reached) if (!s.closed) delivered++;
    return delivered;
  }

  private remember(entry: RecentEntry): void {
    this.recent.push(entry);
    this.evict();
  }

  private evict(): void {
    const oldest = this.options.clock() - this.options.replayWindowMs;
    let drop = 0;
    while (drop < this.recent.length && (this.recent[drop]!.at < oldest || this.recent.length - drop > this.options.replayMaxEntries)) drop++;
    if (drop > 0) this.recent = this.recent.slice(drop);
  }

  private replay(subscriber: Subscriber, lastEventId: string): void {
    this.evict();
    const index = this.recent.findIndex((e) => e.id === lastEventId);
    if (index >= 0) subscriber.markSeen(lastEventId);
    for (const entry of this.recent.slice(index + 1)) {
      if (subscriber.hasSeen(entry.id)) continue;
      for (const [k, frame] of entry.frames) {
        if (!subscriber.targets.has(k)) continue;
        subscriber.markSeen(entry.id);
        if (!subscriber.send(frame)) return;
        this.counters.replayed++;
        this.counters.framesSent++;
        break;
      }
    }
  }

  private ping(): void {
    for (const subscriber of [...this.subscribers]) subscriber.send(': ping\n\n');
  }

  /** Close every connection (server shutdown). */
  close(): void {
    clearInterval(this.pinger);
    for (const subscriber of [...this.subscribers]) {
      this.unsubscribe(subscriber);
      subscriber.close();
    }
  }
}
