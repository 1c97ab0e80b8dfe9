/**
 * The one place that says what the dashboards, alert rules and SLO rules look at and what
 * they promise. Everything under `grafana/` and `prometheus/` is generated from this file
 * (`npm run generate -w @rebound/dashboards`); change a number here, never in the output.
 */
import { RECOVERY_DURATION_BUCKETS_SECONDS } from '../../collector/src/exporters/metric-definitions';

/** How Prometheus finds the collector's series: added to every selector we write. */
export const selectors = {
  /** Matches the scrape job of the Rebound collector. */
  collector: 'job="rebound"',
} as const;

/** The recovery SLO: "95 % of recovery episodes finish within the group's RTO, over 28 days". */
export const slo = {
  /** Share of completed episodes that must end within the RTO. */
  target: 0.95,
  /** Compliance period of the SLO; the error budget is spent over this window. */
  period: '28d',
  periodHours: 28 * 24,
  /**
   * RTO used by the SLO for groups not listed in `rtoSecondsByGroup`. Matches the
   * collector's default `rto` (5m). Must be one of `histogramBucketsSeconds`, so the
   * `le` bucket of `recovery_duration_seconds` counts exactly the episodes within it.
   */
  defaultRtoSeconds: 300,
  /** Groups whose RTO differs from the default: the groups of `deploy/rebound.yaml` (compose). */
  rtoSecondsByGroup: {
    'orders-db': 900,
    payments: 600,
    'demo-db': 60,
    'demo-cache': 60,
    'demo-paths': 60,
  } as Record<string, number>,
  /**
   * Multi-window multi-burn-rate alerts, windows as Sloth and Pyrra use them (Google SRE
   * workbook ch. 5). `budgetShare` is the share of the whole period's budget that burning at
   * this rate for `longWindow` would spend; the burn-rate factor is derived from it.
   */
  burnRateAlerts: [
    { longWindow: '1h', longWindowHours: 1, shortWindow: '5m', budgetShare: 0.02, severity: 'critical' },
    { longWindow: '6h', longWindowHours: 6, shortWindow: '30m', budgetShare: 0.05, severity: 'critical' },
    { longWindow: '1d', longWindowHours: 24, shortWindow: '2h', budgetShare: 0.1, severity: 'warning' },
    { longWindow: '3d', longWindowHours: 72, shortWindow: '6h', budgetShare: 0.1, severity: 'warning' },
  ],
  /** Duration percentiles reported instead of MTTR alone. */
  durationQuantiles: [0.5, 0.9, 0.99],
} as const;

/** Buckets of `recovery_duration_seconds`, from the collector's own metric definitions (one source of truth). */
export const histogramBucketsSeconds: readonly number[] = RECOVERY_DURATION_BUCKETS_SECONDS;

/** Thresholds and windows of the alert rules. */
export const alerts = {
  /** `RecoveryExceedingRTO` warns once an open episode has used this share of its RTO. */
  rtoWarningShare: 0.8,
  /** `RecoveryStalled`: degraded or partial throughout this window, and progress no higher than at its start. */
  stalledWindow: '10m',
  /** `HiddenInstability`: serving while not converged (or permissions drifted) for this long. */
  hiddenInstabilityFor: '10m',
  /** `PermissionDrift`: a member's permissions differ from the leader's for this long. */
  permissionDriftFor: '5m',
  /** `SharedFailureDomain`: members share a dependency value for this long (info only). */
  sharedFailureDomainFor: '15m',
  /** `RecoverySignalsStale`: a member's newest observation is older than this. */
  maxObservationAgeSeconds: 60,
  /** `RecoverySignalsStale`: a source down, stale or the metrics absent for this long. */
  signalsStaleFor: '2m',
  /** How often Prometheus and Grafana evaluate the rule groups. */
  evaluationInterval: '30s',
} as const;

/** Where things live in Grafana and how a person reaches the collector's own API. */
export const grafana = {
  /** UID of the provisioned Prometheus data source (also the dashboards' default). */
  datasourceUid: 'rebound-prometheus',
  /** Folder the dashboards and Grafana-managed alert rules are provisioned into. */
  folder: 'Rebound',
  /** Panel plugin id of the Rebound recovery panel. */
  recoveryPanelType: 'rebound-recovery-panel',
  /** Prometheus as Grafana reaches it (the compose service). */
  prometheusUrl: 'http://prometheus:9090',
  /** Where docker-compose mounts dashboards/grafana/dashboards inside the Grafana container. */
  dashboardsPathInContainer: '/var/lib/grafana/dashboards/rebound',
  /** Base URL of the collector's JSON API as a browser sees it (episodes are read there). */
  collectorApiUrl: 'http://localhost:9464',
  dashboardUids: {
    overview: 'rebound-overview',
    groupDetail: 'rebound-group-detail',
    sloReport: 'rebound-slo-report',
  },
  tags: ['rebound', 'recovery'],
} as const;

/** The RTO the SLO uses for a group (seconds). */
export function sloRtoSeconds(group: string): number {
  return slo.rtoSecondsByGroup[group] ?? slo.defaultRtoSeconds;
}
