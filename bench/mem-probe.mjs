/**
 * In-process probe of the engine alone: heap per identifier and events/s for the bench group
 * (or some of its attributes). Usage: node --expose-gc bench/mem-probe.mjs [N] [attr,attr…]
 */
import { AttributeGroup, CompiledView, buildStreamView, builtInKey, parseEnrichedTsv } from '@signalbox/core';
import { MemoryProfilesStore, StreamEngine } from '@signalbox/server/internal';
import { eventLines, userId, BENCH_GROUP } from './lib.mjs';
const N = Number(process.argv[2] ?? 100000);
const only = process.argv[3]; const group = AttributeGroup.parse(only ? { ...BENCH_GROUP, attributes: BENCH_GROUP.attributes.filter((a) => only.split(',').includes(a.name)) } : BENCH_GROUP);
const view = buildStreamView([{ group, key: builtInKey('domain_userid') }]);
const store = new MemoryProfilesStore();
const engine = new StreamEngine(store);
engine.loadView(new CompiledView(view));
gc(); const before = process.memoryUsage();
const t0 = performance.now();
for (let done = 0; done < N; done += 10000) {
  const body = eventLines(10000, { users: (i) => userId(done + i), startMs: Date.now() - 60000, stepMs: 0, seed: done + 1 }).join('\n');
  const events = body.split('\n').map(parseEnrichedTsv);
  await engine.process(events, Date.now());
}
const t1 = performance.now();
gc(); const after = process.memoryUsage();
console.log({ N, heapPerId: Math.round((after.heapUsed - before.heapUsed) / N), rssPerId: Math.round((after.rss - before.rss) / N), eventsPerSec: Math.round(N / ((t1 - t0) / 1000)) , stats: store.stats()});
