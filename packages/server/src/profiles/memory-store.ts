/**
 * The embedded Profiles Store: state in memory, made durable by the event log and snapshots
 * (stream/durability.ts). One record per (attribute key, identifier) holding each definition's
 * state under its hash; processed event ids are remembered for `dedupeHorizonMs`.
 */
import { type AggregationSpec, type AttributeState, applyEvent, isExpired } from '@signalbox/core';
import type { ProfilesStore } from './profiles-store.js';

type Profile = Record<string, AttributeState>;

export const DEDUPE_HORIZON_MS = 24 * 3600 * 1000;

/** What a snapshot of the store holds; v8-serialisable. */
export interface MemoryStoreImage {
  profiles: Map<string, Profile>;
  processed: Map<string, number>;
}

const profileId = (keyName: string, id: string) => `${keyName}\u0001${id}`;

export class MemoryProfilesStore implements ProfilesStore {
  private profiles = new Map<string, Profile>();
  /** event_id → processing time; insertion order is processing order, so the oldest come first. */
  private processed = new Map<string, number>();

  constructor(private readonly dedupeHorizonMs = DEDUPE_HORIZON_MS) {}

  markProcessed(eventId: string, now: number): boolean {
    if (this.processed.has(eventId)) return false;
    this.processed.set(eventId, now);
    return true;
  }

  apply(keyName: string, id: string, hash: string, spec: AggregationSpec, value: unknown, time: number, now: number): boolean {
    const pid = profileId(keyName, id);
    let profile = this.profiles.get(pid);
    const next = applyEvent(spec, profile?.[hash], value, time, now);
    if (!next) return false;
    if (!profile) {
      profile = {};
      this.profiles.set(pid, profile);
    }
    profile[hash] = next;
    return true;
  }

  read(keyName: string, id: string, hash: string, spec: AggregationSpec, now: number): AttributeState | undefined {
    const state = this.profiles.get(profileId(keyName, id))?.[hash];
    return state && !isExpired(spec, state, now) ? state : undefined;
  }

  deleteIdentifier(keyName: string, id: string): boolean {
    return this.profiles.delete(profileId(keyName, id));
  }

  dropDefinitions(hashes: ReadonlySet<string>): void {
    if (hashes.size === 0) return;
    for (const [pid, profile] of this.profiles) {
      for (const hash of hashes) delete profile[hash];
      if (Object.keys(profile).length === 0) this.profiles.delete(pid);
    }
  }

  sweep(now: number, specs: ReadonlyMap<string, AggregationSpec>): void {
    for (const [pid, profile] of this.profiles) {
      let live = 0;
      for (const hash of Object.keys(profile)) {
        const spec = specs.get(hash);
        // State of definitions no longer published is kept until its group version is deleted.
        if (spec && isExpired(spec, profile[hash]!, now)) delete profile[hash];
        else live++;
      }
      if (live === 0) this.profiles.delete(pid);
    }
    const horizon = now - this.dedupeHorizonMs;
    for (const [eventId, at] of this.processed) {
      if (at > horizon) break;
      this.processed.delete(eventId);
    }
  }

  stats(): { identifiers: number; processedEvents: number } {
    return { identifiers: this.profiles.size, processedEvents: this.processed.size };
  }

  image(): MemoryStoreImage {
    return { profiles: this.profiles, processed: this.processed };
  }

  restore(image: MemoryStoreImage): void {
    this.profiles = image.profiles;
    this.processed = image.processed;
  }
}
