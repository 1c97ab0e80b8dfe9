/**
 * The one place that says what the dashboards, alert rules and SLO rules look at and what
 * they promise. Everything under `grafana/` and `prometheus/` is generated from this file
 * (`npm run generate -w @rebound/dashboards`); change a number here, never in the output.
 */

/** How Prometheus finds the collector's series: added to every selector we write. */
export const selectors = {
  /** Matches the scrape job of the Rebound collector. */
  collector: 'job="rebound"',
  /**
   * The label that tells clusters apart when several report into one Prometheus, Thanos or
   * Mimir (kubernetes-mixin's `clusterLabel`). Every aggregation and every record keeps it, so
   * two clusters with a group of the same name never merge; series without it work unchanged.
   */
  clusterLabel: 'cluster',
} as const;

/** The recovery SLO: "95 % of recovery episodes finish within the group's RTO, over 28 days". */
export const slo = {
  /** Share of completed episodes that must end within the RTO. */
  target: 0.95,
  /** Compliance period of the SLO; the error budget is spent over this window. */
  period: '28d',
  periodHours: 28 * 24,
  /**
   * Burn-rate alerts need at least this many completed episodes in their long window. Recoveries
   * are rare: at 95 % one slow episode among few is a burn rate of 20 and would page again after
   * `RecoveryExceedingRTO` already did (the SRE workbook's advice for low-traffic SLOs). Below it,
   * the budget in episodes on the SLO report tells the story instead.
   */
  minEpisodesForBurnRateAlerts: 5,
  /**
   * Evaluation interval of the 28-day records (ratios, budget, percentiles): each reads weeks of
   * samples per series, and a value that moves over days does not need a 30 s refresh.
   */
  periodEvaluationInterval: '5m',
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

/** Thresholds and windows of the alert rules. */
export const alerts = {
  /** `RecoveryExceedingRTO` warns once an open episode has used this share of its RTO. */
  rtoWarningShare: 0.8,
  /** `RecoveryStalled`: degraded or partial throughout this window, and progress no higher than at its start. */
  stalledWindow: '10m',
  /**
   * `RecoveryExceedingRTO` (warning) must hold this long: a short episode that crosses 80 % of its
   * RTO and completes a few seconds later would otherwise warn and resolve at once.
   */
  rtoWarningFor: '1m',
  /**
   * `RecoveryStalled` must hold this long after its window: progress that creeps up by a byte
   * and falls back would otherwise page, resolve and page again for one stall.
   */
  stalledFor: '2m',
  /** Signals of a group with an open episode that vanished are still paged for this long. */
  unobservedLookback: '1h',
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
  /** `RecoveryEpisodeStoreUnwritable`: a collector's episode store refuses writes for this long (retries run meanwhile). */
  storeUnwritableFor: '5m',
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
  /**
   * Grafana as a person opens it: the one base URL of every link an alert carries — dashboards,
   * and runbooks, which ship inside the panel plugin (Grafana serves a plugin's files under
   * /public/plugins/<id>/). The compose stack's Grafana by default; set yours and regenerate.
   */
  url: 'http://localhost:3000',
  /** Base URL of the collector's JSON API as a browser sees it (episodes are read there). */
  collectorApiUrl: 'http://localhost:9464',
  dashboardUids: {
    overview: 'rebound-overview',
    groupDetail: 'rebound-group-detail',
    sloReport: 'rebound-slo-report',
  },
  tags: ['rebound', 'recovery'],
} as const;
