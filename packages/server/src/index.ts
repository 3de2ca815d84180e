export { startSignalbox, Signalbox, DEFAULT_CONFIG } from './signalbox.js';
export type { RunningSignalbox, StartOptions } from './signalbox.js';
export type { SignalboxConfig } from './config.js';
export { SignalboxError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
