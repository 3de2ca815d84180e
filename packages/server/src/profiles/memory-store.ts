/**
 * The embedded Profiles Store: state in memory, made durable by the event log and snapshots
 * (stream/durability.ts). One record per (attribute key, identifier): an array indexed by a slot
 * number given to each definition hash, holding that definition's state. Arrays indexed by slot
 * are smaller and faster than objects keyed by hash, which matters at a million identifiers.
 * Processed event ids are remembered for `dedupeHorizonMs`.
 */
import { type AggregationSpec, type AttributeState, applyEvent, isExpired } from '@signalbox/core';
import type { ProfilesStore } from './profiles-store.js';

type Profile = Array<AttributeState | undefined>;

export const DEDUPE_HORIZON_MS = 24 * 3600 * 1000;

/** What a snapshot of the store holds; v8-serialisable. */
export interface MemoryStoreImage {
  /** slot → definition hash */
  hashes: string[];
  profiles: Map<string, Profile>;
  processed: Map<string, number>;
  /** Fired-intervention markers per (attribute key, identifier): marker → expiry. Absent in older snapshots. */
  markers?: Map<string, Map<string, number>>;
}

const profileId = (keyName: string, id: string) => `${keyName}\u0001${id}`;

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
  /**
   * event_id → processing time in whole seconds (a small integer, stored unboxed); insertion order
   * is processing order, so the oldest come first.
   */
  private processed = new Map<string, number>();
  /** Fired-intervention markers, apart from attribute state: (key, id) → marker → expiry. */
  private markers = new Map<string, Map<string, number>>();
  private hashes: string[] = [];
  private slots = new Map<string, number>();
  /** The engine applies an event's attributes for one identifier back to back: remember the last profile. */
  private lastKeyName = '';
  private lastId = '';
  private lastProfile: Profile | undefined;

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

  private profile(keyName: string, id: string): Profile | undefined {
    if (this.lastProfile && id === this.lastId && keyName === this.lastKeyName) return this.lastProfile;
    const profile = this.profiles.get(profileId(keyName, id));
    this.lastKeyName = keyName;
    this.lastId = id;
    this.lastProfile = profile;
    return profile;
  }

  private forgetLast(): void {
    this.lastProfile = undefined;
  }

  markProcessed(eventId: string, now: number): boolean {
    if (this.processed.has(eventId)) return false;
    this.processed.set(detach(eventId), Math.floor(now / 1000));
    return true;
  }

  apply(keyName: string, id: string, hash: string, spec: AggregationSpec, value: unknown, time: number, now: number): boolean {
    const slot = this.slotOf(hash);
    let profile = this.profile(keyName, id);
    const kept = typeof value === 'string' ? detach(value) : value;
    const next = applyEvent(spec, profile?.[slot], kept, time, now);
    if (!next) return false;
    if (!profile) {
      profile = new Array<AttributeState | undefined>(this.hashes.length);
      this.profiles.set(detach(profileId(keyName, id)), profile);
      this.lastKeyName = keyName;
      this.lastId = id;
      this.lastProfile = profile;
    }
    profile[slot] = next;
    return true;
  }

  read(keyName: string, id: string, hash: string, spec: AggregationSpec, now: number): AttributeState | undefined {
    const slot = this.slots.get(hash);
    if (slot === undefined) return undefined;
    const state = this.profile(keyName, id)?.[slot];
    return state && !isExpired(spec, state, now) ? state : undefined;
  }

  hasMarker(keyName: string, id: string, marker: string, now: number): boolean {
    const expiresAt = this.markers.get(profileId(keyName, id))?.get(marker);
    return expiresAt !== undefined && expiresAt > now;
  }

  setMarker(keyName: string, id: string, marker: string, expiresAt: number): void {
    const pid = profileId(keyName, id);
    let set = this.markers.get(pid);
    if (!set) {
      set = new Map();
      this.markers.set(detach(pid), set);
    }
    set.set(marker, expiresAt);
  }

  deleteIdentifier(keyName: string, id: string): boolean {
    this.forgetLast();
    const pid = profileId(keyName, id);
    const hadMarkers = this.markers.delete(pid);
    return this.profiles.delete(pid) || hadMarkers;
  }

  dropDefinitions(hashes: ReadonlySet<string>): void {
    const slots = [...hashes].map((h) => this.slots.get(h)).filter((s): s is number => s !== undefined);
    if (slots.length === 0) return;
    this.forgetLast();
    for (const [pid, profile] of this.profiles) {
      for (const slot of slots) profile[slot] = undefined;
      if (!profile.some((s) => s !== undefined)) this.profiles.delete(pid);
    }
  }

  sweep(now: number, specs: ReadonlyMap<string, AggregationSpec>): void {
    this.forgetLast();
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
    for (const [pid, set] of this.markers) {
      for (const [marker, expiresAt] of set) if (expiresAt <= now) set.delete(marker);
      if (set.size === 0) this.markers.delete(pid);
    }
    for (const [pid, markers] of this.markers) {
      for (const [marker, expiresAt] of markers) if (expiresAt <= now) markers.delete(marker);
      if (markers.size === 0) this.markers.delete(pid);
    }
    const horizon = Math.floor((now - this.dedupeHorizonMs) / 1000);
    for (const [eventId, at] of this.processed) {
      if (at > horizon) break;
      this.processed.delete(eventId);
    }
  }

  stats(): { identifiers: number; processedEvents: number } {
    return { identifiers: this.profiles.size, processedEvents: this.processed.size };
  }

  image(): MemoryStoreImage {
    return { hashes: this.hashes, profiles: this.profiles, processed: this.processed, markers: this.markers };
  }

  restore(image: MemoryStoreImage): void {
    this.forgetLast();
    this.hashes = image.hashes;
    this.slots = new Map(image.hashes.map((h, i) => [h, i]));
    this.profiles = image.profiles;
    this.processed = image.processed;
    this.markers = image.markers ?? new Map();
  }
}
