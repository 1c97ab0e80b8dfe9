// What the drill-down says about each member beyond its status and lag: its role, its failure-domain
// values and which permission entries differ from the reference member. Read from three contract
// series of one group, each walked once; the group's series are already split by group and metric.
import { MAX_PERMISSION_DIFFERENCE_SERIES, PERMISSION_CHANGES, PermissionChange, Role, isRole } from './contract';
import type { Series } from './series';

/** One failure-domain value of a member: `cloud.availability_zone` = `eu-1a`. */
export interface FailureDomainValue {
  dimension: string;
  value: string;
  /** Every member of the group has this value (`recovery_group_shared_dependency`): a shared failure domain. */
  shared: boolean;
}

/** One permission entry that differs from the reference member's (the leader's, or the majority's). */
export interface PermissionDifference {
  /** `missing`: only the reference has it; `extra`: only this member; `changed`: both, with other rules. */
  change: PermissionChange;
  /** The entry's subject as the source names it: `user auditor`, `role app`, `hba rule #4 …`. */
  entry: string;
}

/** The fields `addMemberDetails` sets on a member (MemberModel has them, optional). */
export interface MemberDetails {
  member: string;
  /** Absent when no fresh `recovery_member_role_info` series names the member (an older collector). */
  role?: Role;
  /** In dimension name order; absent when the member reports none. */
  failureDomains?: FailureDomainValue[];
  /** In the collector's order (missing and changed entries first, then extra ones); absent when none is reported. */
  permissionDifferences?: PermissionDifference[];
}

type SeriesOf = (key: 'memberRole' | 'failureDomain' | 'permissionDifference') => Series[];

/**
 * Sets role, failure-domain values and permission differences on the members of one group, from
 * that group's series (`of`). Only a fresh sample counts (newest not before `cutoffMs`, value 1): a
 * role from before a failover, or a difference fixed since, must not speak for the present.
 * `shared` is the group's shared failure domains (`recovery_group_shared_dependency`).
 */
export function addMemberDetails(
  members: readonly MemberDetails[],
  of: SeriesOf,
  memberLabel: string,
  cutoffMs: number,
  shared: ReadonlyArray<{ dimension: string; value: string }>,
): void {
  const roleSeries = of('memberRole');
  const domainSeries = of('failureDomain');
  const differenceSeries = of('permissionDifference');
  if (roleSeries.length === 0 && domainSeries.length === 0 && differenceSeries.length === 0) {
    return;
  }
  const byName = new Map<string, MemberDetails>();
  for (const m of members) {
    byName.set(m.member, m);
  }
  const fresh = (s: Series) => {
    return (s.newestMs as number) >= cutoffMs && s.newestValue === 1 ? byName.get(s.labels[memberLabel]) : undefined;
  };
  // Two collectors disagreeing on a role (duplicated labels): the leader claim wins, it is the one to check.
  for (const s of roleSeries) {
    const m = fresh(s);
    const role = s.labels.role;
    if (m && isRole(role) && m.role !== 'leader') {
      m.role = role;
    }
  }
  for (const s of domainSeries) {
    const m = fresh(s);
    const { dimension, value } = s.labels;
    if (m && dimension && value !== undefined && !m.failureDomains?.some((d) => d.dimension === dimension && d.value === value)) {
      (m.failureDomains ??= []).push({ dimension, value, shared: shared.some((d) => d.dimension === dimension && d.value === value) });
    }
  }
  for (const s of differenceSeries) {
    const m = fresh(s);
    const { change, entry } = s.labels;
    if (m && isPermissionChange(change) && entry && !m.permissionDifferences?.some((d) => d.change === change && d.entry === entry)) {
      (m.permissionDifferences ??= []).push({ change, entry });
    }
  }
  for (const m of members) {
    m.failureDomains?.sort((a, b) => a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
    m.permissionDifferences?.sort((a, b) => CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || a.entry.localeCompare(b.entry));
  }
}

const CHANGE_ORDER: Record<PermissionChange, number> = { missing: 0, changed: 1, extra: 2 };

function isPermissionChange(value: string | undefined): value is PermissionChange {
  return value !== undefined && (PERMISSION_CHANGES as readonly string[]).includes(value);
}

/** "missing on this member: role auditor" — what the drill-down says for one difference. */
export function permissionDifferenceText(d: PermissionDifference): string {
  switch (d.change) {
    case 'missing':
      return `missing on this member: ${d.entry}`;
    case 'extra':
      return `only on this member: ${d.entry}`;
    case 'changed':
      return `other rules on this member: ${d.entry}`;
  }
}

/** The collector exports at most this many differences per member: when it sent that many, there may be more. */
export function mayHaveMoreDifferences(differences: readonly PermissionDifference[]): boolean {
  return differences.length >= MAX_PERMISSION_DIFFERENCE_SERIES;
}
