/** In-process probe of the warehouse loader: rows/s loading a log of generated events into a DuckDB file. */
import { DuckDBWarehouse, EventLog, WarehouseLoader } from '@signalbox/server/internal';
import { eventLines, userId } from './lib.mjs';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/lb-');
const log = new EventLog(dir); log.open();
const N = 60000;
const lines = eventLines(N, { users: (i) => userId(i), startMs: Date.now() - 60000 });
log.append(lines.map((l) => `T\t${Date.now()}\t${l}\n`).join(''));
const loader = new WarehouseLoader(new DuckDBWarehouse(dir + '/w.duckdb'), { flushIntervalMs: 60000 });
const t = performance.now();
await loader.start(log); await loader.flush();
const cpu = process.cpuUsage();
console.log('rows/s', Math.round(N / ((performance.now() - t) / 1000)), 'loaded', loader.counters.loaded, 'cpu s', (cpu.user + cpu.system) / 1e6);
await loader.close();
