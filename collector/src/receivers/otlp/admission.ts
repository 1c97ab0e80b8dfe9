import type { OtlpServerConfig } from './config';
import type { PointRefusalReason } from './refusal';

/**
 * Which groups and members the receiver accepts: configured groups always,
 * others only with dynamic_groups and up to max_groups; at most
 * max_members_per_group members per group. Remembers what it admitted, so
 * memory stays bounded by the limits.
 */
export class GroupAdmission {
  private readonly membersByGroup = new Map<string, Set<string>>();
  private dynamicGroups = 0;

  constructor(
    groups: ReadonlySet<string>,
    private readonly server: Pick<OtlpServerConfig, 'dynamicGroups' | 'maxGroups' | 'maxMembersPerGroup'>,
    declaredMembers?: ReadonlyMap<string, readonly string[]>,
  ) {
    for (const group of groups) this.membersByGroup.set(group, new Set(declaredMembers?.get(group) ?? []));
  }

  /** Apply dynamic_groups, max_groups and max_members_per_group; remember what is admitted. */
  admit(group: string, member: string): { reason: PointRefusalReason; example: string } | undefined {
    let members = this.membersByGroup.get(group);
    if (members === undefined) {
      const { dynamicGroups, maxGroups } = this.server;
      if (!dynamicGroups) {
        return { reason: 'unknown_group', example: `group "${group}" is not configured: add it under groups: with otlp: {}, or set otlp.dynamic_groups: true` };
      }
      if (this.dynamicGroups >= maxGroups) {
        return { reason: 'too_many_groups', example: `group "${group}" would exceed otlp.max_groups (${maxGroups})` };
      }
      members = new Set();
      this.membersByGroup.set(group, members);
      this.dynamicGroups++;
    }
    if (!members.has(member)) {
      const max = this.server.maxMembersPerGroup;
      if (members.size >= max) {
        return { reason: 'too_many_members', example: `member "${member}" would exceed otlp.max_members_per_group (${max}) in group "${group}"` };
      }
      members.add(member);
    }
    return undefined;
  }
}
