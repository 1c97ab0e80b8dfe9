/**
 * Names of the Prometheus recording rules Rebound ships (dashboards/prometheus/recovery-slo.yml):
 * the SLO report dashboard reads them and users' own alerts may too, so they are shared names
 * like the metrics. They follow Prometheus' `level:metric:operations` convention; the window
 * (`5m`, `28d`, …) is part of the operation, as in Sloth and Pyrra.
 */
export const RECORDING_RULES = {
  /** Completed episodes per group over `window` (the SLI's total events). */
  episodes: (window: string): string => `group:recovery_episodes:increase${window}`,
  /** Episodes within their RTO per group over `window` (the SLI's good events). */
  episodesWithinRto: (window: string): string => `group:recovery_episodes_within_rto:increase${window}`,
  /** Share of episodes beyond their RTO over `window`. */
  errorRatio: (window: string): string => `group:recovery_slo_errors:ratio_rate${window}`,
  /** Error ratio over `window` divided by the error budget. */
  burnRate: (window: string): string => `group:recovery_slo_burn_rate:rate${window}`,
  /** Share of episodes within their RTO over the SLO period, per group. */
  withinRto: (period: string): string => `group:recovery_slo_within_rto:ratio_rate${period}`,
  /** The same over the fleet, per `clusterLabel` value. */
  fleetWithinRto: (clusterLabel: string, period: string): string => `${clusterLabel}:recovery_slo_within_rto:ratio_rate${period}`,
  /** Error budget left over the period, as a share of it. */
  budgetRemaining: (period: string): string => `group:recovery_slo_error_budget_remaining:ratio_rate${period}`,
  /** Error budget left over the period, in episodes. */
  budgetRemainingEpisodes: (period: string): string => `group:recovery_slo_error_budget_remaining:episodes${period}`,
  /** The SLO target per group (a constant series). */
  objective: 'group:recovery_slo_objective:ratio',
  /** The RTO the SLO judges against, per group. */
  sloRto: 'group:recovery_slo_rto_seconds:value',
  /** Duration quantile `q` (0.9 → `p90`) over the period. */
  durationQuantile: (q: number, period: string): string => `group:recovery_duration_seconds:p${Math.round(q * 100)}_rate${period}`,
} as const;
