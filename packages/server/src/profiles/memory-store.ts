/**
 * The embedded Profiles Store (design §4 "Profiles Store"): state in memory, made durable by the
 * event log and snapshots (stream/durability.ts), so a commit has nothing to write.
 *
 * - One `Profile` per (attribute key, identifier): an array of states indexed by a slot number
 *   given to each definition hash (smaller and faster than objects keyed by hash, which matters
 *   at a million identifiers), its markers, its batch values.
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

interface Profile {
  /** slot → state */
  states: Array<AttributeState | undefined>;
  /** Fired-intervention markers: marker → expiry (epoch ms). */
  markers: Map<string, number> | undefined;
  /** definition hash → batch value */
  batch: Map<string, BatchValue> | undefined;
  /** When this profile last consumed an event, in whole seconds. */
  consumedAt: number;
}

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
}

interface FormatOneImage {
  format?: undefined;
  hashes: string[];
  profiles: Map<string, Array<AttributeState | undefined>>;
  /** event id → processing time in whole seconds */
  processed: Map<string, number>;
  /** (key, id) → marker → expiry */
  markers?: Map<string, Map<string, number>>;
}

const profileId = (keyName: string, id: string) => `${keyName}\u0001${id}`;
const seconds = (ms: number) => Math.floor(ms / 1000);

const emptyProfile = (): Profile => ({ states: [], markers: undefined, batch: undefined, consumedAt: 0 });

export class MemoryProfilesStore implements ProfilesStore {
  private profiles = new Map<string, Profile>();
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

  slotOf(hash: string): number {
    let slot = this.slots.get(hash);
    if (slot === undefined) {
      slot = this.hashes.length;
      this.hashes.push(hash);
      this.slots.set(hash, slot);
    }
    return slot;
  }

  existingSlot(hash: string): number | undefined {
    return this.slots.get(hash);
  }

  /** The profile of (key, id), created and stored when absent. */
  profileFor(keyName: string, id: string): Profile {
    const pid = profileId(keyName, id);
    let profile = this.profiles.get(pid);
    if (!profile) {
      profile = emptyProfile();
      this.profiles.set(detach(pid), profile);
    }
    return profile;
  }

  hasConsumed(eventId: string, profile: Profile | undefined): boolean {
    const consumers = this.processed.get(eventId);
    if (consumers === undefined || profile === undefined) return consumers === true;
    return consumers === true || consumers === profile || (Array.isArray(consumers) && consumers.includes(profile));
  }

  consume(eventId: string, profile: Profile, now: number): void {
    const at = seconds(now);
    profile.consumedAt = at;
    const consumers = this.processed.get(eventId);
    if (consumers === undefined) {
      this.processed.set(detach(eventId), profile);
      this.added++;
      const { ages } = this;
      if (ages.length > 0 && ages[ages.length - 2] === at) ages[ages.length - 1] = this.added;
      else ages.push(at, this.added);
    } else if (Array.isArray(consumers)) {
      if (!consumers.includes(profile)) consumers.push(profile);
    } else if (consumers !== true && consumers !== profile) {
      this.processed.set(eventId, [consumers, profile]);
    }
  }

  async load(refs: readonly ProfileRef[], now: number): Promise<WorkingSet> {
    while (this.working) await this.working;
    let release!: () => void;
    this.working = new Promise((resolve) => (release = resolve));
    const byPid = new Map<string, MemoryRecord>();
    const records = refs.map(({ keyName, id }) => {
      const pid = profileId(keyName, id);
      let record = byPid.get(pid);
      if (!record) {
        record = new MemoryRecord(this, keyName, id, this.profiles.get(pid), now);
        byPid.set(pid, record);
      }
      return record;
    });
    return {
      records,
      commit: () => {
        this.working = undefined;
        release();
        return Promise.resolve();
      },
    };
  }

  read(keyName: string, ids: readonly string[], definitions: readonly ReadableDefinition[], now: number): Promise<Array<Array<AttributeState | undefined>>> {
    const slots = definitions.map((d) => this.slots.get(d.hash));
    const out = ids.map((id) => {
      const profile = this.profiles.get(profileId(keyName, id));
      return definitions.map((d, j) => {
        const slot = slots[j];
        const state = profile && slot !== undefined ? profile.states[slot] : undefined;
        return state && !isExpired(d.spec, state, now) ? state : undefined;
      });
    });
    return Promise.resolve(out);
  }

