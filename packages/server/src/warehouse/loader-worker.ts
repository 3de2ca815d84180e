/**
 * The warehouse loader's thread. Loading rows (DuckDB's COPY, PostgreSQL inserts, re-parsing
 * the log) is CPU work that would otherwise share the event loop with ingestion and reads; here it
 * runs on its own thread, reading the event log files directly. The main thread talks to it
 * through loader-thread.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { EventLog } from '../stream/event-log.js';
import { BacklogCounter } from './backlog.js';
import { createWarehouse } from './index.js';
import { WarehouseLoader } from './loader.js';
import type { FromLoader, LoaderThreadData, ToLoader } from './loader-protocol.js';

const data = workerData as LoaderThreadData;
const port = parentPort!;
const logger = pino({ level: data.logLevel, base: { thread: 'warehouse-loader' } });
const log = new EventLog(data.dataDir);
const loader = new WarehouseLoader(createWarehouse(data.warehouse, data.dataDir), { ...data.options, logger });
const backlog = new BacklogCounter(log);

const post = (message: FromLoader) => port.postMessage(message);
const report = () =>
  post({ kind: 'state', cursor: loader.position(), counters: { ...loader.counters }, backlogBytes: loader.backlogBytes, error: loader.error ?? null });
// Looking after every batch too keeps "last load" and "last caught up" as exact as the batches.
loader.onProgress(() => {
  backlog.look(loader.cursorState, Date.now());
  report();
});

port.on('message', (message: ToLoader) => {
  switch (message.kind) {
    case 'notify':
      loader.notify();
      return;
    case 'flush':
      loader.flush().then(
        () => { report(); post({ kind: 'reply', id: message.id, ok: true }); },
        (error: unknown) => { report(); post({ kind: 'reply', id: message.id, ok: false, error: String((error as Error)?.message ?? error) }); },
      );
      return;
    case 'query':
      loader.warehouse.query(message.sql, message.params).then(
        (rows) => post({ kind: 'reply', id: message.id, ok: true, rows }),
        (error: unknown) => post({ kind: 'reply', id: message.id, ok: false, error: String((error as Error)?.message ?? error) }),
      );
      return;
    case 'backlog':
      post({ kind: 'reply', id: message.id, ok: true, backlog: backlog.look(loader.cursorState, Date.now()) });
      return;
    case 'close':
      void loader.close().finally(() => {
        report();
        post({ kind: 'reply', id: message.id, ok: true });
      });
      return;
  }
});

void loader.start(log).then(() => {
  report();
  post({ kind: 'started' });
});
