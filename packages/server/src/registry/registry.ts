/**
 * The registry: attribute keys, attribute groups (versioned), services and rule interventions,
 * with their publish state (design §3 "Lifecycle", reference §3.6, §4.9).
 *
 * - POST of an existing (name[, version]) is a 400; PUT upserts. The SDKs rely on both.
 * - A published version is immutable except `description`, `owner` and `is_published`, wherever
 *   they appear; what a write is compared in is the stored form, so a body GET returned is always
 *   accepted back.
 * - The built-in attribute keys are read-only; a PUT that would leave one as it is is a no-op.
 * - A key a group carries in full must agree with the registered or built-in key of its name,
 *   and a new key must agree with the keys published groups carry under its name: otherwise a
 *   group would read another key than the one it was defined with, without a word.
 * - Every collection is a `Map` keyed by the client's names (registry-data.ts).
 * - Every change is persisted before it is acknowledged, and listeners hear when the published
 *   set changes so the stream engine can reload its view.
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
import { type RegistryData, type RegistryPersistence } from './registry-data.js';

export interface GroupFilters {
  applied?: boolean | undefined;
  online?: boolean | undefined;
  offline?: boolean | undefined;
  attribute_key_or_name?: string | undefined;
}

const notFound = (what: string) => new SignalboxError('SIGNALBOX_ERR_REGISTRY_NOT_FOUND', `${what} not found`);

const builtInReadOnly = (name: string) =>
  new SignalboxError(
    'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
    `attribute key "${name}" is built in and cannot be changed or deleted; define a key with another name to read identifiers elsewhere`,
  );

/** The error for a write that would change a published version, naming what it would change. */
function immutable(what: string, changes: readonly string[], advice: string): SignalboxError {
  return new SignalboxError(
    'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
    `${what} is published and immutable; this would change ${describeChanges(changes)} (only description, owner and is_published can change). ${advice}`,
  );
}

/** All versions of every name, in name then version order. */
function allVersions<T extends { name: string; version: number }>(map: Map<string, Map<number, T>>): T[] {
  return [...map.values()]
    .flatMap((versions) => [...versions.values()])
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
}

function latestVersion<T extends { version: number }>(versions: Iterable<T> | undefined): T | undefined {
  return [...(versions ?? [])].reduce<T | undefined>((best, v) => (!best || v.version > best.version ? v : best), undefined);
}

function setVersion<T>(map: Map<string, Map<number, T>>, name: string, version: number, item: T): void {
  const versions = map.get(name) ?? new Map<number, T>();
  versions.set(version, item);
  map.set(name, versions);
}

function deleteVersion<T>(map: Map<string, Map<number, T>>, name: string, version: number): void {
  const versions = map.get(name);
  versions?.delete(version);
  if (versions?.size === 0) map.delete(name);
}

