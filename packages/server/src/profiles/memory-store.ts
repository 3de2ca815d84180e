/**
 * The embedded Profiles Store: state in memory, made durable by the event log and snapshots
 * (stream/durability.ts). One record per (attribute key, identifier): an array indexed by a slot
 * number given to each definition hash, holding that definition's state. Arrays indexed by slot
 * are smaller and faster than objects keyed by hash, which matters at a million identifiers.
 *
 * Dedupe entries (design §3) are one map keyed by (attribute key, identifier, event id), remembered
 * for `dedupeHorizonMs`; insertion order is processing order, so sweeping stops at the first live
 * entry. Deleting an identifier scans it, which is rare and cheaper than a map per identifier.
 *
 * Everything is computed synchronously and returned as resolved promises: one promise per
 * committed batch, not per event.
 */
import { type AggregationSpec, type AttributeState, applyEvent, isExpired } from '@signalbox/core';
import type {
  ApplyResult, BatchValue, BatchValueRequest, BatchValueWrite, EventOutcome, IdentifierUpdate, ProfilesStore, ReadRequest,
} from './profiles-store.js';

type Profile = Array<AttributeState | undefined>;

export const DEDUPE_HORIZON_MS = 24 * 3600 * 1000;

/** What a snapshot of the store holds; v8-serialisable. */
export interface MemoryStoreImage {
  /** slot → definition hash */
  hashes: string[];
  profiles: Map<string, Profile>;
  /** dedupe key (see `dedupeKey`) → processing time in whole seconds */
  consumed: Map<string, number>;
  /** Fired-intervention markers per (attribute key, identifier): marker → expiry. */
  markers: Map<string, Map<string, number>>;
  /** Batch values per (attribute key, identifier): definition hash → value. */
  batchValues: Map<string, Map<string, BatchValue>>;
}

const profileId = (keyName: string, id: string) => `${keyName}\u0001${id}`;
const dedupeKey = (pid: string, eventId: string) => `${pid}\u0002${eventId}`;

/**
 * A flat copy of `text` that shares no memory with the string it came from. Strings cut from a
 * request body (split, slice) are views into the whole body; keeping one in a long-lived map
 * would keep the entire body alive. (A `slice` of a copy would itself be a view, so copy through
 * a buffer.)
 */
function detach(text: string): string {
  return text.length < 13 ? text.slice() : Buffer.from(text, 'utf8').toString('utf8');
}

export class MemoryProfilesStore implements ProfilesStore {
  private profiles = new Map<string, Profile>();
  /** Dedupe entries: (key, identifier, event id) → processing time in whole seconds (stored unboxed), oldest first. */
  private consumed = new Map<string, number>();
  /** Fired-intervention markers, apart from attribute state: (key, id) → marker → expiry. */
  private markers = new Map<string, Map<string, number>>();
  private batchValues = new Map<string, Map<string, BatchValue>>();
  private hashes: string[] = [];
  private slots = new Map<string, number>();

  constructor(private readonly dedupeHorizonMs = DEDUPE_HORIZON_MS) {}

  private slotOf(hash: string): number {
    let slot = this.slots.get(hash);
    if (slot === undefined) {
      slot = this.hashes.length;
      this.hashes.push(hash);
      this.slots.set(hash, slot);
    }
    return slot;
  }

  apply(updates: readonly IdentifierUpdate[], now: number): Promise<ApplyResult> {
    return Promise.resolve({ outcomes: updates.map((u) => this.applyNow(u, now)) });
  }

  /** The synchronous core of `apply`, for one identifier. */
  applyNow(update: IdentifierUpdate, now: number): EventOutcome[] {
    const pid = profileId(update.keyName, update.id);
    let profile = this.profiles.get(pid);
    const at = Math.floor(now / 1000);
    const outcomes: EventOutcome[] = [];
    for (const event of update.events) {
      const dedupe = dedupeKey(pid, event.eventId);
      if (this.consumed.has(dedupe)) {
        outcomes.push(null);
        continue;
      }
      this.consumed.set(detach(dedupe), at);
      const applied: boolean[] = [];
      for (const u of event.updates) {
        const slot = this.slotOf(u.hash);
        const kept = typeof u.value === 'string' ? detach(u.value) : u.value;
        const next = applyEvent(u.spec, profile?.[slot], kept, u.time, now);
        applied.push(next !== undefined);
        if (!next) continue;
        if (!profile) {
          profile = new Array<AttributeState | undefined>(this.hashes.length);
          this.profiles.set(detach(pid), profile);
        }
        profile[slot] = next;
      }
      outcomes.push(applied);
    }
    return outcomes;
  }

  read(requests: readonly ReadRequest[], now: number): Promise<Array<Array<AttributeState | undefined>>> {
    return Promise.resolve(requests.map((r) => this.readNow(r, now)));
  }

