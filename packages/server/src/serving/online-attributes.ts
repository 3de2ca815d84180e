/**
 * `POST /api/v1/get-online-attributes` (reference §3.4, §16.3; design §3 "Values"):
 * resolve the requested attributes, read each identifier's state at `now`, and return arrays
 * aligned with the identifiers.
 *
 * - An identifier with no live state in a group reads `null` for every attribute of that group.
 * - With live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null.
 * - Services spanning groups of other attribute keys read `null` for those groups' attributes.
 * - A service pinning a group version that is not published answers 400 naming it: its values
 *   are no longer computed, and serving them frozen would be silent (docs/definitions.md).
 * - Responses are null-prototype objects: attribute and key names are the client's own.
 */
import {
  type AttributeGroup,
  type AttributeKey,
  type GetOnlineAttributesRequest,
  parseQualifiedName,
  type ReadableAttribute,
  qualifiedName,
  readableAttribute,
} from '@signalbox/core';
import { SignalboxError } from '../errors.js';
import type { ProfilesStore, ReadableDefinition } from '../profiles/profiles-store.js';
import type { Registry } from '../registry/registry.js';
import { type LiveState, hasLiveState, readLiveAttribute } from './attribute-reader.js';

interface ResolvedAttribute {
  plainName: string;
  fullName: string;
  /** Stream attributes: how to read them. External fields have no state yet. */
  readable: ReadableAttribute | undefined;
  keyName: string;
  groupId: string;
  /** Every attribute of the same group version: liveness is decided over the whole group. */
  group: ReadableAttribute[];
}

export class OnlineAttributes {
  constructor(
    private readonly registry: Registry,
    private readonly store: ProfilesStore,
    private readonly defaultTtlSeconds: number,
  ) {}

  /** Resolved groups by `<name>_v<version>`; definition hashing is too slow to repeat per read. */
  private readonly resolved = new Map<string, ResolvedAttribute[]>();

  /** Forget resolutions after any registry change. */
  invalidate(): void {
    this.resolved.clear();
    this.plans.clear();
  }

  private resolveGroup(group: AttributeGroup, only?: ReadonlySet<string>): ResolvedAttribute[] {
    const id = `${group.name}_v${group.version}`;
    let all = this.resolved.get(id);
    if (!all) {
      all = this.resolveGroupUncached(group);
      this.resolved.set(id, all);
    }
    return only ? all.filter((a) => only.has(a.plainName)) : all;
  }

  private resolveGroupUncached(group: AttributeGroup): ResolvedAttribute[] {
    const key: AttributeKey = this.registry.resolveKey(group);
    const groupId = `${group.name}_v${group.version}`;
    const out: ResolvedAttribute[] = [];
    const readables = (group.attributes ?? []).map((attribute) => readableAttribute(group, key, attribute, this.defaultTtlSeconds));
    for (const readable of readables) {
      out.push({
        plainName: readable.name,
        fullName: qualifiedName(group.name, group.version, readable.name),
        readable,
        keyName: key.name,
        groupId,
        group: readables,
      });
    }
    for (const field of group.fields ?? []) {
      out.push({
        plainName: field.name,
        fullName: qualifiedName(group.name, group.version, field.name),
        readable: undefined,
        keyName: key.name,
        groupId,
        group: readables,
      });
    }
    return out;
  }

