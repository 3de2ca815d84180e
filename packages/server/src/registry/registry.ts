/**
 * The registry's rules: attribute keys, attribute groups (versioned), services and rule
 * interventions, with their publish state (design §3 "Lifecycle", §4 "Registry store",
 * reference §3.6, §4.9). Storage is a `RegistryStore`; this class decides what may be written.
 *
 * - POST of an existing (name[, version]) is a 400; PUT upserts. The SDKs rely on both.
 * - A published version is immutable except `description`, `owner` and `is_published`, wherever
 *   they appear; what a write is compared in is the stored form, so a body GET returned is always
 *   accepted back (versioned-collection.ts holds the rules groups and interventions share).
 * - The built-in attribute keys are read-only; a PUT that would leave one as it is is a no-op.
 * - A key a group carries in full must agree with the registered or built-in key of its name,
 *   and a new key must agree with the keys published groups carry under its name: otherwise a
 *   group would read another key than the one it was defined with, without a word.
 * - Reads are synchronous, from an in-memory cache (the serving path and the stream view must
 *   not wait). A write is checked and stored in one store transaction, one write at a time, and
 *   resolves only once it is durable; listeners then hear of it so the stream engine can reload
 *   its view. A commit through another handle (another node) makes the cache reload.
 */
import {
  type AttributeGroup,
  type AttributeKey,
  type PublishRequest,
  type PublishedStreamAttribute,
  type ResolvedGroup,
  type RuleIntervention,
  type Service,
  BUILT_IN_KEYS,
  buildStreamView,
  builtInKey,
  criteriaReferences,
  keyProperty,
} from '@signalbox/core';
import { SignalboxError } from '../errors.js';
import { describeChanges, immutableChanges, keyDisagreements } from './changes.js';
import { DEFINITION_COLLECTIONS, RegistryCache } from './registry-cache.js';
import type { RegistryReads, RegistryStore } from './registry-store.js';
import { notFound } from './versioned-collection.js';

export interface GroupFilters {
  applied?: boolean | undefined;
  online?: boolean | undefined;
  offline?: boolean | undefined;
  attribute_key_or_name?: string | undefined;
}

export interface RegistryOptions {
  /** Told when reloading after another handle's commit fails; the next write or commit retries. */
  onReloadError?: (error: unknown) => void;
}

const builtInReadOnly = (name: string) =>
  new SignalboxError(
    'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
    `attribute key "${name}" is built in and cannot be changed or deleted; define a key with another name to read identifiers elsewhere`,
  );

export class Registry {
  private cache = new RegistryCache();
  /** The store revision the cache holds; -1 before the first load (a legacy file is revision 0). */
  private cachedRevision = -1;
  private readonly listeners: Array<() => void | Promise<void>> = [];
  /** Writes and reloads run one at a time, so each checks its rules against the state it commits over. */
  private queue: Promise<unknown> = Promise.resolve();
  private unwatch: (() => void) | undefined;

  private constructor(
    private readonly store: RegistryStore,
    private readonly defaultTtlSeconds: number,
  ) {}

  /** Load the registry from its store and follow the store's later commits. */
  static async open(store: RegistryStore, defaultTtlSeconds: number, options: RegistryOptions = {}): Promise<Registry> {
    const registry = new Registry(store, defaultTtlSeconds);
    await registry.refresh();
    registry.unwatch = store.watch((revision) => {
      if (revision > registry.cachedRevision) registry.refresh().catch((error: unknown) => options.onReloadError?.(error));
    });
    return registry;
  }

  /** The store revision the synchronous reads reflect: equal on two nodes, they answer alike. */
  get revision(): number {
    return this.cachedRevision;
  }

  /** Stop following the store (the store itself is closed by whoever opened it). */
  close(): void {
    this.unwatch?.();
  }