  /** The synchronous core of `read`, for one identifier. */
  readNow(request: ReadRequest, now: number): Array<AttributeState | undefined> {
    const profile = this.profiles.get(profileId(request.keyName, request.id));
    return request.attributes.map(({ hash, spec }) => {
      const slot = this.slots.get(hash);
      const state = slot === undefined ? undefined : profile?.[slot];
      return state && !isExpired(spec, state, now) ? state : undefined;
    });
  }

  claim(keyName: string, id: string, marker: string, expiresAt: number, now: number): Promise<boolean> {
    const pid = profileId(keyName, id);
    let set = this.markers.get(pid);
    if (!set) {
      set = new Map();
      this.markers.set(detach(pid), set);
    }
    const held = set.get(marker);
    set.set(marker, expiresAt);
    return Promise.resolve(held === undefined || held <= now);
  }

  renew(keyName: string, id: string, marker: string, expiresAt: number, now: number): Promise<void> {
    const set = this.markers.get(profileId(keyName, id));
    const held = set?.get(marker);
    if (held !== undefined && held > now) set!.set(marker, expiresAt);
    return Promise.resolve();
  }

  writeBatchValues(values: readonly BatchValueWrite[]): Promise<void> {
    for (const { keyName, id, hash, value, timestamp } of values) {
      const pid = profileId(keyName, id);
      let held = this.batchValues.get(pid);
      if (!held) {
        held = new Map();
        this.batchValues.set(detach(pid), held);
      }
      const previous = held.get(hash);
      if (!previous || previous.timestamp <= timestamp) held.set(hash, { value, timestamp });
    }
    return Promise.resolve();
  }

  readBatchValues(requests: readonly BatchValueRequest[]): Promise<Array<Array<BatchValue | undefined>>> {
    return Promise.resolve(requests.map(({ keyName, id, hashes }) => {
      const held = this.batchValues.get(profileId(keyName, id));
      return hashes.map((h) => held?.get(h));
    }));
  }

  deleteIdentifier(keyName: string, id: string): Promise<boolean> {
    const pid = profileId(keyName, id);
    let found = this.profiles.delete(pid);
    found = this.markers.delete(pid) || found;
    found = this.batchValues.delete(pid) || found;
    const prefix = dedupeKey(pid, '');
    for (const key of this.consumed.keys()) if (key.startsWith(prefix)) this.consumed.delete(key);
    return Promise.resolve(found);
  }

  dropDefinitions(hashes: ReadonlySet<string>): Promise<void> {
    const slots = [...hashes].map((h) => this.slots.get(h)).filter((s): s is number => s !== undefined);
    for (const [pid, profile] of slots.length > 0 ? this.profiles : []) {
      for (const slot of slots) profile[slot] = undefined;
      if (!profile.some((s) => s !== undefined)) this.profiles.delete(pid);
    }
    for (const [pid, held] of this.batchValues) {
      for (const hash of hashes) held.delete(hash);
      if (held.size === 0) this.batchValues.delete(pid);
    }
    return Promise.resolve();
  }

  /** Remove expired state and markers, and forget dedupe entries older than the dedupe horizon. */
  sweep(now: number, specs: ReadonlyMap<string, AggregationSpec>): void {
    const bySlot = this.hashes.map((h) => specs.get(h));
    for (const [pid, profile] of this.profiles) {
      let live = 0;
      for (let slot = 0; slot < profile.length; slot++) {
        const state = profile[slot];
        if (!state) continue;
        const spec = bySlot[slot];
        // State of definitions no longer published is kept until its group version is deleted.
        if (spec && isExpired(spec, state, now)) profile[slot] = undefined;
        else live++;
      }
      if (live === 0) this.profiles.delete(pid);
    }
    for (const [pid, markers] of this.markers) {
      for (const [marker, expiresAt] of markers) if (expiresAt <= now) markers.delete(marker);
      if (markers.size === 0) this.markers.delete(pid);
    }
    const horizon = Math.floor((now - this.dedupeHorizonMs) / 1000);
    for (const [key, at] of this.consumed) {
      if (at > horizon) break;
      this.consumed.delete(key);
    }
  }

  stats(): { identifiers: number; processedEvents: number } {
    return { identifiers: this.profiles.size, processedEvents: this.consumed.size };
  }

  image(): MemoryStoreImage {
    const { hashes, profiles, consumed, markers, batchValues } = this;
    return { hashes, profiles, consumed, markers, batchValues };
  }

  restore(image: Partial<MemoryStoreImage> & Pick<MemoryStoreImage, 'hashes' | 'profiles'>): void {
    this.hashes = image.hashes;
    this.slots = new Map(image.hashes.map((h, i) => [h, i]));
    this.profiles = image.profiles;
    // Snapshots written before per-identifier dedupe hold none of these; their log replays the rest.
    this.consumed = image.consumed ?? new Map();
    this.markers = image.markers ?? new Map();
    this.batchValues = image.batchValues ?? new Map();
  }
}
