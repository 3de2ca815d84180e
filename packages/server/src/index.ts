export { startSignalbox, Signalbox, DEFAULT_CONFIG } from './signalbox.js';
export type { RunningSignalbox, StartOptions } from './signalbox.js';
export type { SignalboxConfig } from './config.js';
export { SignalboxError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
export { generateEvents, generateTsv, startEndingAt, DEFAULT_GENERATOR_OPTIONS, GENERATOR_SCHEMAS } from './generator/generate.js';
export type { GeneratorOptions } from './generator/generate.js';
export { ATOMIC_EVENTS_COLUMNS } from './warehouse/index.js';
export type { Warehouse, WarehouseRow, WarehouseLoader, LoaderCounters } from './warehouse/index.js';
