/** How groups are laid out: one row per group, or cards in a grid. */
export type Layout = 'list' | 'grid';
/** Compact rows fit a wall screen of 500 groups; comfortable shows every signal with room. */
export type Density = 'comfortable' | 'compact';
/** `worst` = phase severity, then time over RTO (the default an SRE wants during an incident). */
export type SortOrder = 'worst' | 'name' | 'elapsed';

/** Panel options. Every field has its default in `defaultOptions`, which the options builder reads. */
export interface RecoveryPanelOptions {
  /** Label that names the recovery group on every contract series. */
  groupLabel: string;
  /** Label that names the member on member series. */
  memberLabel: string;
  /** RTO budget in seconds used instead of `recovery_group_rto_seconds`; 0 = use the collector's. */
  rtoOverrideSeconds: number;
  layout: Layout;
  density: Density;
  sortOrder: SortOrder;
  showDivergenceChip: boolean;
  showPermissionDriftChip: boolean;
  showSharedDomainChip: boolean;
  showHiddenInstabilityChip: boolean;
  showLagSparkline: boolean;
  showPhaseTimeline: boolean;
  /** A group whose newest phase sample is older than this is shown as stale, never as its last phase. */
  staleAfterSeconds: number;
  /** Link on the group name; `${group}` is replaced by the URL-encoded group name. Empty: no link. */
  groupDetailUrl: string;
}

export const defaultOptions: RecoveryPanelOptions = {
  groupLabel: 'group',
  memberLabel: 'member',
  rtoOverrideSeconds: 0,
  layout: 'list',
  density: 'comfortable',
  sortOrder: 'worst',
  showDivergenceChip: true,
  showPermissionDriftChip: true,
  showSharedDomainChip: true,
  showHiddenInstabilityChip: true,
  showLagSparkline: true,
  showPhaseTimeline: true,
  staleAfterSeconds: 120,
  groupDetailUrl: '/d/rebound-group-detail?var-group=${group}',
};
