/**
 * The registry: attribute keys, attribute groups (versioned), services and rule interventions,
 * with their publish state (design §3 "Lifecycle", reference §3.6, §4.9).
 *
 * - POST of an existing (name[, version]) is a 400; PUT upserts. The SDKs rely on both.
 * - A published version is immutable except `description`, `owner` and `is_published`.
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
  buildStreamView,
  builtInKey,
  canonicalJson,
  criteriaReferences,
  keyProperty,
} from '@signalbox/core';
import { SignalboxError } from '../errors.js';
import { type RegistryData, type RegistryPersistence } from './registry-data.js';

export interface GroupFilters {
  applied?: boolean | undefined;
  online?: boolean | undefined;
  offline?: boolean | undefined;
  attribute_key_or_name?: string | undefined;
}

/** Fields that may change on a published version. */
const MUTABLE_WHEN_PUBLISHED = ['description', 'owner', 'is_published'] as const;

function withoutMutable(obj: object): string {
  const copy: Record<string, unknown> = { ...obj };
  for (const f of MUTABLE_WHEN_PUBLISHED) delete copy[f];
  return canonicalJson(copy);
}

const notFound = (what: string) => new SignalboxError('SIGNALBOX_ERR_REGISTRY_NOT_FOUND', `${what} not found`);

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

  listKeys(): AttributeKey[] {
    return Object.values(this.data.attribute_keys);
  }

  getKey(name: string): AttributeKey {
    return this.data.attribute_keys[name] ?? builtInKey(name) ?? this.fail(notFound(`attribute key "${name}"`));
  }

  createKey(key: AttributeKey): AttributeKey {
    if (this.data.attribute_keys[key.name]) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_EXISTS', `attribute key "${key.name}" already exists; use PUT to update it`);
    }
    return this.putKey(key.name, key);
  }

  putKey(name: string, key: AttributeKey): AttributeKey {
    this.checkPathName('attribute key', name, key.name);
    if (!keyProperty(key) && !key.external_column) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
        `attribute key "${name}" needs a property (atomic, event or entity) saying where its identifiers are read`,
      );
    }
    const existing = this.data.attribute_keys[name];
    if (existing && this.keyInPublishedUse(name) && withoutMutable(existing) !== withoutMutable(key)) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
        `attribute key "${name}" is used by a published attribute group; only description, owner and is_published can change`,
      );
    }
    this.data.attribute_keys[name] = key;
    this.commit();
    return key;
  }

  deleteKey(name: string): void {
    if (!this.data.attribute_keys[name]) throw notFound(`attribute key "${name}"`);
    const users = this.allGroups().filter((g) => g.attribute_key.name === name);
    if (users.length > 0) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IN_USE',
        `attribute key "${name}" is used by ${users.map((g) => `${g.name} v${g.version}`).join(', ')}; delete those versions first`,
      );
    }
    delete this.data.attribute_keys[name];
    this.commit();
  }

  private keyInPublishedUse(name: string): boolean {
    return this.allGroups().some((g) => g.is_published && g.attribute_key.name === name);
  }

  /** The key a group reads: registered, built in, or given in full inside the group. */
  resolveKey(group: AttributeGroup): AttributeKey {
    const ref = group.attribute_key as AttributeKey;
    const key = this.data.attribute_keys[ref.name] ?? builtInKey(ref.name) ?? (keyProperty(ref) ? ref : undefined);
    if (!key) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_UNRESOLVED',
        `attribute key "${ref.name}" does not exist; create it first (built-in keys: domain_userid, domain_sessionid, network_userid, user_id)`,
      );
    }
    return key;
  }

  // ---- attribute groups -----------------------------------------------------------------

  private allGroups(): AttributeGroup[] {
    return Object.values(this.data.attribute_groups).flatMap((versions) => Object.values(versions));
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
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
  }

  /** The highest version of a group. */
  getLatestGroup(name: string): AttributeGroup {
    const versions = Object.values(this.data.attribute_groups[name] ?? {});
    if (versions.length === 0) throw notFound(`attribute group "${name}"`);
    return versions.reduce((a, b) => (b.version > a.version ? b : a));
  }

  getGroup(name: string, version: number): AttributeGroup {
    return this.findGroup(name, version) ?? this.fail(notFound(`attribute group "${name}" version ${version}`));
  }

  findGroup(name: string, version: number): AttributeGroup | undefined {
    return this.data.attribute_groups[name]?.[String(version)];
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

  putGroup(name: string, version: number, group: AttributeGroup): AttributeGroup {
    this.checkPathName('attribute group', name, group.name);
    if (group.version !== version) {
      throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body's version ${group.version} does not match the path's version ${version}`);
    }
    this.resolveKey(group);
    const existing = this.findGroup(name, version);
    if (existing?.is_published && withoutMutable(existing) !== withoutMutable(group)) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
        `attribute group "${name}" version ${version} is published and immutable; only description, owner and is_published can change. Create version ${this.nextGroupVersion(name)} for this change`,
      );
    }
    (this.data.attribute_groups[name] ??= {})[String(version)] = group;
    if (existing?.is_published && !group.is_published) this.unpublishStrandedInterventions();
    this.commit();
    return group;
  }

  private nextGroupVersion(name: string): number {
    return Math.max(0, ...Object.values(this.data.attribute_groups[name] ?? {}).map((g) => g.version)) + 1;
  }

  /** Deletes one version; returns the definition hashes it computed so their values can be purged. */
  deleteGroup(name: string, version: number): AttributeGroup {
    const group = this.getGroup(name, version);
    if (group.is_published) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_IN_USE', `attribute group "${name}" version ${version} is published; unpublish it before deleting it`);
    }
    const services = Object.values(this.data.services).filter((s) =>
      s.attribute_groups.some((l) => l.name === name && l.version === version),
    );
    if (services.length > 0) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IN_USE',
        `attribute group "${name}" version ${version} is used by service ${services.map((s) => `"${s.name}"`).join(', ')}; remove it from the service first`,
      );
    }
    const versions = this.data.attribute_groups[name]!;
    delete versions[String(version)];
    if (Object.keys(versions).length === 0) delete this.data.attribute_groups[name];
    this.commit();
    return group;
  }

  setBatchSource(name: string, version: number, batchSource: NonNullable<AttributeGroup['batch_source']>): void {
    const group = this.getGroup(name, version);
    (this.data.attribute_groups[name] as Record<string, AttributeGroup>)[String(version)] = { ...group, batch_source: batchSource };
    this.commit();
  }

  // ---- services ---------------------------------------------------------------------------

  listServices(): Service[] {
    return Object.values(this.data.services);
  }

  getService(name: string): Service {
    return this.data.services[name] ?? this.fail(notFound(`service "${name}"`));
  }

  findService(name: string): Service | undefined {
    return this.data.services[name];
  }

  createService(service: Service): Service {
    if (this.data.services[service.name]) {
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
    this.data.services[name] = service;
    this.commit();
    return service;
  }

  deleteService(name: string): void {
    this.getService(name);
    delete this.data.services[name];
    this.commit();
  }

  // ---- interventions ----------------------------------------------------------------------

  listInterventions(): RuleIntervention[] {
    return Object.values(this.data.interventions)
      .flatMap((versions) => Object.values(versions))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
  }

  getLatestIntervention(name: string): RuleIntervention {
    const versions = Object.values(this.data.interventions[name] ?? {});
    if (versions.length === 0) throw notFound(`intervention "${name}"`);
    return versions.reduce((a, b) => (b.version > a.version ? b : a));
  }

  getIntervention(name: string, version: number): RuleIntervention {
    return this.data.interventions[name]?.[String(version)] ?? this.fail(notFound(`intervention "${name}" version ${version}`));
  }

  createIntervention(intervention: RuleIntervention): RuleIntervention {
    if (this.data.interventions[intervention.name]?.[String(intervention.version)]) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_EXISTS',
        `intervention "${intervention.name}" version ${intervention.version} already exists; use PUT to update it or create a new version`,
      );
    }
    return this.putIntervention(intervention.name, intervention.version, intervention);
  }

  putIntervention(name: string, version: number, intervention: RuleIntervention): RuleIntervention {
    this.checkPathName('intervention', name, intervention.name);
    if (intervention.version !== version) {
      throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body's version ${intervention.version} does not match the path's version ${version}`);
    }
    const existing = this.data.interventions[name]?.[String(version)];
    if (existing?.is_published && withoutMutable(existing) !== withoutMutable(intervention)) {
      throw new SignalboxError(
        'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
        `intervention "${name}" version ${version} is published and immutable; only description, owner and is_published can change. Create a new version for this change`,
      );
    }
    if (intervention.is_published) this.checkInterventionResolves(intervention);
    (this.data.interventions[name] ??= {})[String(version)] = intervention;
    this.commit();
    return intervention;
  }

  deleteIntervention(name: string, version: number): void {
    const intervention = this.getIntervention(name, version);
    if (intervention.is_published) {
      throw new SignalboxError('SIGNALBOX_ERR_REGISTRY_IN_USE', `intervention "${name}" version ${version} is published; unpublish it before deleting it`);
    }
    const versions = this.data.interventions[name]!;
    delete versions[String(version)];
    if (Object.keys(versions).length === 0) delete this.data.interventions[name];
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
    return Object.values(this.data.attribute_groups[group] ?? {})
      .filter((g) => g.is_published && (g.attributes ?? g.fields ?? []).some((a) => a.name === attribute))
      .reduce<AttributeGroup | undefined>((best, g) => (!best || g.version > best.version ? g : best), undefined);
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
      const key = this.data.attribute_keys[link.name];
      if (!key) {
        if (builtInKey(link.name)) continue;
        throw notFound(`attribute key "${link.name}"`);
      }
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

  private checkPathName(what: string, pathName: string, bodyName: string): void {
    if (pathName !== bodyName) {
      throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body names ${what} "${bodyName}" but the path names "${pathName}"`);
    }
  }

  private fail(error: SignalboxError): never {
    throw error;
  }
}
