/**
 * One factory per room (design §4 "Composition by role"): given its typed backend (backends.ts),
 * open it. A scale-out backend adds its case here and one test file calling its room's
 * conformance suite; nothing else in the composition changes.
 *
 * The memory Profiles Store comes with the embedded engine's durability (stream/durability.ts:
 * the event log, snapshots of the store, replay), which is why its factory returns the concrete
 * `MemoryProfilesStore`: a networked store needs no snapshot, its engine acknowledges the event
 * source after each commit instead.
 */
import { MemoryProfilesStore } from '../profiles/memory-store.js';
import { FileRegistryStore } from '../registry/file-registry-store.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { ProfilesBackend, RegistryBackend } from './backends.js';

export function openRegistryStore(backend: RegistryBackend, dataDir: string): Promise<RegistryStore> {
  switch (backend.kind) {
    case 'file':
      return FileRegistryStore.open(dataDir);
  }
}

export function openProfilesStore(backend: ProfilesBackend): MemoryProfilesStore {
  switch (backend.kind) {
    case 'memory':
      return new MemoryProfilesStore();
  }
}