  writeBatchValues(values: readonly BatchValueWrite[]): Promise<void> {
    for (const { keyName, id, hash, value, timestamp } of values) {
      const profile = this.profileFor(keyName, id);
      profile.batch ??= new Map();
      const held = profile.batch.get(hash);
      if (held && held.timestamp > timestamp) continue;
      profile.batch.set(hash, { value, timestamp });
    }
    return Promise.resolve();
  }

  readBatchValues(keyName: string, ids: readonly string[], hashes: readonly string[]): Promise<Array<Array<BatchValue | undefined>>> {
    return Promise.resolve(
      ids.map((id) => {
        const batch = this.profiles.get(profileId(keyName, id))?.batch;
        return hashes.map((h) => batch?.get(h));
      }),
    );
  }

  async deleteIdentifier(keyName: string, id: string): Promise<boolean> {
    while (this.working) await this.working;
    const pid = profileId(keyName, id);
    const profile = this.profiles.get(pid);
    if (!profile) return false;
    this.profiles.delete(pid);
    // Dedupe entries still point at the old profile until the sweep: leave nothing of the person in it.
    Object.assign(profile, emptyProfile());
    return true;
  }

  async dropDefinitions(hashes: ReadonlySet<string>): Promise<void> {
    while (this.working) await this.working;
    const slots = [...hashes].map((h) => this.slots.get(h)).filter((s): s is number => s !== undefined);
    if (slots.length === 0) return;
    for (const profile of this.profiles.values()) {
      for (const slot of slots) profile.states[slot] = undefined;
    }
  }

  /** Remove expired state and markers, forget consumed events older than the dedupe horizon, and drop empty profiles. */
  sweep(now: number, specs: ReadonlyMap<string, AggregationSpec>): void {
    const bySlot = this.hashes.map((h) => specs.get(h));
    const horizon = seconds(now - this.dedupeHorizonMs);
    for (const [pid, profile] of this.profiles) {
      let live = 0;
      const { states } = profile;
      for (let slot = 0; slot < states.length; slot++) {
        const state = states[slot];
        if (!state) continue;
        const spec = bySlot[slot];
        // State of definitions no longer published is kept until its group version is deleted.
        if (spec && isExpired(spec, state, now)) states[slot] = undefined;
        else live++;
      }
      if (profile.markers) {
        for (const [marker, expiresAt] of profile.markers) if (expiresAt <= now) profile.markers.delete(marker);
        if (profile.markers.size === 0) profile.markers = undefined;
      }
      const kept = live > 0 || profile.markers !== undefined || profile.batch !== undefined || profile.consumedAt > horizon;
      if (!kept) this.profiles.delete(pid);
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
    return { format: 2, hashes: this.hashes, profiles: this.profiles, processed: this.processed, ages };
  }

  restore(image: MemoryStoreImage): void {
    this.hashes = image.hashes;
    this.slots = new Map(image.hashes.map((h, i) => [h, i]));
    this.added = image.processed.size;
    this.forgotten = 0;
    if (image.format === 2) {
      this.profiles = image.profiles;
      this.processed = image.processed;
      this.ages = image.ages;
      return;
    }
    // Format 1: profiles were bare state arrays, markers a map of their own, and every event
    // id was remembered with its processing second for the whole store.
    this.profiles = new Map();
    for (const [pid, states] of image.profiles) this.profiles.set(pid, { ...emptyProfile(), states });
    for (const [pid, markers] of image.markers ?? []) {
      const profile = this.profiles.get(pid) ?? emptyProfile();
      profile.markers = markers;
      this.profiles.set(pid, profile);
    }
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

/** A live profile seen through the working-set contract; the profile is created on the first write. */
class MemoryRecord implements ProfileRecord {
  constructor(
    private readonly store: MemoryProfilesStore,
    readonly keyName: string,
    readonly id: string,
    private profile: Profile | undefined,
    private readonly now: number,
  ) {}

  private written(): Profile {
    return (this.profile ??= this.store.profileFor(this.keyName, this.id));
  }

  state(hash: string): AttributeState | undefined {
    if (!this.profile) return undefined;
    const slot = this.store.existingSlot(hash);
    return slot === undefined ? undefined : this.profile.states[slot];
  }

  setState(hash: string, state: AttributeState): void {
    this.written().states[this.store.slotOf(hash)] = state;
  }

  hasConsumed(eventId: string): boolean {
    return this.store.hasConsumed(eventId, this.profile);
  }

  consume(eventId: string): void {
    this.store.consume(eventId, this.written(), this.now);
  }

  markerExpiry(marker: string): number | undefined {
    return this.profile?.markers?.get(marker);
  }

  setMarker(marker: string, expiresAt: number): void {
    const profile = this.written();
    (profile.markers ??= new Map()).set(marker, expiresAt);
  }
}