  private resolve(request: GetOnlineAttributesRequest, keyName: string): ResolvedAttribute[] {
    if (request.service) {
      const service = this.registry.findService(request.service);
      if (!service) throw new SignalboxError('SIGNALBOX_ERR_SERVING_UNKNOWN_SERVICE', `service "${request.service}" not found`);
      return service.attribute_groups.flatMap((link) => {
        const group = this.registry.findGroup(link.name, link.version);
        if (!group) {
          throw new SignalboxError(
            'SIGNALBOX_ERR_SERVING_UNKNOWN_ATTRIBUTE',
            `service "${service.name}" pins attribute group "${link.name}" version ${link.version}, which no longer exists`,
          );
        }
        if (!group.is_published) {
          throw new SignalboxError(
            'SIGNALBOX_ERR_SERVING_UNPUBLISHED',
            `service "${service.name}" pins attribute group "${link.name}" version ${link.version}, which is not published, so its values are not computed; publish it again or pin a published version`,
          );
        }
        return this.resolveGroup(group);
      });
    }
    const wanted = new Map<string, Set<string>>();
    for (const text of request.attributes ?? []) {
      const q = parseQualifiedName(text)!;
      const group = this.registry.findGroup(q.group, q.version);
      if (!group) {
        throw new SignalboxError('SIGNALBOX_ERR_SERVING_UNKNOWN_ATTRIBUTE', `attribute group "${q.group}" version ${q.version} not found (from "${text}")`);
      }
      if (![...(group.attributes ?? []), ...(group.fields ?? [])].some((a) => a.name === q.attribute)) {
        throw new SignalboxError('SIGNALBOX_ERR_SERVING_UNKNOWN_ATTRIBUTE', `attribute group "${q.group}" version ${q.version} has no attribute "${q.attribute}"`);
      }
      const groupKey = this.registry.resolveKey(group).name;
      if (groupKey !== keyName) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_SERVING_BAD_REQUEST',
          `attribute group "${q.group}" version ${q.version} is keyed by "${groupKey}", but the request sends "${keyName}" identifiers`,
        );
      }
      const set = wanted.get(`${q.group}\u0000${q.version}`) ?? new Set<string>();
      set.add(q.attribute);
      wanted.set(`${q.group}\u0000${q.version}`, set);
    }
    // Keep the request's order.
    const all = [...wanted].flatMap(([id, names]) => {
      const [name, version] = id.split('\u0000') as [string, string];
      return this.resolveGroup(this.registry.getGroup(name, Number(version)), names);
    });
    const order = new Map((request.attributes ?? []).map((t, i) => [t, i]));
    return all.sort((a, b) => (order.get(a.fullName) ?? 0) - (order.get(b.fullName) ?? 0));
  }

  /** What to read for one request shape; resolving and checking names once per shape keeps reads cheap. */
  private readonly plans = new Map<string, ReadPlan>();

  private plan(request: GetOnlineAttributesRequest, keyName: string): ReadPlan {
    const full = request.full_attribute_names === true;
    const cacheKey = `${keyName}\u0000${full}\u0000${request.service ?? ''}\u0000${(request.attributes ?? []).join(',')}`;
    const cached = this.plans.get(cacheKey);
    if (cached) return cached;
    const attributes = this.resolve(request, keyName);
    const owners = new Map<string, string>();
    const groupIndex = new Map<string, number>();
    const plan: ReadPlan = { columns: [], groups: [], definitions: [], slots: new Map() };
    for (const a of attributes) {
      const name = full ? a.fullName : a.plainName;
      const previous = owners.get(name);
      if (previous !== undefined && previous !== a.groupId) {
        throw new SignalboxError(
          'SIGNALBOX_ERR_SERVING_NAME_CLASH',
          `attribute "${name}" is served by both ${previous} and ${a.groupId}; send "full_attribute_names": true to read them apart`,
        );
      }
      owners.set(name, a.groupId);
      let g = groupIndex.get(a.groupId);
      if (g === undefined) {
        g = plan.groups.length;
        groupIndex.set(a.groupId, g);
        plan.groups.push(a.group);
        // Groups of another key read null (below): nothing of theirs to fetch.
        for (const r of a.keyName === keyName ? a.group : []) {
          if (r.hash === undefined || plan.slots.has(r.hash)) continue;
          plan.slots.set(r.hash, plan.definitions.length);
          plan.definitions.push({ hash: r.hash, spec: r.spec! });
        }
      }
      // Attributes of groups keyed by another key, and warehouse fields without state, read null.
      const readable = a.keyName === keyName && a.readable?.hash ? a.readable : undefined;
      plan.columns.push({ name, readable, group: g });
    }
    if (this.plans.size > 1000) this.plans.clear();
    this.plans.set(cacheKey, plan);
    return plan;
  }

  /** One store read for every identifier and every stream attribute the request's groups hold. */
  async read(request: GetOnlineAttributesRequest, now: number): Promise<Record<string, unknown[]>> {
    const identifiers = (request.attribute_keys ?? request.entities)!;
    const [keyName, ids] = Object.entries(identifiers)[0]!;
    const plan = this.plan(request, keyName);
    const rows = plan.definitions.length > 0 ? await this.store.read(keyName, ids, plan.definitions, now) : [];
    const response = Object.create(null) as Record<string, unknown[]>;
    response[keyName] = ids;
    // Whether an identifier has any live state in a group decides null versus default:
    // 0 unknown, 1 live, 2 not live, per (identifier, group).
    const groups = plan.groups.length;
    const live = new Uint8Array(ids.length * groups);
    const lookups = rows.map((row): LiveState => (a) => row[plan.slots.get(a.hash!)!]);
    for (const column of plan.columns) {
      const values = new Array<unknown>(ids.length);
      const readable = column.readable;
      for (let i = 0; i < ids.length; i++) {
        if (!readable) {
          values[i] = null;
          continue;
        }
        const slot = i * groups + column.group;
        if (live[slot] === 0) live[slot] = hasLiveState(lookups[i]!, plan.groups[column.group]!) ? 1 : 2;
        values[i] = live[slot] === 1 ? readLiveAttribute(lookups[i]!, readable, now) : null;
      }
      response[column.name] = values;
    }
    return response;
  }
}

interface ReadPlan {
  columns: Array<{ name: string; readable: ReadableAttribute | undefined; group: number }>;
  /** The attributes of each group version read, for the liveness rule. */
  groups: ReadableAttribute[][];
  /** Every stream attribute of those groups, read in one store call, and where each sits in a row. */
  definitions: ReadableDefinition[];
  slots: Map<string, number>;
}
