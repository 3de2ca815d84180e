/**
 * `POST /api/v1/get-online-attributes` (reference §3.4, §16.3; design §3 "Values"):
 * resolve the requested attributes, read each identifier's state at `now`, and return arrays
 * aligned with the identifiers.
 *
 * - An identifier with no live state in a group reads `null` for every attribute of that group.
 * - With live state but no value: `default_value`, else 0 for counter/sum, [] for unique_list, null.
 * - Services spanning groups of other attribute keys read `null` for those groups' attributes.
 */
import {
  type AggregationSpec,
  type Attribute,
  type AttributeGroup,
  type AttributeKey,
  type GetOnlineAttributesRequest,
  describeAttribute,
  outputValue,
  parseQualifiedName,
  qualifiedName,
  readValue,
  typeDefault,
} from '@signalbox/core';
import { SignalboxError } from '../errors.js';
import type { ProfilesStore } from '../profiles/profiles-store.js';
import type { Registry } from '../registry/registry.js';
import { specOf } from '../stream/compiled-view.js';

interface ResolvedAttribute {
  plainName: string;
  fullName: string;
  /** Stream attributes: where their state lives. External fields have none yet. */
  hash: string | undefined;
  spec: AggregationSpec | undefined;
  attribute: Attribute | undefined;
  keyName: string;
  groupId: string;
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
    for (const attribute of group.attributes ?? []) {
      const described = group.offline ? undefined : describeAttribute(group, key, attribute, this.defaultTtlSeconds);
      out.push({
        plainName: attribute.name,
        fullName: qualifiedName(group.name, group.version, attribute.name),
        hash: described?.definition_hash,
        spec: described ? specOf(described) : undefined,
        attribute,
        keyName: key.name,
        groupId,
      });
    }
    for (const field of group.fields ?? []) {
      out.push({
        plainName: field.name,
        fullName: qualifiedName(group.name, group.version, field.name),
        hash: undefined,
        spec: undefined,
        attribute: undefined,
        keyName: key.name,
        groupId,
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

  read(request: GetOnlineAttributesRequest, now: number): Record<string, unknown[]> {
    const identifiers = (request.attribute_keys ?? request.entities)!;
    const [keyName, ids] = Object.entries(identifiers)[0]!;
    const attributes = this.resolve(request, keyName);
    const full = request.full_attribute_names === true;
    const response: Record<string, unknown[]> = { [keyName]: ids };
    const owners = new Map<string, string>();
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
    }
    // Which (group, identifier) pairs have any live state decides null versus default.
    const live = new Map<string, boolean>();
    const isLive = (groupId: string, id: string): boolean => {
      const k = `${groupId}\u0000${id}`;
      let v = live.get(k);
      if (v === undefined) {
        v = attributes.some((a) => a.groupId === groupId && a.keyName === keyName && a.hash !== undefined &&
          this.store.read(keyName, id, a.hash, a.spec!, now) !== undefined);
        live.set(k, v);
      }
      return v;
    };
    for (const a of attributes) {
      response[full ? a.fullName : a.plainName] = ids.map((id) => {
        if (a.keyName !== keyName || !a.hash || !a.attribute || !isLive(a.groupId, id)) return null;
        const state = this.store.read(keyName, id, a.hash, a.spec!, now);
        const value = state ? readValue(a.spec!, state, now) : undefined;
        if (value === undefined) return outputValue(a.attribute.type, a.attribute.default_value ?? typeDefault(a.attribute.aggregation));
        return outputValue(a.attribute.type, value);
      });
    }
    return response;
  }
}
