/**
 * The conformance suites (design §4): one per interchangeable room, written with vitest, for
 * every implementation to call with a factory — the embedded ones here, the Redis, NATS and
 * PostgreSQL ones of the scale-out work. Import from `@signalbox/server/testing`; only test files
 * should, since this entry loads vitest (an optional peer dependency).
 */
export { profilesStoreConformance, inWorkingSet, type ProfilesStoreFactory } from './profiles/conformance.js';
export { eventSourceConformance, type EventSourcePlace } from './sources/conformance.js';
export { registryStoreConformance, type RegistryStorePlace } from './registry/conformance.js';