export class Registry {
  private data: RegistryData;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly persistence: RegistryPersistence,
    private readonly defaultTtlSeconds: number,
  ) {
    this.data = persistence.load();
  }

  /** Called after every committed change that may alter what is published. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private commit(): void {
    this.persistence.save(this.data);
    for (const l of this.listeners) l();
  }

  // ---- attribute keys -------------------------------------------------------------------

  /** The built-in keys first, then the registered ones. */
  listKeys(): AttributeKey[] {
    const builtIns = BUILT_IN_KEYS.map((name) => builtInKey(name)!);
    return [...builtIns, ...[...this.data.attribute_keys.values()].filter((k) => !builtInKey(k.name))];
  }

  /** A key by name; built-ins win over anything stored under their name by older versions. */
  findKey(name: string): AttributeKey | undefined {
    return builtInKey(name) ?? this.data.attribute_keys.get(name);
  }

  getKey(name: string): AttributeKey {
    return this.findKey(name) ?? this.fail(notFound(`attribute key "${name}"`));
  }

  createKey(key: AttributeKey): AttributeKey {
    if (this.findKey(key.name)) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_EXISTS', `attribute key "${key.name}" already exists; use PUT to update it`);
    }
    return this.putKey(key.name, key);
  }

  putKey(name: string, key: AttributeKey): AttributeKey {
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
    const existing = this.data.attribute_keys.get(name);
    const changes = existing && this.keyInPublishedUse(name) ? immutableChanges(existing, key) : [];
    if (changes.length > 0) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
        `attribute key "${name}" is used by a published attribute group; this would change ${describeChanges(changes)} (only description, owner and is_published can change)`,
      );
    }
    if (!existing) this.checkShadowedKeys(key);
    this.data.attribute_keys.set(name, key);
    this.commit();
    return key;
  }

  deleteKey(name: string): void {
    if (builtInKey(name)) throw builtInReadOnly(name);
    if (!this.data.attribute_keys.has(name)) throw notFound(`attribute key "${name}"`);
    const users = this.allGroups().filter((g) => g.attribute_key.name === name);
    if (users.length > 0) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IN_USE',
        `attribute key "${name}" is used by ${users.map((g) => `${g.name} v${g.version}`).join(', ')}; delete those versions first`,
      );
    }
    this.data.attribute_keys.delete(name);
    this.commit();
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
    return allVersions(this.data.attribute_groups);
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
    return latestVersion(this.data.attribute_groups.get(name)?.values()) ?? this.fail(notFound(`attribute group "${name}"`));
  }

  getGroup(name: string, version: number): AttributeGroup {
    return this.findGroup(name, version) ?? this.fail(notFound(`attribute group "${name}" version ${version}`));
  }

  findGroup(name: string, version: number): AttributeGroup | undefined {
    return this.data.attribute_groups.get(name)?.get(version);
  }

  createGroup(group: AttributeGroup): AttributeGroup {
    if (this.findGroup(group.name, group.version)) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_EXISTS',
        `attribute group "${group.name}" version ${group.version} already exists; use PUT to update it or create a new version`,
      );
    }
    return this.putGroup(group.name, group.version, group);
  }

  putGroup(name: string, version: number, body: AttributeGroup): AttributeGroup {
    this.checkPathName('attribute group', name, body.name);
    this.checkPathVersion(version, body.version);
    this.resolveKey(body);
    this.checkCarriedKey(body);
    const group = this.storedGroup(body);
    const existing = this.findGroup(name, version);
    const changes = existing?.is_published ? immutableChanges(this.storedGroup(existing), group) : [];
    if (changes.length > 0) {
      throw immutable(`attribute group "${name}" version ${version}`, changes, `Create version ${this.nextGroupVersion(name)} for this change`);
    }
    setVersion(this.data.attribute_groups, name, version, group);
    if (existing?.is_published && !group.is_published) this.unpublishStrandedInterventions();
    this.commit();
    return group;
  }

  private nextGroupVersion(name: string): number {
    return (latestVersion(this.data.attribute_groups.get(name)?.values())?.version ?? 0) + 1;
  }

  /** The services that pin a group version, published or not. */
  servicesPinning(name: string, version: number): Service[] {
    return this.listServices().filter((s) => s.attribute_groups.some((l) => l.name === name && l.version === version));
  }

  /** Deletes one version; returns it so the values it computed can be purged. */
  deleteGroup(name: string, version: number): AttributeGroup {
    const group = this.getGroup(name, version);
    if (group.is_published) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_IN_USE', `attribute group "${name}" version ${version} is published; unpublish it before deleting it`);
    }
    const services = this.servicesPinning(name, version);
    if (services.length > 0) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IN_USE',
        `attribute group "${name}" version ${version} is used by service ${services.map((s) => `"${s.name}"`).join(', ')}; remove it from the service first`,
      );
    }
    deleteVersion(this.data.attribute_groups, name, version);
    this.commit();
    return group;
  }

  setBatchSource(name: string, version: number, batchSource: NonNullable<AttributeGroup['batch_source']>): void {
    const group = this.getGroup(name, version);
    setVersion(this.data.attribute_groups, name, version, { ...group, batch_source: batchSource });
    this.commit();
  }

  // ---- services ---------------------------------------------------------------------------

  listServices(): Service[] {
    return [...this.data.services.values()];
  }

  getService(name: string): Service {
    return this.findService(name) ?? this.fail(notFound(`service "${name}"`));
  }

  findService(name: string): Service | undefined {
    return this.data.services.get(name);
  }

  createService(service: Service): Service {
    if (this.data.services.has(service.name)) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_EXISTS', `service "${service.name}" already exists; use PUT to update it`);
    }
    return this.putService(service.name, service);
  }

  putService(name: string, service: Service): Service {
    this.checkPathName('service', name, service.name);
    for (const link of service.attribute_groups) {
      if (!this.findGroup(link.name, link.version)) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
          `service "${name}" pins attribute group "${link.name}" version ${link.version}, which does not exist`,
        );
      }
    }
    this.data.services.set(name, service);
    this.commit();
    return service;
  }

  deleteService(name: string): void {
    this.getService(name);
    this.data.services.delete(name);
    this.commit();
  }

  // ---- interventions ----------------------------------------------------------------------

  listInterventions(): RuleIntervention[] {
    return allVersions(this.data.interventions);
  }

  getLatestIntervention(name: string): RuleIntervention {
    return latestVersion(this.data.interventions.get(name)?.values()) ?? this.fail(notFound(`intervention "${name}"`));
  }

  findIntervention(name: string, version: number): RuleIntervention | undefined {
    return this.data.interventions.get(name)?.get(version);
  }

  getIntervention(name: string, version: number): RuleIntervention {
    return this.findIntervention(name, version) ?? this.fail(notFound(`intervention "${name}" version ${version}`));
  }

  createIntervention(intervention: RuleIntervention): RuleIntervention {
    if (this.findIntervention(intervention.name, intervention.version)) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_EXISTS',
        `intervention "${intervention.name}" version ${intervention.version} already exists; use PUT to update it or create a new version`,
      );
    }
    return this.putIntervention(intervention.name, intervention.version, intervention);
  }

  putIntervention(name: string, version: number, intervention: RuleIntervention): RuleIntervention {
    this.checkPathName('intervention', name, intervention.name);
    this.checkPathVersion(version, intervention.version);
    const existing = this.findIntervention(name, version);
    const changes = existing?.is_published ? immutableChanges(existing, intervention) : [];
    if (changes.length > 0) {
      const next = (latestVersion(this.data.interventions.get(name)?.values())?.version ?? 0) + 1;
      throw immutable(`intervention "${name}" version ${version}`, changes, `Create version ${next} for this change`);
    }
    if (intervention.is_published) this.checkInterventionResolves(intervention);
    setVersion(this.data.interventions, name, version, intervention);
    this.commit();
    return intervention;
  }

  deleteIntervention(name: string, version: number): void {
    const intervention = this.getIntervention(name, version);
    if (intervention.is_published) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_IN_USE', `intervention "${name}" version ${version} is published; unpublish it before deleting it`);
    }
    deleteVersion(this.data.interventions, name, version);
    this.commit();
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
    return latestVersion(
      [...(this.data.attribute_groups.get(group)?.values() ?? [])]
        .filter((g) => g.is_published && (g.attributes ?? g.fields ?? []).some((a) => a.name === attribute)),
    );
  }

  /**
   * Unpublishing a group version unpublishes the published interventions that can no longer
   * resolve one of their references (reference §4.9). Returns how many were unpublished.
   */
  private unpublishStrandedInterventions(): number {
    let count = 0;
    for (const intervention of this.listInterventions().filter((i) => i.is_published)) {
      const stranded = criteriaReferences(intervention.criteria).some((ref) => {
        const [group, attribute] = ref.attribute.split(':') as [string, string];
        return !this.latestPublishedGroupWith(group, attribute);
      });
      if (stranded) {
        intervention.is_published = false;
        count++;
      }
    }
    return count;
  }

  // ---- publishing ---------------------------------------------------------------------------

  /** `POST /engines/publish` and `/unpublish`: flip `is_published` on each named object. */
  setPublished(request: PublishRequest, published: boolean): number {
    // Validate everything before anything changes: a request naming one unknown object changes nothing.
    const before = structuredClone(this.data);
    try {
      const changed = this.flipPublished(request, published);
      if (changed > 0) this.commit();
      return changed;
    } catch (error) {
      this.data = before;
      throw error;
    }
  }

  private flipPublished(request: PublishRequest, published: boolean): number {
    let changed = 0;
    for (const link of request.attribute_keys ?? []) {
      if (builtInKey(link.name)) continue; // always published
      const key = this.data.attribute_keys.get(link.name);
      if (!key) throw notFound(`attribute key "${link.name}"`);
      if (key.is_published !== published) { key.is_published = published; changed++; }
    }
    for (const link of request.attribute_groups ?? []) {
      const group = this.getGroup(link.name, link.version);
      if (group.is_published !== published) {
        if (published) this.resolveKey(group);
        group.is_published = published;
        changed++;
      }
    }
    if (!published) changed += this.unpublishStrandedInterventions();
    for (const link of request.services ?? []) {
      const service = this.getService(link.name);
      if (service.is_published !== published) { service.is_published = published; changed++; }
    }
    for (const link of request.interventions ?? []) {
      const intervention = this.getIntervention(link.name, link.version);
      if (intervention.is_published !== published) {
        if (published) this.checkInterventionResolves(intervention);
        intervention.is_published = published;
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
