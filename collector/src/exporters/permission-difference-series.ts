import type { MemberState } from '../model/group-state';
import type { PermissionDifference } from '../model/permission-diff';
import { MAX_PERMISSION_DIFFERENCE_SERIES } from './metric-definitions';

const NO_DIFFERENCES: readonly PermissionDifference[] = [];

/**
 * The differences both exporters turn into `recovery_member_permission_difference` series: the
 * first MAX_PERMISSION_DIFFERENCE_SERIES, only while the member drifts. A replica missing every
 * user of its leader must not add a series per user; the API's finding says how many more.
 * Only `change` and `subject` are exported: a subject names an entry, its rules (where a
 * password digest would be) are never a label.
 */
export function exportedPermissionDifferences(m: MemberState): readonly PermissionDifference[] {
  const all = m.permissionDifferences;
  if (!m.permissionDrift || all === undefined) return NO_DIFFERENCES;
  return all.length <= MAX_PERMISSION_DIFFERENCE_SERIES ? all : all.slice(0, MAX_PERMISSION_DIFFERENCE_SERIES);
}
