/**
 * The stream engine over a Profiles Store that loses commit races (design §4 "Profiles Store"):
 * a networked store rejects a commit with `ProfilesConflictError` when another worker changed an
 * identifier since `load`, and the engine must run the batch again from `load` — counting every
 * event once and delivering every firing once. The embedded store never conflicts, so the store
 * here copies what a batch changes (as a networked store does) and rejects chosen commits.
 */
import {
  AttributeGroup,
  CompiledView,
  type InterventionSource,
  RuleIntervention,
  buildStreamView,
  buildView,
  builtInKey,
  normalizeEnrichedJson,
} from '@signalbox/core';
import { type AttributeState, readValue } from '@signalbox/core/internal';
import { describe, expect, it } from 'vitest';
import { type Firing, InterventionEvaluator } from '../interventions/evaluator.js';
import { MemoryProfilesStore } from '../profiles/memory-store.js';
import { type ProfileRecord, type ProfileRef, type ProfilesStore, ProfilesConflictError, type WorkingSet } from '../profiles/profiles-store.js';
import { StreamEngine } from './engine.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const USER = '0d3c0e2a-1111-4222-8333-444455556666';

/** The memory store behind records that keep a batch's changes apart until a commit that is not rejected. */
class RacingStore implements ProfilesStore {
  readonly inner = new MemoryProfilesStore();
  commits = 0;
  constructor(private readonly rejected: ReadonlySet<number>) {}

  async load(refs: readonly ProfileRef[], now: number): Promise<WorkingSet> {
    const inner = await this.inner.load(refs, now);
    const records = inner.records.map((r) => new CopiedRecord(r));
    return {
      records,
      abandon: () => inner.abandon(),
      commit: async () => {
        const attempt = ++this.commits;
        if (!this.rejected.has(attempt)) for (const r of records) r.writeTo();
        await inner.commit();
        if (this.rejected.has(attempt)) throw new ProfilesConflictError(refs);
      },
    };
  }

  read: ProfilesStore['read'] = (...args) => this.inner.read(...args);
  writeBatchValues: ProfilesStore['writeBatchValues'] = (values) => this.inner.writeBatchValues(values);
  readBatchValues: ProfilesStore['readBatchValues'] = (...args) => this.inner.readBatchValues(...args);
  deleteIdentifier: ProfilesStore['deleteIdentifier'] = (keyName, id) => this.inner.deleteIdentifier(keyName, id);
  dropDefinitions: ProfilesStore['dropDefinitions'] = (hashes) => this.inner.dropDefinitions(hashes);
}

class CopiedRecord implements ProfileRecord {
  private readonly states = new Map<string, AttributeState>();
  private readonly consumed = new Set<string>();
  private readonly markers = new Map<string, number>();
  constructor(private readonly live: ProfileRecord) {}
  get keyName() { return this.live.keyName; }
  get id() { return this.live.id; }
  state(hash: string) {
    if (!this.states.has(hash)) {
      const held = this.live.state(hash);
      if (held) this.states.set(hash, structuredClone(held));
    }
    return this.states.get(hash);
  }
  setState(hash: string, state: AttributeState) { this.states.set(hash, state); }
  hasConsumed(eventId: string) { return this.consumed.has(eventId) || this.live.hasConsumed(eventId); }
  consume(eventId: string) { this.consumed.add(eventId); }
  markerExpiry(marker: string) { return this.markers.get(marker) ?? this.live.markerExpiry(marker); }
  setMarker(marker: string, expiresAt: number) { this.markers.set(marker, expiresAt); }
  writeTo() {
    for (const [hash, state] of this.states) this.live.setState(hash, state);
    for (const eventId of this.consumed) this.live.consume(eventId);
    for (const [marker, at] of this.markers) this.live.setMarker(marker, at);
  }
}