  /**
   * Called after every committed change that may alter what is published, here or through another
   * handle. A write through this handle resolves only after its listeners have (so the engine
   * accepts the events that follow a publish's answer under what it published).
   */
  onChange(listener: () => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async notify(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l()));
  }

  /** Reload if the store moved on (a commit through another handle). */
  private refresh(): Promise<void> {
    return this.serial(async () => {
      if (this.cachedRevision >= 0 && (await this.store.revision()) === this.cachedRevision) return;
      await this.store.transaction((tx) => (tx.revision === this.cachedRevision ? undefined : this.reload(tx)));
    });
  }

  private async reload(from: RegistryReads & { readonly revision: number }): Promise<void> {
    const rows = await Promise.all(DEFINITION_COLLECTIONS.map((collection) => from.list(collection)));
    const first = this.cachedRevision < 0;
    this.cache = RegistryCache.fromRows(rows.flat());
    this.cachedRevision = from.revision;
    if (!first) void this.notify();
  }

  /**
   * Check `rules` against the committed state and store the rows they change in one
   * transaction; the cache shows the change only once it is durable.
   */
  private write<T>(rules: () => T): Promise<T> {
    return this.serial(async () => {
      const { result: planned, revision } = await this.store.transaction(async (tx) => {
        if (tx.revision !== this.cachedRevision) await this.reload(tx);
        const plan = this.cache.plan(rules);
        for (const row of plan.changes) {
          if (row.value === undefined) tx.delete(row.collection, row.name, row.version);
          else tx.put(row.collection, row.name, row.version, row.value);
        }
        return plan;
      });
      this.cache.apply(planned.changes);
      this.cachedRevision = revision;
      if (planned.changes.length > 0) await this.notify();
      return planned.result;
    });
  }

  // ---- attribute keys -------------------------------------------------------------------

  /** The built-in keys first, then the registered ones. */
  listKeys(): AttributeKey[] {
    const builtIns = BUILT_IN_KEYS.map((name) => builtInKey(name)!);
    return [...builtIns, ...[...this.cache.keys.values()].filter((k) => !builtInKey(k.name))];
  }

  /** A key by name; built-ins win over anything stored under their name by older versions. */
  findKey(name: string): AttributeKey | undefined {
    return builtInKey(name) ?? this.cache.keys.get(name);
  }

  getKey(name: string): AttributeKey {
    return this.findKey(name) ?? this.fail(notFound(`attribute key "${name}"`));
  }

  createKey(key: AttributeKey): Promise<AttributeKey> {
    return this.write(() => {
      if (this.findKey(key.name)) {
        throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_EXISTS', `attribute key "${key.name}" already exists; use PUT to update it`);
      }
      return this.putKeyRules(key.name, key);
    });
  }

  putKey(name: string, key: AttributeKey): Promise<AttributeKey> {
    return this.write(() => this.putKeyRules(name, key));
  }

  private putKeyRules(name: string, key: AttributeKey): AttributeKey {
    this.checkPathName('attribute key', name, key.name);
    const builtIn = builtInKey(name);
    if (builtIn) {
      // The SDKs publish every key they hold, built-ins included: one that reads where the
      // built-in reads (whatever its description, owner or publish flag) is a no-op.
      if (keyDisagreements(key, builtIn, true).length > 0) throw builtInReadOnly(name);
      return builtIn;
    }
    if (!keyProperty(key) && !key.external_column) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
        `attribute key "${name}" needs a property (atomic, event or entity) saying where its identifiers are read`,
      );
    }
    const existing = this.cache.keys.get(name);
    const changes = existing && this.keyInPublishedUse(name) ? immutableChanges(existing, key) : [];
    if (changes.length > 0) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
        `attribute key "${name}" is used by a published attribute group; this would change ${describeChanges(changes)} (only description, owner and is_published can change)`,
      );
    }
    if (!existing) this.checkShadowedKeys(key);
    this.cache.setKey(key);
    return key;
  }

  deleteKey(name: string): Promise<void> {
    return this.write(() => {
      if (builtInKey(name)) throw builtInReadOnly(name);
      if (!this.cache.keys.has(name)) throw notFound(`attribute key "${name}"`);
      const users = this.allGroups().filter((g) => g.attribute_key.name === name);
      if (users.length > 0) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_REGISTRY_IN_USE',
          `attribute key "${name}" is used by ${users.map((g) => `${g.name} v${g.version}`).join(', ')}; delete those versions first`,
        );
      }
      this.cache.deleteKey(name);
    });
  }

  private keyInPublishedUse(name: string): boolean {
    return this.allGroups().some((g) => g.is_published && g.attribute_key.name === name);
  }

  /**
   * A published group may carry an unregistered key in full; registering a key of that name
   * makes the group read the registered one, so it must agree with what the group carries.
   */
  private checkShadowedKeys(key: AttributeKey): void {
    for (const group of this.allGroups()) {
      if (!group.is_published || group.attribute_key.name !== key.name || !keyProperty(group.attribute_key)) continue;
      const fields = keyDisagreements(group.attribute_key, key, false);
      if (fields.length === 0) continue;
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH',
        `attribute key "${key.name}" differs in ${fields.join(', ')} from the key of that name that published attribute group "${group.name}" version ${group.version} carries, and the group would read it instead; give the key another name or make it agree`,
      );
    }
  }

  /**
   * A group that carries its key in full (SDKs ≥0.4.2, a GET answer) is read with the built-in or
   * registered key of that name; the two must agree on what the group would compute with.
   */
  private checkCarriedKey(group: AttributeGroup): void {
    const name = group.attribute_key.name;
    const resolved = this.findKey(name);
    const fields = resolved ? keyDisagreements(group.attribute_key, resolved, true) : [];
    if (fields.length === 0) return;
    const which = builtInKey(name) ? 'built-in' : 'registered';
    const advice = builtInKey(name)
      ? `built-in keys cannot be changed: send {"name": "${name}"} or define a key with another name`
      : `update the key first (PUT /api/v1/registry/attribute_keys/${name}) or send {"name": "${name}"}`;
    throw new SignalboxError(
      'SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH',
      `attribute group "${group.name}" version ${group.version} carries attribute key "${name}" with another ${fields.join(', ')} than the ${which} key "${name}" it would read; ${advice}`,
    );
  }

  /** The key a group reads: built in, registered, or given in full inside the group. */
  resolveKey(group: AttributeGroup): AttributeKey {
    const ref = group.attribute_key;
    const key = this.findKey(ref.name) ?? (keyProperty(ref) ? ref : undefined);
    if (!key) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
        `attribute key "${ref.name}" does not exist; create it first (built-in keys: ${BUILT_IN_KEYS.join(', ')})`,
      );
    }
    return key;
  }

  /**
   * The stored form of a group: a key that is registered or built in is kept as the `{name}`
   * link it resolves through, whether the body linked it or carried it in full (as the SDKs
   * ≥0.4.2 and a GET answer do). Writes are compared in this form.
   */
  private storedGroup(group: AttributeGroup): AttributeGroup {
    const name = group.attribute_key.name;
    if (!this.findKey(name)) return group;
    return { ...group, attribute_key: { name, is_published: false } as AttributeKey };
  }

  // ---- attribute groups -----------------------------------------------------------------

  private allGroups(): AttributeGroup[] {
    return this.cache.groups.all();
  }

  listGroups(filters: GroupFilters = {}): AttributeGroup[] {
    return this.allGroups()
      .filter((g) => filters.applied === undefined || g.is_published === filters.applied)
      .filter((g) => filters.online === undefined || g.online === filters.online)
      .filter((g) => filters.offline === undefined || g.offline === filters.offline)
      .filter((g) => {
        if (filters.attribute_key_or_name === undefined) return true;
        const key = this.resolveKey(g);
        return key.name === filters.attribute_key_or_name || (key.key ?? key.name) === filters.attribute_key_or_name ||
          keyProperty(key)?.type === 'atomic' && (keyProperty(key) as { name: string }).name === filters.attribute_key_or_name;
      });
  }

  /** The highest version of a group. */
  getLatestGroup(name: string): AttributeGroup {
    return this.cache.groups.getLatest(name);
  }

  getGroup(name: string, version: number): AttributeGroup {
    return this.cache.groups.get(name, version);
  }

  findGroup(name: string, version: number): AttributeGroup | undefined {
    return this.cache.groups.find(name, version);
  }

  createGroup(group: AttributeGroup): Promise<AttributeGroup> {
    return this.write(() => {
      this.cache.groups.checkAbsent(group);
      return this.putGroupRules(group.name, group.version, group);
    });
  }

  putGroup(name: string, version: number, body: AttributeGroup): Promise<AttributeGroup> {
    return this.write(() => this.putGroupRules(name, version, body));
  }

  private putGroupRules(name: string, version: number, body: AttributeGroup): AttributeGroup {
    this.checkPathName('attribute group', name, body.name);
    this.checkPathVersion(version, body.version);
    this.resolveKey(body);
    this.checkCarriedKey(body);
    const group = this.storedGroup(body);
    const existing = this.findGroup(name, version);
    this.cache.groups.checkMutable(name, version, existing && this.storedGroup(existing), group);
    this.cache.setGroup(group);
    if (existing?.is_published && !group.is_published) this.unpublishStrandedInterventions();
    return group;
  }

  /** The services that pin a group version, published or not. */
  servicesPinning(name: string, version: number): Service[] {
    return this.listServices().filter((s) => s.attribute_groups.some((l) => l.name === name && l.version === version));
  }

  /** Deletes one version; returns it so the values it computed can be purged. */
  deleteGroup(name: string, version: number): Promise<AttributeGroup> {
    return this.write(() => {
      const group = this.cache.groups.checkDeletable(name, version);
      const services = this.servicesPinning(name, version);
      if (services.length > 0) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_REGISTRY_IN_USE',
          `attribute group "${name}" version ${version} is used by service ${services.map((s) => `"${s.name}"`).join(', ')}; remove it from the service first`,
        );
      }
      this.cache.deleteGroup(name, version);
      return group;
    });
  }

  setBatchSource(name: string, version: number, batchSource: NonNullable<AttributeGroup['batch_source']>): Promise<void> {
    return this.write(() => {
      const group = this.getGroup(name, version);
      this.cache.setGroup({ ...group, batch_source: batchSource });
    });
  }

  // ---- services ---------------------------------------------------------------------------

  listServices(): Service[] {
    return [...this.cache.services.values()];
  }

  getService(name: string): Service {
    return this.findService(name) ?? this.fail(notFound(`service "${name}"`));
  }

  findService(name: string): Service | undefined {
    return this.cache.services.get(name);
  }

  createService(service: Service): Promise<Service> {
    return this.write(() => {
      if (this.cache.services.has(service.name)) {
        throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_EXISTS', `service "${service.name}" already exists; use PUT to update it`);
      }
      return this.putServiceRules(service.name, service);
    });
  }

  putService(name: string, service: Service): Promise<Service> {
    return this.write(() => this.putServiceRules(name, service));
  }

  private putServiceRules(name: string, service: Service): Service {
    this.checkPathName('service', name, service.name);
    for (const link of service.attribute_groups) {
      if (!this.findGroup(link.name, link.version)) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
          `service "${name}" pins attribute group "${link.name}" version ${link.version}, which does not exist`,
        );
      }
    }
    this.cache.setService(service);
    return service;
  }

  deleteService(name: string): Promise<void> {
    return this.write(() => {
      this.getService(name);
      this.cache.deleteService(name);
    });
  }

  // ---- interventions ----------------------------------------------------------------------

  listInterventions(): RuleIntervention[] {
    return this.cache.interventions.all();
  }

  getLatestIntervention(name: string): RuleIntervention {
    return this.cache.interventions.getLatest(name);
  }

  findIntervention(name: string, version: number): RuleIntervention | undefined {
    return this.cache.interventions.find(name, version);
  }

  getIntervention(name: string, version: number): RuleIntervention {
    return this.cache.interventions.get(name, version);
  }

  createIntervention(intervention: RuleIntervention): Promise<RuleIntervention> {
    return this.write(() => {
      this.cache.interventions.checkAbsent(intervention);
      return this.putInterventionRules(intervention.name, intervention.version, intervention);
    });
  }

  putIntervention(name: string, version: number, intervention: RuleIntervention): Promise<RuleIntervention> {
    return this.write(() => this.putInterventionRules(name, version, intervention));
  }

  private putInterventionRules(name: string, version: number, intervention: RuleIntervention): RuleIntervention {
    this.checkPathName('intervention', name, intervention.name);
    this.checkPathVersion(version, intervention.version);
    this.cache.interventions.checkMutable(name, version, this.findIntervention(name, version), intervention);
    if (intervention.is_published) this.checkInterventionResolves(intervention);
    this.cache.setIntervention(intervention);
    return intervention;
  }

  deleteIntervention(name: string, version: number): Promise<void> {
    return this.write(() => {
      this.cache.interventions.checkDeletable(name, version);
      this.cache.deleteIntervention(name, version);
    });
  }

  /** Each `group:attribute` must resolve to a published version of the group containing it. */
  private checkInterventionResolves(intervention: RuleIntervention): void {
    for (const ref of criteriaReferences(intervention.criteria)) {
      const [group, attribute] = ref.attribute.split(':') as [string, string];
      if (!this.latestPublishedGroupWith(group, attribute)) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
          `intervention "${intervention.name}" references "${ref.attribute}", but no published version of attribute group "${group}" has attribute "${attribute}"`,
        );
      }
    }
  }

  /** `group:attr` resolves to the latest published version of `group` containing `attr` (design §3). */
  latestPublishedGroupWith(group: string, attribute: string): AttributeGroup | undefined {
    return this.cache.groups.findLatest(group, (g) => !!g.is_published && (g.attributes ?? g.fields ?? []).some((a) => a.name === attribute));
  }

  /**
   * Unpublishing a group version unpublishes the published interventions that can no longer
   * resolve one of their references (reference §4.9), in the same transaction. Returns how many.
   */
  private unpublishStrandedInterventions(): number {
    let count = 0;
    for (const intervention of this.listInterventions().filter((i) => i.is_published)) {
      const stranded = criteriaReferences(intervention.criteria).some((ref) => {
        const [group, attribute] = ref.attribute.split(':') as [string, string];
        return !this.latestPublishedGroupWith(group, attribute);
      });
      if (stranded) {
        this.cache.setIntervention({ ...intervention, is_published: false });
        count++;
      }
    }
    return count;
  }

  // ---- publishing ---------------------------------------------------------------------------

  /**
   * `POST /engines/publish` and `/unpublish`: flip `is_published` on each named object. One
   * transaction: a request naming one unknown object changes nothing.
   */
  setPublished(request: PublishRequest, published: boolean): Promise<number> {
    return this.write(() => this.flipPublished(request, published));
  }

  private flipPublished(request: PublishRequest, published: boolean): number {
    let changed = 0;
    for (const link of request.attribute_keys ?? []) {
      if (builtInKey(link.name)) continue; // always published
      const key = this.cache.keys.get(link.name);
      if (!key) throw notFound(`attribute key "${link.name}"`);
      if (key.is_published !== published) { this.cache.setKey({ ...key, is_published: published }); changed++; }
    }
    for (const link of request.attribute_groups ?? []) {
      const group = this.getGroup(link.name, link.version);
      if (group.is_published !== published) {
        if (published) this.resolveKey(group);
        this.cache.setGroup({ ...group, is_published: published });
        changed++;
      }
    }
    if (!published) changed += this.unpublishStrandedInterventions();
    for (const link of request.services ?? []) {
      const service = this.getService(link.name);
      if (service.is_published !== published) { this.cache.setService({ ...service, is_published: published }); changed++; }
    }
    for (const link of request.interventions ?? []) {
      const intervention = this.getIntervention(link.name, link.version);
      if (intervention.is_published !== published) {
        if (published) this.checkInterventionResolves(intervention);
        this.cache.setIntervention({ ...intervention, is_published: published });
        changed++;
      }
    }
    return changed;
  }

  /** Published, online stream group versions with their keys, for the engine view. */
  publishedStreamGroups(): ResolvedGroup[] {
    return this.allGroups()
      .filter((g) => g.is_published && g.online && !g.offline)
      .map((group) => ({ group, key: this.resolveKey(group) }));
  }

  streamView(): PublishedStreamAttribute[] {
    return buildStreamView(this.publishedStreamGroups(), this.defaultTtlSeconds);
  }

  publishedInterventions(): RuleIntervention[] {
    return this.listInterventions().filter((i) => i.is_published);
  }

  private checkPathVersion(pathVersion: number, bodyVersion: number): void {
    if (pathVersion !== bodyVersion) {
      throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body's version ${bodyVersion} does not match the path's version ${pathVersion}`);
    }
  }

  private checkPathName(what: string, pathName: string, bodyName: string): void {
    if (pathName !== bodyName) {
      throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body names ${what} "${bodyName}" but the path names "${pathName}"`);
    }
  }

  private fail(error: SignalboxError): never {
    throw error;
  }
}
