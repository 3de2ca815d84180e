/**
 * The Profiles Store × event source combinations the engine's end-to-end semantics tests run
 * against (design §4: the randomised reference-model test and the kill -9 test run for every
 * combination). Today only the embedded one exists; a backend from the scale-out work adds its
 * entry here — the server options that select it — and both tests cover it with no other change.
 */
import type { SignalboxConfig } from '@signalbox/server';

export interface StreamBackend {
  name: string;
  /** For servers started in-process. */
  config: Partial<SignalboxConfig>;
  /** For `signalbox start` in a child process. */
  args: string[];
}

export const STREAM_BACKENDS: readonly StreamBackend[] = [
  { name: 'memory store, embedded log', config: { profiles: 'memory', source: 'embedded' }, args: ['--profiles', 'memory', '--source', 'embedded'] },
];
