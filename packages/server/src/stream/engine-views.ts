/**
 * The engine's view history (design §4 "Event source", "Registry store"): what the stream engine
 * computes and which rules it evaluates — the published stream attributes and the rule
 * interventions view — kept as numbered rows of the registry store (`engine_views`), never
 * changed once written.
 *
 * Each event is logged with the number of the view it was accepted under, so replaying the log
 * processes every event under exactly the attributes and rules it first met, without registry
 * changes written into the log. A view is durable in the registry store before any event
 * carries its number.
 */
import { type PublishedStreamAttribute, canonicalJson } from '@signalbox/core';
import type { RegistryStore } from '../registry/registry-store.js';

export interface EngineView {
  attributes: PublishedStreamAttribute[];
  /** The rule interventions view (core `InterventionView`), or null when none is published. */
  interventions: unknown;
}

export const NO_VIEW: EngineView = { attributes: [], interventions: null };

/** Rows are named by their number in decimal. */
const rowName = (n: number) => String(n);

export class EngineViews {
  private readonly cache = new Map<number, EngineView>();

  constructor(private readonly store: RegistryStore) {}

  /** View `n`, as it was recorded (0 is the empty view every history starts from). A log that names a view the store does not hold cannot be replayed exactly: say so. */
  async get(n: number): Promise<EngineView> {
    if (n === 0) return NO_VIEW;
    let view = this.cache.get(n);
    if (!view) {
      const value = (await this.store.get('engine_views', rowName(n))) as EngineView | undefined;
      if (!value) throw new Error(`the event log names engine view ${n}, which the registry store does not hold: the log and the registry are not from the same data dir`);
      view = value;
      this.cache.set(n, view);
    }
    return view;
  }

  /**
   * Forget views older than `n`: a snapshot taken under view `n` covers every event logged
   * before it, so no replay will name an older one. The newest view is always kept.
   */
  async pruneBefore(n: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      for (const row of await tx.list('engine_views')) if (Number(row.name) < n) tx.delete('engine_views', row.name);
    });
    for (const k of this.cache.keys()) if (k < n) this.cache.delete(k);
  }

  /** Record `view` as the next number, unless it equals the newest; resolves once it is durable. */
  async record(view: EngineView): Promise<{ number: number; changed: boolean }> {
    const { result } = await this.store.transaction(async (tx) => {
      let newest = 0;
      for (const row of await tx.list('engine_views')) newest = Math.max(newest, Number(row.name));
      const current = newest === 0 ? NO_VIEW : ((await tx.get('engine_views', rowName(newest))) as EngineView);
      if (canonicalJson(current) === canonicalJson(view)) return { number: newest, changed: false };
      tx.put('engine_views', rowName(newest + 1), undefined, view);
      return { number: newest + 1, changed: true };
    });
    if (result.changed) this.cache.set(result.number, view);
    return result;
  }
}
