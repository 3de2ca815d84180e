/**
 * The embedded Profiles Store (design §4 "Profiles Store"): state in memory, made durable by the
 * event log and snapshots (stream/durability.ts), so a commit has nothing to write.
 *
 * - One `Profile` per (attribute key, identifier): an array holding, after the second at which
 *   it last consumed an event, the state of each definition at the slot number given to its hash
 *   (smaller and faster than an object keyed by hash, which matters at a million identifiers).
 *   Markers and batch values, which few identifiers have, are kept in maps of their own.
 * - Working sets are handed out one at a time: a `load` waits until the open one commits. Records
 *   are the live profiles, so a commit is only the release, and folding a batch costs no copies.
 * - Consumed events: one map, event id → the profile (or profiles) that consumed it, in
 *   processing order, and apart from it the processing second at which the map reached each size,
 *   so the sweep forgets the oldest first without a timestamp per event (an event costs one map
 *   entry pointing at a profile that exists anyway). Membership is by profile object, so a
 *   deleted identifier forgets what it consumed, and a profile is kept (even empty) while
 *   something it consumed is remembered.
 */
import type { AggregationSpec } from '@signalbox/core';
import { type AttributeState, isExpired } from '@signalbox/core/internal';
import {
  type BatchValue,
  type BatchValueWrite,
  DEDUPE_HORIZON_MS,
  type ProfileRecord,
  type ProfileRef,
  type ProfilesStore,
  type ReadableDefinition,
  type WorkingSet,
} from './profiles-store.js';
import { detach } from '../detach.js';

/** [second it last consumed an event, ...state by slot]: `profile[1 + slot]`. */
type Profile = [consumedAt: number, ...states: Array<AttributeState | undefined>];
const FIRST_SLOT = 1;

/**
 * Who consumed an event. `true` comes from a snapshot written before dedupe was per identifier:
 * the event counts as consumed everywhere.
 */
type Consumers = Profile | Profile[] | true;

/** What a snapshot of the store holds; v8-serialisable (object identity is kept within one image). */
export type MemoryStoreImage = FormatTwoImage | FormatOneImage;

interface FormatTwoImage {
  format: 2;
  /** slot → definition hash */
  hashes: string[];
  profiles: Map<string, Profile>;
  processed: Map<string, Consumers>;
  /** [second, size of `processed` at the end of that second] pairs, oldest first. */
  ages: number[];
  markers: Map<string, Map<string, number>>;
  batch: Map<string, Map<string, BatchValue>>;
}

interface FormatOneImage {
  format?: undefined;
  hashes: string[];
  /** (key, id) → state by slot */
  profiles: Map<string, Array<AttributeState | undefined>>;
  /** event id → processing time in whole seconds */
  processed: Map<string, number>;
  markers?: Map<string, Map<string, number>>;
}

const profileId = (keyName: string, id: string) => `${keyName}\u0001${id}`;
const seconds = (ms: number) => Math.floor(ms / 1000);

export class MemoryProfilesStore implements ProfilesStore {
  private profiles = new Map<string, Profile>();
  /** Fired-intervention markers: (key, id) → marker → expiry (epoch ms). */
  private markers = new Map<string, Map<string, number>>();
  /** Batch values: (key, id) → definition hash → value. */
  private batch = new Map<string, Map<string, BatchValue>>();
  private processed = new Map<string, Consumers>();
  /**
   * When entries were added: flat [second, entries added up to the end of it] pairs, oldest
   * first, counted from `forgotten` (the entries the sweep removed from the front so far).
   */
  private ages: number[] = [];
  private added = 0;
  private forgotten = 0;
  private hashes: string[] = [];
  private slots = new Map<string, number>();
  /** The open working set's release, while one is open. */
  private working: Promise<void> | undefined;

  constructor(private readonly dedupeHorizonMs = DEDUPE_HORIZON_MS) {}

  // ---- for MemoryRecord (below): the store's side of a record, not part of the contract ----

  /** Where a definition's state sits in a profile; a new hash gets the next slot. */
  indexOf(hash: string): number {
    let slot = this.slots.get(hash);
    if (slot === undefined) {
      slot = this.hashes.length;
      this.hashes.push(hash);
      this.slots.set(hash, slot);
    }
    return FIRST_SLOT + slot;
  }

  existingIndexOf(hash: string): number | undefined {
    const slot = this.slots.get(hash);
    return slot === undefined ? undefined : FIRST_SLOT + slot;
  }

  profileFor(pid: string): Profile {
    let profile = this.profiles.get(pid);
    if (!profile) {
      // Sized for every definition known: growing an array by index over-allocates.
      profile = new Array(FIRST_SLOT + this.hashes.length) as Profile;
      profile[0] = 0;
      this.profiles.set(detach(pid), profile);
    }
    return profile;
  }

