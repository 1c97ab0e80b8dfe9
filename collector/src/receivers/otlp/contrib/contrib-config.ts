import { ConfigError } from '../../../config/config-error';
import { joinKey, readObject, readStringMap } from '../../../config/fields';
import { quoteValue } from '../../../config/quote';
import type { GroupConfig } from '../../../config/group-config';
import type { Role } from '../../../model/types';

/**
 * `contrib:` under a group's `otlp:`: how points of the Collector contrib receivers map to this
 * group's members.
 *   contrib:
 *     members: { "10.0.0.1:5432": pg-1, "10.0.0.2:5432": pg-2 }   # endpoint → member; puts the endpoint in this group
 *     replication_clients: { "10.0.0.2": pg-2 }                  # postgresql replication_client / mongodb member name → member
 */
export interface ContribGroupConfig {
  /** Endpoint (`server.address:server.port`, `server.address`, `mysql.instance.endpoint`) → member. */
  members: Readonly<Record<string, string>>;
  /** A replication row's key on the leader (PostgreSQL `replication_client`, MongoDB member name) → member. */
  replicationClients: Readonly<Record<string, string>>;
}

export function parseContribGroupConfig(raw: unknown, keyPath: string): ContribGroupConfig {
  const o = readObject(raw, keyPath, ['members', 'replication_clients']);
  const members = readStringMap(o['members'], joinKey(keyPath, 'members'));
  const replicationClients = readStringMap(o['replication_clients'], joinKey(keyPath, 'replication_clients'));
  for (const [key, table] of [
    ['members', members],
    ['replication_clients', replicationClients],
  ] as const) {
    for (const [from, member] of Object.entries(table)) {
      if (member.length === 0) throw new ConfigError(joinKey(joinKey(keyPath, key), from), `expected a member name (got ${quoteValue(member)})`);
    }
  }
  return { members, replicationClients };
}

/** One group's mapping as the ingest uses it. */
export interface ContribGroupOptions extends ContribGroupConfig {
  /** The group's freshness: replicas counted toward the Redis primary's connected replicas must be this fresh. */
  freshnessMillis: number;
  /** Roles declared under `otlp.members` (a MySQL source says nothing that makes it a leader). */
  declaredRoles: ReadonlyMap<string, Role>;
}

export interface ContribOptions {
  groups: ReadonlyMap<string, ContribGroupOptions>;
  /** Endpoint → group, from every group's `contrib.members`. */
  groupOfEndpoint: ReadonlyMap<string, string>;
}

/** Built from the groups configured with `otlp:`; groups without `contrib:` get empty tables. */
export function contribOptionsOf(groups: readonly GroupConfig[]): ContribOptions {
  const byGroup = new Map<string, ContribGroupOptions>();
  const groupOfEndpoint = new Map<string, string>();
  groups.forEach((group, index) => {
    for (const receiver of group.receivers) {
      if (receiver.type !== 'otlp') continue;
      const config = receiver.config as { members: { member: string; role?: Role }[]; contrib?: ContribGroupConfig };
      const contrib = config.contrib ?? { members: {}, replicationClients: {} };
      const declaredRoles = new Map<string, Role>();
      for (const m of config.members) if (m.role !== undefined) declaredRoles.set(m.member, m.role);
      byGroup.set(group.name, { ...contrib, freshnessMillis: group.freshnessMillis, declaredRoles });
      for (const endpoint of Object.keys(contrib.members)) {
        const other = groupOfEndpoint.get(endpoint);
        if (other !== undefined && other !== group.name) {
          throw new ConfigError(
            `groups[${index}].otlp.contrib.members.${endpoint}`,
            `endpoint ${quoteValue(endpoint)} is also listed under group ${quoteValue(other)}; an endpoint belongs to one group`,
          );
        }
        groupOfEndpoint.set(endpoint, group.name);
      }
    }
  });
  return { groups: byGroup, groupOfEndpoint };
}
