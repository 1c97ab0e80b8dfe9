import { shardOf } from '../../config/shard';
import type { OtlpServerConfig } from './config';
import type { PointRefusalReason } from './refusal';

/** A member learned over OTLP that was retired after `otlp.member_expiry` without an admitted data point. */
export interface RetiredMember {
  group: string;
  member: string;
  /** How long it had been silent when retired. */
  silentMillis: number;
}

/** One group's members as the receiver counts them toward max_members_per_group. */
interface AdmittedMembers {
  /** Declared in config: always admitted, never retired (their absence is the signal). */
  declared: ReadonlySet<string>;
  /** Learned from requests, with when each last had a data point admitted. */
  learned: Map<string, number>;
}

/**
 * Which groups and members the receiver accepts: configured groups always,
 * others only with dynamic_groups and up to max_groups; at most
 * max_members_per_group members per group. Remembers what it admitted, so
 * memory stays bounded by the limits; with member_expiry, a learned member
 * silent that long is retired and frees its slot.
 */
export class GroupAdmission {
  private readonly membersByGroup = new Map<string, AdmittedMembers>();
  private dynamicGroups = 0;
  private retired: RetiredMember[] = [];

  constructor(
    groups: ReadonlySet<string>,
    private readonly server: Pick<OtlpServerConfig, 'dynamicGroups' | 'maxGroups' | 'maxMembersPerGroup' | 'memberExpiryMillis' | 'shard'>,
    declaredMembers?: ReadonlyMap<string, readonly string[]>,
  ) {
    for (const group of groups) this.membersByGroup.set(group, { declared: new Set(declaredMembers?.get(group) ?? []), learned: new Map() });
  }

  /** Apply dynamic_groups, max_groups and max_members_per_group; remember what is admitted, and when. */
  admit(group: string, member: string, nowMillis: number): { reason: PointRefusalReason; example: string } | undefined {
    let members = this.membersByGroup.get(group);
    if (members === undefined) {
      const { dynamicGroups, maxGroups, shard } = this.server;
      const owner = shard === undefined ? undefined : shardOf(group, shard.count);
      if (owner !== undefined && owner !== shard!.index) {
        return {
          reason: 'other_shard',
          example: `group "${group}" belongs to shard ${owner} of ${shard!.count} (this is shard ${shard!.index}); route it there, e.g. with the OpenTelemetry Collector's loadbalancing exporter`,
        };
      }
      if (!dynamicGroups) {
        return { reason: 'unknown_group', example: `group "${group}" is not configured: add it under groups: with otlp: {}, or set otlp.dynamic_groups: true` };
      }
      if (this.dynamicGroups >= maxGroups) {
        return { reason: 'too_many_groups', example: `group "${group}" would exceed otlp.max_groups (${maxGroups})` };
      }
      members = { declared: new Set(), learned: new Map() };
      this.membersByGroup.set(group, members);
      this.dynamicGroups++;
    }
    if (members.declared.has(member)) return undefined;
    if (!members.learned.has(member)) {
      const max = this.server.maxMembersPerGroup;
      // A full group first lets its silent members go, so a replaced member's slot is free the moment it is due.
      if (members.declared.size + members.learned.size >= max) this.retireSilent(group, members, nowMillis);
      if (members.declared.size + members.learned.size >= max) {
        return { reason: 'too_many_members', example: `member "${member}" would exceed otlp.max_members_per_group (${max}) in group "${group}"` };
      }
    }
    members.learned.set(member, nowMillis);
    return undefined;
  }

  /** Retire every learned member silent for member_expiry (a no-op when it is unset); collect them with takeRetired. */
  retireSilentMembers(nowMillis: number): void {
    for (const [group, members] of this.membersByGroup) this.retireSilent(group, members, nowMillis);
  }

  /** The members retired since the last call. */
  takeRetired(): RetiredMember[] {
    const retired = this.retired;
    if (retired.length > 0) this.retired = [];
    return retired;
  }

  private retireSilent(group: string, members: AdmittedMembers, nowMillis: number): void {
    const expiry = this.server.memberExpiryMillis;
    if (expiry === undefined) return;
    for (const [member, lastMillis] of members.learned) {
      if (nowMillis - lastMillis < expiry) continue;
      members.learned.delete(member);
      this.retired.push({ group, member, silentMillis: nowMillis - lastMillis });
    }
  }
}