  markersOf(pid: string): Map<string, number> | undefined {
    return this.markers.get(pid);
  }

  setMarker(pid: string, marker: string, expiresAt: number): void {
    let markers = this.markers.get(pid);
    if (!markers) {
      markers = new Map();
      this.markers.set(detach(pid), markers);
    }
    markers.set(marker, expiresAt);
  }

  hasConsumed(eventId: string, profile: Profile | undefined): boolean {
    const consumers = this.processed.get(eventId);
    if (consumers === undefined) return false;
    if (consumers === true) return true;
    return profile !== undefined && (consumers === profile || (isProfileList(consumers) && consumers.includes(profile)));
  }

  consume(eventId: string, profile: Profile, now: number): void {
    const at = seconds(now);
    profile[0] = at;
    const consumers = this.processed.get(eventId);
    if (consumers === undefined) {
      this.processed.set(detach(eventId), profile);
      this.added++;
      const { ages } = this;
      if (ages.length > 0 && ages[ages.length - 2] === at) ages[ages.length - 1] = this.added;
      else ages.push(at, this.added);
    } else if (consumers === true || consumers === profile) {
      // already consumed here
    } else if (isProfileList(consumers)) {
      if (!consumers.includes(profile)) consumers.push(profile);
    } else {
      this.processed.set(eventId, [consumers, profile]);
    }
  }

  // ---- the ProfilesStore contract -------------------------------------------------------

  async load(refs: readonly ProfileRef[], now: number): Promise<WorkingSet> {
    while (this.working) await this.working;
    let release!: () => void;
    this.working = new Promise((resolve) => (release = resolve));
    const records = refs.map(({ keyName, id }) => {
      const pid = profileId(keyName, id);
      return new MemoryRecord(this, keyName, id, pid, this.profiles.get(pid), now);
    });
    const done = () => {
      this.working = undefined;
      release();
    };
    return {
      records,
      commit: () => {
        done();
        return Promise.resolve();
      },
      abandon: done,
    };
  }

  read(keyName: string, ids: readonly string[], definitions: readonly ReadableDefinition[], now: number): Promise<Array<Array<AttributeState | undefined>>> {
    const at = definitions.map((d) => this.existingIndexOf(d.hash));
    const out = ids.map((id) => {
      const profile = this.profiles.get(profileId(keyName, id));
      return definitions.map((d, j) => {
        const i = at[j];
        const state = profile && i !== undefined ? (profile[i] as AttributeState | undefined) : undefined;
        return state && !isExpired(d.spec, state, now) ? state : undefined;
      });
    });
    return Promise.resolve(out);
  }

  writeBatchValues(values: readonly BatchValueWrite[]): Promise<void> {
    for (const { keyName, id, hash, value, timestamp } of values) {
      const pid = profileId(keyName, id);
      let held = this.batch.get(pid);
      if (!held) {
        held = new Map();
        this.batch.set(detach(pid), held);
      }
      const previous = held.get(hash);
      if (previous && previous.timestamp > timestamp) continue;
      held.set(hash, { value, timestamp });
    }
    return Promise.resolve();
  }

  readBatchValues(keyName: string, ids: readonly string[], hashes: readonly string[]): Promise<Array<Array<BatchValue | undefined>>> {
    return Promise.resolve(
      ids.map((id) => {
        const held = this.batch.get(profileId(keyName, id));
        return hashes.map((h) => held?.get(h));
      }),
    );
  }

  async deleteIdentifier(keyName: string, id: string): Promise<boolean> {
    while (this.working) await this.working;
    const pid = profileId(keyName, id);
    const profile = this.profiles.get(pid);
    const hadMarkers = this.markers.delete(pid);
    const hadBatch = this.batch.delete(pid);
    if (profile) {
      this.profiles.delete(pid);
      // Dedupe entries still point at the old profile until the sweep: leave nothing of the person in it.
      profile.length = 1;
    }
    return profile !== undefined || hadMarkers || hadBatch;
  }

  async dropDefinitions(hashes: ReadonlySet<string>): Promise<void> {
    while (this.working) await this.working;
    const indexes = [...hashes].map((h) => this.existingIndexOf(h)).filter((i): i is number => i !== undefined);
    if (indexes.length === 0) return;
    for (const profile of this.profiles.values()) {
      for (const i of indexes) if (i < profile.length) profile[i] = undefined;
    }
  }

  // ---- embedded only: sweeping, stats and snapshot images ----------------------------------

