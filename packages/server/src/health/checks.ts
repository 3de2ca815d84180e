/**
 * The checks behind `/health-all` (report.ts has the shape and the overall rule): one function per
 * component, each looking at the live state of its part — the warehouse is asked to answer a
 * query, the event log's last write and free disk are read — never at a stored "ok".
 */
import { statfsSync } from 'node:fs';
import type { LastApplied } from '../stream/engine.js';
import type { LoaderBacklog } from '../warehouse/backlog.js';
import { withinTime } from '../within-time.js';
import { type ComponentHealth, type ComponentName, type HealthResponse, healthReport } from './report.js';

/** How long the warehouse and the loader thread get to answer before they are reported as not answering. */
export const HEALTH_ANSWER_MS = 2000;
/** Less free space than this in the data dir is reported as degraded: the event log will soon stop. */
export const LOW_DISK_BYTES = 1024 ** 3;

export interface HealthSources {
  dataDir: string;
  clock: () => number;
  store: { stats(): { identifiers: number } };
  engine: { readonly lastApplied: LastApplied | undefined; readonly view: { readonly attributes: readonly unknown[] } };
  publishedInterventions: () => number;
  eventLog: { readonly lastFailure: { message: string; at: number } | undefined; bytes(): number };
  loader: {
    readonly error: string | undefined;
    readonly warehouse: { query(sql: string): Promise<unknown> };
    backlog(): Promise<LoaderBacklog>;
  };
  webhooks: { readonly pendingCount: number; retrying(): ReadonlyMap<string, { deliveries: number; error: string }>; count(): number };
}

const ok = (critical: boolean, detail: string): ComponentHealth => ({ status: 'ok', critical, detail });
const degraded = (critical: boolean, detail: string): ComponentHealth => ({ status: 'degraded', critical, detail });
const failing = (critical: boolean, detail: string): ComponentHealth => ({ status: 'failing', critical, detail });

const ago = (now: number, then: number) => `${Math.max(0, Math.round((now - then) / 1000))} s ago`;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function engine(s: HealthSources): ComponentHealth {
  const now = s.clock();
  const published = `${count(s.engine.view.attributes.length, 'published stream attribute')} and ${count(s.publishedInterventions(), 'rule intervention')}`;
  const last = s.engine.lastApplied;
  if (!last) return ok(true, `${published}; no event applied since start`);
  return ok(true, `${published}; last event applied ${ago(now, last.processedAt)}, its event time ${Math.round((now - last.eventTime) / 1000)} s before now`);
}

function eventLog(s: HealthSources): ComponentHealth {
  const failure = s.eventLog.lastFailure;
  if (failure) return failing(true, `the last write to the event log failed ${ago(s.clock(), failure.at)}: ${failure.message}; events cannot be accepted`);
  const { bavail, bsize } = statfsSync(s.dataDir);
  const free = bavail * bsize;
  const size = `${mib(s.eventLog.bytes())} in the log`;
  if (free < LOW_DISK_BYTES) return degraded(true, `${size}; only ${mib(free)} free in the data dir`);
  return ok(true, `${size}; ${mib(free)} free in the data dir`);
}

async function warehouseLoader(s: HealthSources): Promise<ComponentHealth> {
  const [ping, backlog] = await Promise.all([withinTime(s.loader.warehouse.query('SELECT 1'), HEALTH_ANSWER_MS), withinTime(s.loader.backlog(), HEALTH_ANSWER_MS)]);
  const behind = backlog.ok ? `${count(backlog.value.events, 'event')} (${mib(backlog.value.bytes)}) not yet loaded` : `the loader thread did not say how far behind it is (${backlog.error})`;
  if (!ping.ok) return failing(false, `the warehouse does not answer: ${ping.error}; ${behind}, kept in the event log until it is back`);
  if (s.loader.error !== undefined) return degraded(false, `the warehouse answers but the last load failed: ${s.loader.error}; ${behind}, retrying`);
  if (!backlog.ok) return degraded(false, behind);
  const last = backlog.value.lastLoadAt === null ? 'nothing loaded since start' : `last load ${ago(Date.now(), backlog.value.lastLoadAt)}`;
  return ok(false, `the warehouse answers; ${behind}; ${last}`);
}

function webhooks(s: HealthSources): ComponentHealth {
  const retrying = [...s.webhooks.retrying()].map(([name, r]) => `${name}: ${r.deliveries === 1 ? '1 delivery' : `${r.deliveries} deliveries`} retrying (${r.error})`);
  if (retrying.length > 0) return degraded(false, retrying.join('; '));
  return ok(false, `${count(s.webhooks.count(), 'webhook')}; ${s.webhooks.pendingCount} pending`);
}

export async function checkHealth(s: HealthSources): Promise<HealthResponse> {
  const components: Record<ComponentName, ComponentHealth> = {
    storage: ok(true, `memory Profiles Store: ${s.store.stats().identifiers} identifiers with state`),
    feature_server: ok(true, 'serving get-online-attributes from the Profiles Store'),
    engine: engine(s),
    event_log: eventLog(s),
    warehouse_loader: await warehouseLoader(s),
    webhooks: webhooks(s),
  };
  return healthReport(components);
}
