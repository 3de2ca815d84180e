/**
 * The versions of named items, and the rules every versioned definition shares (design §3
 * "Lifecycle", §4 "Registry store"): attribute groups and interventions are both one of these.
 *
 * - POST of an existing (name, version) is refused; a published version changes only in
 *   `description`, `owner` and `is_published` (changes.ts); a published version is not deleted.
 * - Names are the client's: kept in `Map`s, so `__proto__` is a name like any other.
 * - Pure data and checks, no storage: the registry's cache (registry-cache.ts) holds two.
 */
import { SignalboxError } from '../errors.js';
import { describeChanges, immutableChanges } from './changes.js';

export interface Versioned {
  name: string;
  version: number;
  is_published?: boolean | undefined;
}

export const notFound = (what: string) => new SignalboxError('SIGNALBOX_ERR_REGISTRY_NOT_FOUND', `${what} not found`);

export class VersionedCollection<T extends Versioned> {
  private readonly byName = new Map<string, Map<number, T>>();

  /** `what` names an item in messages: "attribute group", "intervention". */
  constructor(readonly what: string) {}

  find(name: string, version: number): T | undefined {
    return this.byName.get(name)?.get(version);
  }

  get(name: string, version: number): T {
    const item = this.find(name, version);
    if (!item) throw notFound(`${this.what} "${name}" version ${version}`);
    return item;
  }

  /** The versions of one name, lowest first. */
  versions(name: string): T[] {
    return [...(this.byName.get(name)?.values() ?? [])].sort((a, b) => a.version - b.version);
  }

  findLatest(name: string, which: (item: T) => boolean = () => true): T | undefined {
    return this.versions(name).filter(which).at(-1);
  }

  /** The highest version of a name. */
  getLatest(name: string): T {
    return this.findLatest(name) ?? this.fail(notFound(`${this.what} "${name}"`));
  }

  /** What the next new version of a name would be. */
  nextVersion(name: string): number {
    return (this.findLatest(name)?.version ?? 0) + 1;
  }

  /** Every version of every name, in name then version order. */
  all(): T[] {
    return [...this.byName.keys()].sort().flatMap((name) => this.versions(name));
  }

  /** Replace or add one version. */
  set(name: string, version: number, item: T): void {
    const versions = this.byName.get(name) ?? new Map<number, T>();
    versions.set(version, item);
    this.byName.set(name, versions);
  }

  delete(name: string, version: number): void {
    const versions = this.byName.get(name);
    versions?.delete(version);
    if (versions?.size === 0) this.byName.delete(name);
  }

  /** POST: the version must not exist yet. */
  checkAbsent(item: T): void {
    if (this.find(item.name, item.version)) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_EXISTS',
        `${this.what} "${item.name}" version ${item.version} already exists; use PUT to update it or create a new version`,
      );
    }
  }

  /**
   * PUT over a published version may change only its metadata. Both sides are given in their
   * stored form (a group's key link), so a body GET returned is accepted back.
   */
  checkMutable(name: string, version: number, existing: T | undefined, incoming: T): void {
    const changes = existing?.is_published ? immutableChanges(existing, incoming) : [];
    if (changes.length === 0) return;
    throw new SignalboxError(
      'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
      `${this.what} "${name}" version ${version} is published and immutable; this would change ${describeChanges(changes)} (only description, owner and is_published can change). Create version ${this.nextVersion(name)} for this change`,
    );
  }

  /** DELETE: a published version must be unpublished first. Returns the version. */
  checkDeletable(name: string, version: number): T {
    const item = this.get(name, version);
    if (item.is_published) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_IN_USE', `${this.what} "${name}" version ${version} is published; unpublish it before deleting it`);
    }
    return item;
  }

  private fail(error: SignalboxError): never {
    throw error;
  }
}
