/**
 * The embedded Profiles Store (design §4 "Profiles Store"): state in memory, made durable by the
 * event log and snapshots (stream/durability.ts), so a commit has nothing to write.
 *
 * - One `Profile` per (attribute key, identifier): an array of states indexed by a slot number
 *   given to each definition hash (smaller and faster than objects keyed by hash, which matters
 *   at a million identifiers), its markers, its batch values.
 * - Working sets are handed out one at a time: a `load` waits until the open one commits. Records
 *   are the live profiles, so a commit is only the release, and folding a batch costs no copies.
 * - Consumed events: one map, event id → [processing time in whole seconds, the profiles that
 *   consumed it…], in processing order so the sweep forgets the oldest first. Membership is by
 *   profile object, so a deleted identifier forgets what it consumed, and a profile is kept (even
 *   empty) while something it consumed is remembered.
 */
import { type AttributeState, type AggregationSpec, isExpired } from '@signalbox/core';
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
 * Who consumed an event: [processing time in whole seconds, ...profiles]. A bare number comes from
 * a snapshot written before dedupe was per identifier: the event counts as consumed everywhere.
 */
type Consumers = Array<number | Profile> | number;

/** What a snapshot of the store holds; v8-serialisable (object identity is kept within one image). */
export interface MemoryStoreImage {
  format?: 2;
  /** slot → definition hash */
  hashes: string[];
  profiles: Map<string, Profile> | Map<string, Array<AttributeState | undefined>>;
  processed: Map<string, Consumers>;
  /** Format 1 kept markers apart: (key, id) → marker → expiry. */
  markers?: Map<string, Map<string, number>>;
}

const profileId = (keyName: string, id: string) => `${keyName}\u0001${id}`;
const seconds = (ms: number) => Math.floor(ms / 1000);

const emptyProfile = (): Profile => ({ states: [], markers: undefined, batch: undefined, consumedAt: 0 });

export class MemoryProfilesStore implements ProfilesStore {
  private profiles = new Map<string, Profile>();
  private processed = new Map<string, Consumers>();
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
    if (consumers === undefined) return false;
    return typeof consumers === 'number' || (profile !== undefined && consumers.indexOf(profile, 1) > 0);
  }

  consume(eventId: string, profile: Profile, now: number): void {
    const at = seconds(now);
    profile.consumedAt = at;
    const consumers = this.processed.get(eventId);
    if (consumers === undefined) this.processed.set(detach(eventId), [at, profile]);
    else if (typeof consumers !== 'number') consumers.push(profile);
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
    for (const [eventId, consumers] of this.processed) {
      const at = typeof consumers === 'number' ? consumers : (consumers[0] as number);
      if (at > horizon) break;
      this.processed.delete(eventId);
    }
  }

  stats(): { identifiers: number; processedEvents: number } {
    return { identifiers: this.profiles.size, processedEvents: this.processed.size };
  }

  image(): MemoryStoreImage {
    return { format: 2, hashes: this.hashes, profiles: this.profiles, processed: this.processed };
  }

  restore(image: MemoryStoreImage): void {
    this.hashes = image.hashes;
    this.slots = new Map(image.hashes.map((h, i) => [h, i]));
    this.processed = image.processed;
    if (image.format === 2) {
      this.profiles = image.profiles as Map<string, Profile>;
      return;
    }
    // Format 1: profiles were bare state arrays and markers a map of their own.
    this.profiles = new Map();
    for (const [pid, states] of image.profiles as Map<string, Array<AttributeState | undefined>>) {
      this.profiles.set(pid, { ...emptyProfile(), states });
    }
    for (const [pid, markers] of image.markers ?? []) {
      const profile = this.profiles.get(pid) ?? emptyProfile();
      profile.markers = markers;
      this.profiles.set(pid, profile);
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
