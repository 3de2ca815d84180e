import { describe, expect, it } from 'vitest';
import { COMPONENTS, type ComponentHealth, type ComponentName, HealthResponse, healthReport, httpStatusOf } from './report.js';

const all = (status: ComponentHealth['status'] = 'ok') =>
  Object.fromEntries(COMPONENTS.map((name) => [name, { status, critical: !['warehouse_loader', 'webhooks'].includes(name), detail: name }])) as Record<ComponentName, ComponentHealth>;

describe('the overall health', () => {
  it('is ok, with every dependency ok, when every component is', () => {
    const report = healthReport(all());
    expect(report.status).toBe('ok');
    expect(report.dependencies).toEqual({ storage: 'ok', feature_server: 'ok', engine: 'ok', event_log: 'ok', warehouse_loader: 'ok', webhooks: 'ok' });
    expect(httpStatusOf(report)).toBe(200);
    expect(HealthResponse.parse(report)).toEqual(report);
  });

  it('is failing, answered with 503, when a critical component fails', () => {
    const report = healthReport({ ...all(), event_log: { status: 'failing', critical: true, detail: 'disk full' } });
    expect(report.status).toBe('failing');
    expect(report.dependencies.event_log).toBe('failing');
    expect(httpStatusOf(report)).toBe(503);
  });

  it('is degraded, still 200, when a non-critical one fails or any is degraded', () => {
    const warehouseDown = healthReport({ ...all(), warehouse_loader: { status: 'failing', critical: false, detail: 'refused' } });
    expect([warehouseDown.status, httpStatusOf(warehouseDown)]).toEqual(['degraded', 200]);
    const lowDisk = healthReport({ ...all(), event_log: { status: 'degraded', critical: true, detail: 'low disk' } });
    expect([lowDisk.status, httpStatusOf(lowDisk)]).toEqual(['degraded', 200]);
  });
});
