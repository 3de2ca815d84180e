/** The embedded event source against the Event source conformance suite (design §4). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventSourceConformance } from './conformance.js';
import { EmbeddedEventSource } from './embedded-source.js';

eventSourceConformance('embedded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signalbox-source-'));
  return { open: () => new EmbeddedEventSource(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});