  /** Remove expired state and markers, forget consumed events older than the dedupe horizon, and drop empty profiles. */
  sweep(now: number, specs: ReadonlyMap<string, AggregationSpec>): void {
    const bySlot = this.hashes.map((h) => specs.get(h));
    const horizon = seconds(now - this.dedupeHorizonMs);
    for (const [pid, profile] of this.profiles) {
      let live = 0;
      for (let i = FIRST_SLOT; i < profile.length; i++) {
        const state = profile[i] as AttributeState | undefined;
        if (!state) continue;
        const spec = bySlot[i - FIRST_SLOT];
        // State of definitions no longer published is kept until its group version is deleted.
        if (spec && isExpired(spec, state, now)) profile[i] = undefined;
        else live++;
      }
      if (live === 0 && profile[0] <= horizon) this.profiles.delete(pid);
    }
    for (const [pid, markers] of this.markers) {
      for (const [marker, expiresAt] of markers) if (expiresAt <= now) markers.delete(marker);
      if (markers.size === 0) this.markers.delete(pid);
    }
    // Entries are only ever removed here, from the front: the ages say how many to remove.
    let until = this.forgotten;
    let pairs = 0;
    while (pairs < this.ages.length && this.ages[pairs]! <= horizon) {
      until = this.ages[pairs + 1]!;
      pairs += 2;
    }
    this.ages.splice(0, pairs);
    let remove = until - this.forgotten;
    this.forgotten = until;
    for (const eventId of this.processed.keys()) {
      if (remove-- <= 0) break;
      this.processed.delete(eventId);
    }
  }

  stats(): { identifiers: number; processedEvents: number } {
    return { identifiers: this.profiles.size, processedEvents: this.processed.size };
  }

  image(): MemoryStoreImage {
    // Ages counted from the front of the map as it is now.
    const ages = this.ages.map((v, i) => (i % 2 === 0 ? v : v - this.forgotten));
    return { format: 2, hashes: this.hashes, profiles: this.profiles, processed: this.processed, ages, markers: this.markers, batch: this.batch };
  }

  restore(image: MemoryStoreImage): void {
    this.hashes = image.hashes;
    this.slots = new Map(image.hashes.map((h, i) => [h, i]));
    this.added = image.processed.size;
    this.forgotten = 0;
    this.markers = image.markers ?? new Map();
    if (image.format === 2) {
      this.profiles = image.profiles;
      this.processed = image.processed;
      this.ages = image.ages;
      this.batch = image.batch;
      return;
    }
    // Format 1: profiles held only states, and every event id was remembered with its
    // processing second for the whole store.
    this.batch = new Map();
    this.profiles = new Map();
    for (const [pid, states] of image.profiles) this.profiles.set(pid, [0, ...states]);
    this.processed = new Map();
    this.ages = [];
    let n = 0;
    for (const [eventId, at] of image.processed) {
      this.processed.set(eventId, true);
      n++;
      if (this.ages.length > 0 && this.ages[this.ages.length - 2] === at) this.ages[this.ages.length - 1] = n;
      else this.ages.push(at, n);
    }
  }
}

/** A profile is an array too: a list of consumers is the array whose first element is not a number. */
function isProfileList(consumers: Profile | Profile[]): consumers is Profile[] {
  return typeof consumers[0] !== 'number';
}

/** A live profile seen through the working-set contract; the profile is created on the first write. */
class MemoryRecord implements ProfileRecord {
  constructor(
    private readonly store: MemoryProfilesStore,
    readonly keyName: string,
    readonly id: string,
    private readonly pid: string,
    private profile: Profile | undefined,
    private readonly now: number,
  ) {}

  /** The engine reads a definition's state, then sets it: look its index up once. */
  private lastHash = '';
  private lastIndex = 0;

  private written(): Profile {
    return (this.profile ??= this.store.profileFor(this.pid));
  }

  state(hash: string): AttributeState | undefined {
    if (!this.profile) return undefined;
    const i = this.store.existingIndexOf(hash);
    if (i === undefined) return undefined;
    this.lastHash = hash;
    this.lastIndex = i;
    return this.profile[i] as AttributeState | undefined;
  }

  setState(hash: string, state: AttributeState): void {
    const i = hash === this.lastHash ? this.lastIndex : this.store.indexOf(hash);
    this.written()[i] = state;
  }

  hasConsumed(eventId: string): boolean {
    return this.store.hasConsumed(eventId, this.profile);
  }

  consume(eventId: string): void {
    this.store.consume(eventId, this.written(), this.now);
  }

  markerExpiry(marker: string): number | undefined {
    return this.store.markersOf(this.pid)?.get(marker);
  }

  setMarker(marker: string, expiresAt: number): void {
    this.store.setMarker(this.pid, marker, expiresAt);
  }
}
