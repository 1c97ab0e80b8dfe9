/**
 * Group phases and member statuses (DESIGN.md §2.1, §2.2, contract) with the one severity rank
 * and the one palette every part uses: the collector's worst phase of an episode, the panel's
 * worst-first order, badge and mini timeline, the dashboards' state timelines and tables.
 */

/** Group phase (contract). The order is the exposition order of `recovery_group_phase`. */
export const PHASES = ['healthy', 'degraded', 'recovering', 'partial', 'stabilizing', 'unknown'] as const;
export type Phase = (typeof PHASES)[number];

/** Member status (contract). The order is the exposition order of `recovery_member_status`. */
export const MEMBER_STATUSES = ['converged', 'lagging', 'diverged', 'unreachable', 'unknown'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** What part a member plays in its group (contract). `leader` is the reference the others are compared to. */
export const ROLES = ['leader', 'replica', 'standby', 'path'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How bad a phase is: **higher is worse**, healthy is 0. Degraded (nothing improving) is worst;
 * partial hides danger behind a serving leader; unknown cannot be trusted (absence of data is
 * never health), so it ranks above recovering; recovering and stabilizing are on their way.
 * The dashboards' state timelines plot this number, so `max` of ranks is the worst phase.
 */
export const PHASE_RANK: Readonly<Record<Phase, number>> = {
  healthy: 0,
  stabilizing: 1,
  recovering: 2,
  unknown: 3,
  partial: 4,
  degraded: 5,
};

/**
 * How bad a member status is: higher is worse, converged is 0. Diverged is worst (its data differs
 * from the leader's and must be rebuilt), then unreachable (known to be down), then unknown (not
 * seen: never counted as fine, but not known to be broken), then lagging. The panel believes the
 * worse of two claims by this rank, and the dashboards' member state timeline plots it.
 */
export const MEMBER_STATUS_RANK: Readonly<Record<MemberStatus, number>> = {
  converged: 0,
  lagging: 1,
  unknown: 2,
  unreachable: 3,
  diverged: 4,
};

/** Member statuses worst first. */
export const MEMBER_STATUSES_WORST_FIRST: readonly MemberStatus[] = [...MEMBER_STATUSES].sort((a, b) => MEMBER_STATUS_RANK[b] - MEMBER_STATUS_RANK[a]);

/** Phases worst first: the order an SRE triages in. */
export const PHASES_WORST_FIRST: readonly Phase[] = [...PHASES].sort((a, b) => PHASE_RANK[b] - PHASE_RANK[a]);

/** The worse of two phases (the first on a tie). */
export function worsePhase(a: Phase, b: Phase): Phase {
  return PHASE_RANK[b] > PHASE_RANK[a] ? b : a;
}

/**
 * Grafana colour names (`theme.visualization.getColorByName`, dashboard value mappings and
 * overrides) for each phase. The warmth follows the rank: green only for healthy, calm blue for
 * stabilizing (converged, but the episode is still open), yellow for recovering (on its way, not
 * there), orange for partial, red for degraded; unknown is purple, off the health scale, never a
 * shade of green.
 */
export const PHASE_COLOURS: Readonly<Record<Phase, string>> = {
  healthy: 'green',
  stabilizing: 'blue',
  recovering: 'yellow',
  unknown: 'purple',
  partial: 'orange',
  degraded: 'red',
};

/** Grafana colour names for each member status; unknown is purple as for phases. */
export const MEMBER_STATUS_COLOURS: Readonly<Record<MemberStatus, string>> = {
  converged: 'green',
  lagging: 'yellow',
  diverged: 'red',
  unreachable: 'dark-red',
  unknown: 'purple',
};

export function isPhase(value: string | undefined): value is Phase {
  return value !== undefined && (PHASES as readonly string[]).includes(value);
}

export function isMemberStatus(value: string | undefined): value is MemberStatus {
  return value !== undefined && (MEMBER_STATUSES as readonly string[]).includes(value);
}

export function isRole(value: string | undefined): value is Role {
  return value !== undefined && (ROLES as readonly string[]).includes(value);
}
