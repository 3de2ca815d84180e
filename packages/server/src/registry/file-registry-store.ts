/**
 * The embedded registry store (design §4 "Registry store", `--registry file`): every row in
 * `<dataDir>/registry.json` (registry-file.ts), rewritten durably once per committed transaction.
 *
 * The whole document is small (definitions, not data) and lives in memory; a transaction writes
 * into an overlay and, when it wrote something, the next document is written to disk before it
 * replaces the committed one, so a failed write leaves both the file and the memory as they were.
 * Handles opened on one path in one process share that state, so they see each other's commits
 * and hear them through `watch`. One process owns a data dir (as for the event log).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileDurablyAsync } from '../durable-file.js';
import { documentFromJson, documentToJson } from './registry-file.js';
import {
  type CommittedTransaction,
  type RegistryCollection,
  type RegistryReads,
  type RegistryRow,
  type RegistryStore,
  type RegistryTransaction,
  REGISTRY_COLLECTIONS,
  compareRows,
  isVersioned,
} from './registry-store.js';

/** row id → row, per collection. */
type Rows = Map<RegistryCollection, Map<string, RegistryRow>>;

interface SharedFile {
  path: string;
  rows: Rows;
  revision: number;
  listeners: Set<(revision: number) => void>;
  handles: number;
  /** Transactions run one at a time. */
  queue: Promise<unknown>;
}

/** The files open in this process, by absolute path. */
const openFiles = new Map<string, SharedFile>();

function rowId(collection: RegistryCollection, name: string, version: number | undefined): string {
  if (typeof name !== 'string') throw new TypeError(`registry store: a ${collection} row needs a string name`);
  if (!isVersioned(collection)) return name;
  if (!Number.isSafeInteger(version)) throw new TypeError(`registry store: a ${collection} row needs an integer version`);
  return JSON.stringify([name, version]);
}

/** What a JSON store keeps of a value, and a copy no caller can change behind the store's back. */
function jsonCopy(value: unknown): unknown {
  if (value === undefined) throw new TypeError('registry store: a row value must be JSON (delete a row to remove it)');
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function load(path: string): SharedFile {
  const shared: SharedFile = { path, rows: new Map(), revision: 0, listeners: new Set(), handles: 0, queue: Promise.resolve() };
  for (const collection of Object.keys(REGISTRY_COLLECTIONS) as RegistryCollection[]) shared.rows.set(collection, new Map());
  if (!existsSync(path)) return shared;
  const document = documentFromJson(readFileSync(path, 'utf8'));
  shared.revision = document.revision;
  for (const row of document.rows) shared.rows.get(row.collection)!.set(rowId(row.collection, row.name, row.version), row);
  return shared;
}

/** Reads over committed rows plus, in a transaction, its own writes (`null` marks a deletion). */
class Reader implements RegistryReads {
  constructor(
    protected readonly committed: () => Rows,
    protected readonly writes: Map<RegistryCollection, Map<string, RegistryRow | null>> = new Map(),
  ) {}

  get(collection: RegistryCollection, name: string, version?: number): Promise<unknown> {
    const id = rowId(collection, name, version);
    const written = this.writes.get(collection)?.get(id);
    const row = written === undefined ? this.committed().get(collection)?.get(id) : written;
    return Promise.resolve(row ? structuredClone(row.value) : undefined);
  }

  list(collection: RegistryCollection): Promise<RegistryRow[]> {
    const rows = new Map(this.committed().get(collection));
    for (const [id, row] of this.writes.get(collection) ?? []) {
      if (row) rows.set(id, row);
      else rows.delete(id);
    }
    return Promise.resolve([...rows.values()].sort(compareRows).map((row) => ({ ...row, value: structuredClone(row.value) })));
  }
}

class FileTransaction extends Reader implements RegistryTransaction {
  constructor(committed: () => Rows, readonly revision: number) {
    super(committed);
  }

  get wrote(): boolean {
    return this.writes.size > 0;
  }

  put(collection: RegistryCollection, name: string, version: number | undefined, value: unknown): void {
    const row: RegistryRow = { collection, name, value: jsonCopy(value) };
    if (isVersioned(collection)) row.version = version!;
    this.write(collection, rowId(collection, name, version), row);
  }

  delete(collection: RegistryCollection, name: string, version?: number): void {
    this.write(collection, rowId(collection, name, version), null);
  }

  /** The committed rows with this transaction's writes applied; untouched collections are shared. */
  result(): Rows {
    const next: Rows = new Map(this.committed());
    for (const [collection, writes] of this.writes) {
      const rows = new Map(next.get(collection));
      for (const [id, row] of writes) {
        if (row) rows.set(id, row);
        else rows.delete(id);
      }
      next.set(collection, rows);
    }
    return next;
  }

  private write(collection: RegistryCollection, id: string, row: RegistryRow | null): void {
    const writes = this.writes.get(collection) ?? new Map<string, RegistryRow | null>();
    writes.set(id, row);
    this.writes.set(collection, writes);
  }
}

export class FileRegistryStore extends Reader implements RegistryStore {
  private closed = false;
  private readonly own = new Set<(revision: number) => void>();

  private constructor(private readonly shared: SharedFile) {
    super(() => shared.rows);
  }

  /** Open `<dataDir>/registry.json` (an absent file is an empty registry, created on the first commit). */
  static open(dataDir: string): Promise<FileRegistryStore> {
    const path = join(resolve(dataDir), 'registry.json');
    let shared = openFiles.get(path);
    if (!shared) {
      shared = load(path);
      openFiles.set(path, shared);
    }
    shared.handles++;
    return Promise.resolve(new FileRegistryStore(shared));
  }

  revision(): Promise<number> {
    return Promise.resolve(this.shared.revision);
  }

  transaction<T>(fn: (tx: RegistryTransaction) => Promise<T> | T): Promise<CommittedTransaction<T>> {
    if (this.closed) return Promise.reject(new Error('registry store: closed'));
    const shared = this.shared;
    const run = async (): Promise<CommittedTransaction<T>> => {
      const tx = new FileTransaction(() => shared.rows, shared.revision);
      const result = await fn(tx);
      if (!tx.wrote) return { result, revision: shared.revision };
      const rows = tx.result();
      const revision = shared.revision + 1;
      const all = [...rows.values()].flatMap((collection) => [...collection.values()]);
      await writeFileDurablyAsync(shared.path, documentToJson({ revision, rows: all }));
      shared.rows = rows;
      shared.revision = revision;
      for (const listener of shared.listeners) {
        try {
          listener(revision);
        } catch {
          // One listener's failure must not undo or hide a commit that is already durable.
        }
      }
      return { result, revision };
    };
    const done = shared.queue.then(run, run);
    shared.queue = done.catch(() => undefined);
    return done;
  }

  watch(listener: (revision: number) => void): () => void {
    // Wrapped, so one listener watching twice is two subscriptions, each removed on its own.
    const each = (revision: number) => listener(revision);
    this.shared.listeners.add(each);
    this.own.add(each);
    return () => {
      this.shared.listeners.delete(each);
      this.own.delete(each);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const each of this.own) this.shared.listeners.delete(each);
    this.own.clear();
    await this.shared.queue;
    if (--this.shared.handles === 0) openFiles.delete(this.shared.path);
  }
}
