/**
 * Building blocks for sibling packages (the test suites, benchmarks): not the public API, and
 * free to change with the code. Import from `@signalbox/server/internal`. The conformance suites,
 * which load vitest, are apart in `@signalbox/server/testing` (testing.ts).
 */
export { Registry, type GroupFilters, type RegistryOptions } from './registry/registry.js';
export { FileRegistryStore } from './registry/file-registry-store.js';
export { REGISTRY_COLLECTIONS, compareRows, isVersioned } from './registry/registry-store.js';
export type * from './registry/registry-store.js';
export { EventLog, type LogPosition } from './stream/event-log.js';
export { StreamEngine } from './stream/engine.js';
export { MemoryProfilesStore } from './profiles/memory-store.js';
export { EmbeddedEventSource } from './sources/embedded-source.js';
export type * from './sources/event-source.js';
export { DuckDBWarehouse, PostgresWarehouse, WarehouseLoader } from './warehouse/index.js';
export { DetailError, ServingError, type ApiDescription, type DescribedOperation } from './http/openapi.js';
export type * from './profiles/profiles-store.js';
export { ProfilesConflictError, DEDUPE_HORIZON_MS } from './profiles/profiles-store.js';