const group = AttributeGroup.parse({
  name: 'visits', version: 1, attribute_key: { name: 'domain_userid' }, is_published: true,
  attributes: [{ name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
});
const [views] = buildStreamView([{ group, key: builtInKey('domain_userid')! }]);
const viewsDefinition = { hash: views!.definition_hash, spec: new CompiledView([views!]).attributes[0]!.spec };
const source: InterventionSource = {
  publishedInterventions: () => [RuleIntervention.parse({ name: 'second_view', criteria: { attribute: 'visits:views', operator: '>=', value: 2 } })],
  latestPublishedGroupWith: () => group,
  resolveKey: () => builtInKey('domain_userid')!,
  getKey: (name) => builtInKey(name)!,
};

function engineOver(store: ProfilesStore) {
  const engine = new StreamEngine(store);
  engine.loadView(new CompiledView([views!]));
  const evaluator = new InterventionEvaluator(1_000_000);
  evaluator.load(buildView(source, 7 * 86400));
  evaluator.goLive();
  const firings: Firing[] = [];
  evaluator.onFiring((f) => firings.push(f));
  engine.observeWith(evaluator);
  return { engine, evaluator, firings };
}

const pageView = (n: number) =>
  normalizeEnrichedJson({
    app_id: 'test', platform: 'web', event: 'page_view', event_name: 'page_view', event_vendor: 'com.snowplowanalytics.snowplow',
    event_format: 'jsonschema', event_version: '1-0-0', event_id: `00000000-0000-4000-8000-00000000000${n}`,
    collector_tstamp: new Date(NOW - 1000).toISOString(), domain_userid: USER, v_collector: 'c', v_etl: 'e',
  });

async function viewsOf(store: ProfilesStore): Promise<unknown> {
  const [[state]] = (await store.read('domain_userid', [USER], [viewsDefinition], NOW)) as [[AttributeState | undefined]];
  return state ? readValue(viewsDefinition.spec, state, NOW) : undefined;
}

describe('stream engine: a commit that loses a race runs the batch again', () => {
  it('counts every event once and delivers the firing once', async () => {
    const store = new RacingStore(new Set([1, 2]));
    const { engine, evaluator, firings } = engineOver(store);
    const summary = await engine.process([pageView(1), pageView(2), pageView(1)], NOW);
    expect(summary).toEqual({ processed: 2, duplicates: 1, updates: 2 });
    expect(store.commits).toBe(3);
    expect(engine.counters.conflicts).toBe(2);
    expect(await viewsOf(store)).toBe(2);
    expect(firings.map((f) => f.instances.map((i) => [i.name, i.target_attribute_key!.id]))).toEqual([[['second_view', USER]]]);
    expect(evaluator.counters.fired).toBe(1);
    // The marker committed with the state: a later event does not fire again.
    await engine.process([pageView(3)], NOW);
    expect(firings).toHaveLength(1);
  });

  it('a batch that fails while folding fails alone: the next batch is processed', async () => {
    const store = new MemoryProfilesStore();
    const engine = new StreamEngine(store);
    engine.loadView(new CompiledView([views!]));
    let failing = true;
    engine.observeWith({
      active: true,
      watches: () => true,
      identifiersFor: () => undefined,
      observe: () => {
        if (failing) throw new Error('observer failed');
      },
      committed: () => undefined,
      abandoned: () => undefined,
    });
    await expect(engine.process([pageView(1)], NOW)).rejects.toThrow('observer failed');
    failing = false;
    expect(await engine.process([pageView(2)], NOW)).toEqual({ processed: 1, duplicates: 0, updates: 1 });
  });

  it('gives up after ten lost races, leaving the store as it was', async () => {
    const store = new RacingStore(new Set(Array.from({ length: 10 }, (_, i) => i + 1)));
    const { engine, firings } = engineOver(store);
    await expect(engine.process([pageView(1), pageView(2)], NOW)).rejects.toThrow(ProfilesConflictError);
    expect(store.commits).toBe(10);
    expect(firings).toHaveLength(0);
    expect(await viewsOf(store)).toBeUndefined();
  });
});
