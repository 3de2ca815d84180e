/**
 * The `/health-all` report (docs/operations.md): Signals' shape — `status` and a `dependencies`
 * map of name → status, which the Signals SDKs' `test-connection` reads — plus `components`,
 * the same names with the reason for each status.
 *
 * Overall status: `failing` (HTTP 503) only when a critical component fails — one without which
 * events cannot be accepted durably or attributes served; `degraded` (HTTP 200) when any
 * component is degraded, or a non-critical one (the warehouse loader, webhooks) fails: a
 * warehouse outage delays `atomic.events` but must not take a serving node out of a load
 * balancer; `ok` otherwise.
 */
import { z } from 'zod';

export const ComponentStatus = z.enum(['ok', 'degraded', 'failing']);
export type ComponentStatus = z.output<typeof ComponentStatus>;

export const ComponentHealth = z.object({
  status: ComponentStatus,
  /** Whether this component failing makes the whole server fail (HTTP 503). */
  critical: z.boolean(),
  /** What was checked and found, in a sentence. */
  detail: z.string(),
});
export type ComponentHealth = z.output<typeof ComponentHealth>;

/** The components, in the order they are reported. `storage` and `feature_server` are the names Signals reports. */
export const COMPONENTS = ['storage', 'feature_server', 'engine', 'event_log', 'warehouse_loader', 'webhooks'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

const byComponent = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(COMPONENTS.map((name) => [name, value])) as Record<ComponentName, T>);

export const HealthResponse = z.object({
  status: ComponentStatus,
  dependencies: byComponent(ComponentStatus),
  components: byComponent(ComponentHealth),
});
export type HealthResponse = z.output<typeof HealthResponse>;

/** The overall status by the rule above. */
export function overallStatus(components: Readonly<Record<ComponentName, ComponentHealth>>): ComponentStatus {
  const all = COMPONENTS.map((name) => components[name]);
  if (all.some((c) => c.status === 'failing' && c.critical)) return 'failing';
  if (all.some((c) => c.status !== 'ok')) return 'degraded';
  return 'ok';
}

export function healthReport(components: Readonly<Record<ComponentName, ComponentHealth>>): HealthResponse {
  const dependencies = Object.fromEntries(COMPONENTS.map((name) => [name, components[name].status])) as Record<ComponentName, ComponentStatus>;
  return { status: overallStatus(components), dependencies, components: { ...components } };
}

/** The HTTP status `/health-all` answers with. */
export const httpStatusOf = (report: HealthResponse): 200 | 503 => (report.status === 'failing' ? 503 : 200);
