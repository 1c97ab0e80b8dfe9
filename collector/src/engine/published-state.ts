import type { GroupState, MemberState } from '../model/group-state';
import { FAILOVER_OVERLOAD_RATIO } from '../model/diagnosis';
import type { LeaderReference } from '../model/member-status';
import type { PermissionConsistency } from '../model/permissions';
import type { Phase } from '../model/types';
import type { OpenEpisode } from './episode-record';
import type { GroupFindings } from './group-findings';
import type { MemberRecord } from './member-record';
import type { MemberTally } from './member-tally';

/** What one tick of a group decided (GroupTracker.tick), for the state it publishes. */
export interface TickDecisions {
  name: string;
  rtoSeconds: number;
  nowMillis: number;
  phase: Phase;
  progress: number;
  eta: { seconds: number | null; deadlineMillis: number | null };
  tally: MemberTally;
  leader: string | null;
  leaderRef: LeaderReference | null;
  serving: boolean;
  permissions: PermissionConsistency;
  hiddenInstability: boolean;
  allConverged: boolean;
  open: OpenEpisode | null;
  independence: GroupState['independence'];
  netStabilizationPerMinute: number;
  /** The members of the state published on the previous tick, if any. */
  previousMembers: MemberState[] | undefined;
  findings: GroupFindings;
  records: readonly MemberRecord[];
}

/** The state a tick publishes, with its findings. */
export function publishState(t: TickDecisions): GroupState {
  const { nowMillis, phase, tally, leaderRef, serving, permissions, open } = t;
  const memberCount = tally.members.length;
  const failoverLoad = failoverLoadRatio(open, leaderRef);
  const leaderServing = leaderRef !== null && serving;
  // Every member converged and no hazard (most groups, also while stabilizing): nothing to say, nothing built.
  const quiet =
    t.allConverged &&
    permissions.drifted.length === 0 &&
    t.independence.sharedDomains.length === 0 &&
    (failoverLoad === null || failoverLoad < FAILOVER_OVERLOAD_RATIO) &&
    (!tally.hasLeaderConcept || leaderServing);
  const findings = quiet
    ? t.findings.none()
    : t.findings.of(
        nowMillis,
        {
          phase,
          members: tally.members,
          leader: t.leader,
          hasLeaderConcept: tally.hasLeaderConcept,
          leaderServing,
          sharedDomains: t.independence.sharedDomains,
          failoverLoadRatio: failoverLoad,
          etaSeconds: t.eta.seconds,
          permissions,
        },
        t.independence,
        t.records,
      );
  return {
    name: t.name,
    phase,
    progress: t.progress,
    etaSeconds: t.eta.seconds,
    etaDeadlineMillis: t.eta.deadlineMillis,
    elapsedSeconds: open ? Math.max(0, (nowMillis - open.episode.startMillis) / 1000) : 0,
    rtoSeconds: t.rtoSeconds,
    members: sameMemberStates(tally.members, t.previousMembers) ? t.previousMembers! : tally.members,
    leader: t.leader,
    leaderServing,
    divergenceRatio: memberCount === 0 ? 0 : (memberCount - tally.converged) / memberCount,
    maxLagSeconds: tally.maxLagSeconds,
    maxLagBytes: tally.maxLagBytes,
    permissionConsistency: permissions.ratio,
    driftedMembers: permissions.drifted,
    independence: t.independence,
    hiddenInstability: t.hiddenInstability,
    netStabilizationPerMinute: t.netStabilizationPerMinute,
    failoverLoadRatio: failoverLoad,
    findings,
    episodeId: open?.episode.id ?? null,
    episodePlanned: open?.episode.planned === true,
    derivedAtMillis: nowMillis,
  };
}

/**
 * Every member state is the previous tick's (judgeMembers keeps the ones that read the same):
 * the previous list is published again, rather than a new list of the same states.
 */
function sameMemberStates(members: readonly MemberState[], previous: readonly MemberState[] | undefined): boolean {
  if (previous === undefined || previous.length !== members.length) return false;
  for (let i = 0; i < members.length; i++) if (members[i] !== previous[i]) return false;
  return true;
}

/** New leader's load ÷ the leader's load before the episode, once the leader changed within it. */
function failoverLoadRatio(open: OpenEpisode | null, leader: LeaderReference | null): number | null {
  if (open === null || leader === null || open.leaderBefore === null || leader.member === open.leaderBefore) return null;
  const loadNow = leader.observation.load;
  if (loadNow === undefined || open.loadBefore === null || !(open.loadBefore > 0)) return null;
  return loadNow / open.loadBefore;
}
