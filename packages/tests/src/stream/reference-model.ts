/**
 * A deliberately simple reference model of the stream semantics (design §3), written from the
 * design text and nothing else: it keeps every applied event and recomputes each value from
 * scratch at read time. The randomised test compares the engine against it.
 */
export interface ModelAttribute {
  name: string;
  aggregation: 'counter' | 'sum' | 'min' | 'max' | 'mean' | 'first' | 'last' | 'unique_list';
  type: string;
  /** Which events count, after the key is found. */
  accepts: (event: Record<string, any>) => boolean;
  /** The property value, undefined when missing. */
  value?: (event: Record<string, any>) => unknown;
  periodMs?: number;
  ttlMs: number;
  defaultValue?: unknown;
}

export interface ModelGroup {
  name: string;
  keyOf: (event: Record<string, any>) => string | undefined;
  attributes: ModelAttribute[];
}

interface Applied {
  value: unknown;
  time: number;
  seq: number;
}

interface State {
  updatedAt: number;
  applied: Applied[];
}

const WIDTHS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10800, 21600, 43200, 86400].map((s) => s * 1000);
const tileWidth = (periodMs: number) => WIDTHS.find((w) => periodMs / w <= 60) ?? 86_400_000;
const tileOf = (t: number, w: number) => Math.floor(t / w) * w;

/**
 * Sums as decimal arithmetic, the way design §3 "Values" presents them: the exact sum of the
 * numbers as written (scaled BigInts), then 15 significant digits.
 */
function decimalSum(values: readonly number[]): number {
  const parts = values.map((v) => {
    const [whole, fraction = ''] = String(Math.abs(v)).split('.');
    return { negative: v < 0, whole: whole!, fraction };
  });
  const places = Math.max(0, ...parts.map((p) => p.fraction.length));
  let total = 0n;
  for (const p of parts) {
    const scaled = BigInt(p.whole) * 10n ** BigInt(places) + BigInt(p.fraction.padEnd(places, '0') || '0');
    total += p.negative ? -scaled : scaled;
  }
  const digits = (total < 0n ? -total : total).toString().padStart(places + 1, '0');
  return Number(`${total < 0n ? '-' : ''}${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places) || '0'}`);
}
const present = (x: number) => (Number.isInteger(x) ? x : Number(x.toPrecision(15)));

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export class ReferenceModel {
  private readonly seen = new Set<string>();
  private readonly states = new Map<string, State>();
  private seq = 0;

  constructor(private readonly groups: ModelGroup[]) {}

  private stateKey(group: ModelGroup, a: ModelAttribute, id: string) {
    return `${group.name}|${a.name}|${id}`;
  }

  process(event: Record<string, any>, now: number): void {
    if (this.seen.has(event['event_id'])) return;
    this.seen.add(event['event_id']);
    const stamp = Date.parse(event['derived_tstamp'] ?? event['collector_tstamp']);
    const time = Math.min(stamp, now);
    for (const group of this.groups) {
      const id = group.keyOf(event);
      if (id === undefined || id === '') continue;
      for (const a of group.attributes) {
        if (!a.accepts(event)) continue;
        let value: unknown = null;
        if (a.value) {
          value = a.value(event);
          if (value === undefined || value === null) continue;
          if (['sum', 'min', 'max', 'mean'].includes(a.aggregation)) {
            value = numeric(value);
            if (value === undefined) continue;
          }
        }
        if (a.periodMs !== undefined) {
          const w = tileWidth(a.periodMs);
          if (tileOf(time, w) <= now - a.periodMs - w) continue; // already outside the window
        }
        const k = this.stateKey(group, a, id);
        let state = this.states.get(k);
        if (!state || now - state.updatedAt >= a.ttlMs) state = { updatedAt: now, applied: [] };
        state.updatedAt = now;
        state.applied.push({ value, time, seq: this.seq++ });
        this.states.set(k, state);
      }
    }
  }

  private live(group: ModelGroup, a: ModelAttribute, id: string, at: number): State | undefined {
    const state = this.states.get(this.stateKey(group, a, id));
    return state && at - state.updatedAt < a.ttlMs ? state : undefined;
  }

  /** The value served for one attribute of one identifier at time `at`, with its group's liveness rule. */
  read(group: ModelGroup, a: ModelAttribute, id: string, at: number): unknown {
    if (!group.attributes.some((x) => this.live(group, x, id, at))) return null;
    const state = this.live(group, a, id, at);
    let events = state?.applied ?? [];
    if (a.periodMs !== undefined) {
      const w = tileWidth(a.periodMs);
      events = events.filter((e) => tileOf(e.time, w) > at - a.periodMs! - w);
    }
    const fallback = a.defaultValue ?? (a.aggregation === 'counter' || a.aggregation === 'sum' ? 0 : a.aggregation === 'unique_list' ? [] : null);
    if (events.length === 0) return fallback;
    const values = events.map((e) => e.value as number);
    switch (a.aggregation) {
      case 'counter': return events.length;
      case 'sum': return present(decimalSum(values));
      case 'mean': return present(decimalSum(values) / values.length);
      case 'min': return Math.min(...values);
      case 'max': return Math.max(...values);
      case 'first': return [...events].sort((x, y) => x.time - y.time || x.seq - y.seq)[0]!.value;
      case 'last': return [...events].sort((x, y) => x.time - y.time || x.seq - y.seq).at(-1)!.value;
      case 'unique_list': {
        const latest = new Map<unknown, Applied>();
        for (const e of events) {
          const prev = latest.get(e.value);
          if (!prev || e.time > prev.time || (e.time === prev.time && e.seq > prev.seq)) latest.set(e.value, e);
        }
        return [...latest.values()].sort((x, y) => x.time - y.time || x.seq - y.seq).slice(-100).map((e) => e.value);
      }
    }
  }
}
