import { SortOrder } from '../types';
import { phaseRank } from './contract';
import { GroupModel } from './group-model';

/** Phase as it should be triaged: a stale group is unknown, whatever its last phase said. */
export function effectivePhase(group: GroupModel) {
  return group.stale ? 'unknown' : group.phase;
}

/** Share of the RTO budget used; 0 without an episode or an RTO. */
export function budgetUsed(group: GroupModel): number {
  if (!group.elapsedSeconds || !group.rtoSeconds) {
    return 0;
  }
  return group.elapsedSeconds / group.rtoSeconds;
}

/** Worst first: phase rank (higher is worse), then time over RTO, then name (stable, readable order). */
export function sortGroups(groups: GroupModel[], order: SortOrder): GroupModel[] {
  const byName = (a: GroupModel, b: GroupModel) => a.group.localeCompare(b.group);
  const compare: Record<SortOrder, (a: GroupModel, b: GroupModel) => number> = {
    worst: (a, b) => phaseRank(effectivePhase(b)) - phaseRank(effectivePhase(a)) || budgetUsed(b) - budgetUsed(a) || byName(a, b),
    elapsed: (a, b) => (b.elapsedSeconds ?? 0) - (a.elapsedSeconds ?? 0) || byName(a, b),
    name: byName,
  };
  return [...groups].sort(compare[order]);
}
