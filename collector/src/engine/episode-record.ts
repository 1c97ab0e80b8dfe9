import type { Episode, MemberState } from '../model/group-state';
import { PHASE_RANK, type MemberStatus, type Phase } from '../model/types';

/**
 * An open episode plus the bookkeeping needed to continue it after a restart
 * (stored beside the episode as JSON). Everything here is plain data.
 */
export interface OpenEpisode {
  episode: Episode;
  /** Members that were not converged at some tick of this episode and converged later. */
  recoveredMembers: string[];
  /** Service (a serving leader) was down at some tick of this episode. */
  serviceWasDown: boolean;
  /** The leader before the episode and its load then, for the failover load ratio. */
  leaderBefore: string | null;
  loadBefore: number | null;
}

export function openEpisode({
  id,
  group,
  phase,
  nowMillis,
  rtoSeconds,
  leaderBefore,
  loadBefore,
}: {
  id: string;
  group: string;
  phase: Phase;
  nowMillis: number;
  rtoSeconds: number;
  /** The leader before the episode and its load, for the failover load ratio. */
  leaderBefore: string | null;
  loadBefore: number | null;
}): OpenEpisode {
  return {
    episode: {
      id,
      group,
      startMillis: nowMillis,
      endMillis: null,
      durationSeconds: null,
      worstPhase: phase,
      phases: [{ phase, atMillis: nowMillis }],
      membersAffected: [],
      peakLagSeconds: null,
      permissionDriftSeen: false,
      hiddenInstabilitySeen: false,
      convergedAtMillis: null,
      rtoSeconds,
    },
    recoveredMembers: [],
    serviceWasDown: false,
    leaderBefore,
    loadBefore,
  };
}

/** Append a phase change; returns true when the phase list changed. */
export function recordPhase(open: OpenEpisode, phase: Phase, nowMillis: number): boolean {
  const { episode } = open;
  const last = episode.phases[episode.phases.length - 1];
  if (last !== undefined && last.phase === phase) return false;
  episode.phases.push({ phase, atMillis: nowMillis });
  if (PHASE_RANK[phase] > PHASE_RANK[episode.worstPhase]) episode.worstPhase = phase;
  return true;
}

/** Close the episode: duration runs to the moment all members converged, the hold-down is not counted. */
export function closeEpisode(open: OpenEpisode, nowMillis: number): Episode {
  const { episode } = open;
  const convergedAt = episode.convergedAtMillis ?? nowMillis;
  episode.endMillis = nowMillis;
  episode.durationSeconds = Math.max(0, (convergedAt - episode.startMillis) / 1000);
  recordPhase(open, 'healthy', nowMillis);
  return episode;
}

/** What one tick saw, to be recorded on the open episode. */
export interface TickFacts {
  members: readonly MemberState[];
  /** Status changes on this tick. */
  transitions: readonly { member: string; to: MemberStatus }[];
  serving: boolean;
  hiddenInstability: boolean;
  permissionDrift: boolean;
}

/** Record members affected, peak lag, recovered members and hazards seen; returns true when anything changed. */
export function noteEpisodeFacts(open: OpenEpisode, facts: TickFacts): boolean {
  const episode = open.episode;
  let changed = false;
  for (const member of facts.members) {
    if (member.status !== 'converged' && !episode.membersAffected.includes(member.member)) {
      episode.membersAffected.push(member.member);
      changed = true;
    }
    if (member.lagSeconds !== null && member.lagSeconds > (episode.peakLagSeconds ?? 0)) {
      episode.peakLagSeconds = member.lagSeconds;
      changed = true;
    }
  }
  for (const t of facts.transitions) {
    if (t.to === 'converged' && !open.recoveredMembers.includes(t.member)) {
      open.recoveredMembers.push(t.member);
      changed = true;
    }
  }
  if (!facts.serving && !open.serviceWasDown) open.serviceWasDown = changed = true;
  if (facts.permissionDrift && !episode.permissionDriftSeen) episode.permissionDriftSeen = changed = true;
  if (facts.hiddenInstability && !episode.hiddenInstabilitySeen) episode.hiddenInstabilitySeen = changed = true;
  return changed;
}
