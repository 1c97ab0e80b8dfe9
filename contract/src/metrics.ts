/**
 * Every metric Rebound's collector exposes (DESIGN.md §4, contract): the one list the Prometheus
 * exporter registers, the OTLP exporter turns into instruments, the README table is printed from
 * (`npm run docs:metrics -w @rebound/collector`), and the panel, dashboards, rules and live tests
 * read their names from. Nothing outside this package spells a metric name.
 */
import { RECEIVER_METRICS } from './receiver-metrics';

export type MetricType = 'gauge' | 'counter' | 'histogram';

export interface MetricDefinition {
  /** Prometheus name; the OTLP name is the dotted equivalent (see `otlpName`). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** UCUM unit for OTLP (`s`, `By`, `1`, `{episode}`, …). */
  readonly unit: string;
  readonly labels: readonly string[];
  /**
   * Set when the series may be absent while the collector runs, saying when. Absent never
   * means "fine": a query on such a metric must treat no data as "not known".
   */
  readonly absentWhen?: string;
}

/** Buckets that make "within 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 4 h" exact, plus finer ones below a minute. */
export const RECOVERY_DURATION_BUCKETS_SECONDS: readonly number[] = [
  5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200, 14400, 28800, 86400,
];

/**
 * The `change` label of `recovery_member_permission_difference`: `missing` — the reference member
 * has the entry and this member not; `extra` — only this member has it; `changed` — both have it,
 * with other rules.
 */
export const PERMISSION_CHANGES = ['missing', 'extra', 'changed'] as const;
export type PermissionChange = (typeof PERMISSION_CHANGES)[number];

/**
 * At most this many `recovery_member_permission_difference` series per member: a replica missing
 * every user of the leader must not add hundreds of series; the API's findings count the rest.
 */
export const MAX_PERMISSION_DIFFERENCE_SERIES = 5;

/**
 * The recovery state the engine derives, per group, member and source. Order matters: it is the
 * exposition order of `/metrics` and the row order of the README table.
 */
export const METRICS = {
  groupPhase: {
    name: 'recovery_group_phase',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'phase'],
    help: 'Recovery phase of the group: 1 for the current phase, 0 for the others (healthy, degraded, recovering, partial, stabilizing, unknown).',
  },
  groupProgress: {
    name: 'recovery_group_progress_ratio',
    type: 'gauge',
    unit: '1',
    labels: ['group'],
    help: 'Recovery progress 0..1: mean over members of 1 if converged, 1 - lag/peak lag if lagging, 0 otherwise.',
  },
  groupEta: {
    name: 'recovery_group_eta_seconds',
    type: 'gauge',
    unit: 's',
    labels: ['group'],
    help: 'Estimated seconds until all members converge at the recent catch-up rate, from the moment of reading (expected completion time minus now); 0 when all converged; absent when stalled or unknown.',
    absentWhen: 'there is no ETA: recovery stalled or the rate is unknown',
  },
  groupEtaTimestamp: {
    name: 'recovery_group_eta_timestamp_seconds',
    type: 'gauge',
    unit: 's',
    labels: ['group'],
    help: 'Expected completion time (Unix seconds): when the progress was observed plus the ETA from then. Does not age between ticks or scrapes; absent when there is no ETA or nothing left to wait for.',
    absentWhen: 'there is no ETA, or nothing is left to wait for',
  },
  groupElapsed: {
    name: 'recovery_group_episode_elapsed_seconds',
    type: 'gauge',
    unit: 's',
    labels: ['group'],
    help: 'Seconds since the open recovery episode started; 0 when there is none.',
  },
  groupRto: { name: 'recovery_group_rto_seconds', type: 'gauge', unit: 's', labels: ['group'], help: 'Recovery-time objective of the group.' },
  duration: {
    name: 'recovery_duration_seconds',
    type: 'histogram',
    unit: 's',
    labels: ['group'],
    help: 'Duration of completed recovery episodes, from start to all members converged (hold-down excluded).',
  },
  episodes: {
    name: 'recovery_episodes_total',
    type: 'counter',
    unit: '{episode}',
    labels: ['group'],
    help: "Completed unplanned recovery episodes (planned ones are in recovery_planned_episodes_total): the recovery SLO's total events.",
  },
  episodesWithinRto: {
    name: 'recovery_episodes_within_rto_total',
    type: 'counter',
    unit: '{episode}',
    labels: ['group'],
    help: "Completed recovery episodes whose duration was within the RTO in force when they ran: the recovery SLO's good events.",
  },
  plannedEpisodes: {
    name: 'recovery_planned_episodes_total',
    type: 'counter',
    unit: '{episode}',
    labels: ['group'],
    help: 'Completed recovery episodes that started inside a maintenance window: recorded and listed, but kept out of the recovery SLO and its duration histogram.',
  },
  blips: {
    name: 'recovery_blips_total',
    type: 'counter',
    unit: '{blip}',
    labels: ['group'],
    help: "Non-healthy runs that ended within the group's onset_delay: no episode opened and the SLO is untouched, but flapping stays visible.",
  },
  groupEpisodePlanned: {
    name: 'recovery_group_episode_planned',
    type: 'gauge',
    unit: '1',
    labels: ['group'],
    help: '1 while the open recovery episode started inside a maintenance window (its RTO alert is a warning, not a page); 0 otherwise.',
  },
  groupFinding: {
    name: 'recovery_group_finding',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'cause'],
    help: 'A diagnosis finding the group has now (cause from the fixed vocabulary of docs/recovery-model.md: member_unreachable, replication_link_down, permission_drift, …); 1 while present, absent otherwise. Text and action are in /api/v1/groups.',
    absentWhen: 'the group has no finding of that cause (one series per current cause)',
  },
  groupMembers: {
    name: 'recovery_group_members',
    type: 'gauge',
    unit: '{member}',
    labels: ['group', 'status'],
    help: 'Members of the group per status (converged, lagging, diverged, unreachable, unknown).',
  },
  memberStatus: {
    name: 'recovery_member_status',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'member', 'status'],
    help: 'Status of the member: 1 for the current status, 0 for the others.',
  },
  memberLagSeconds: {
    name: 'recovery_member_lag_seconds',
    type: 'gauge',
    unit: 's',
    labels: ['group', 'member'],
    help: 'Seconds the member is behind the leader, where known.',
    absentWhen: "the source does not know the member's lag in seconds",
  },
  memberLagBytes: {
    name: 'recovery_member_lag_bytes',
    type: 'gauge',
    unit: 'By',
    labels: ['group', 'member'],
    help: 'Bytes the member is behind the leader, where known.',
    absentWhen: "the source does not know the member's lag in bytes",
  },
  groupDivergence: { name: 'recovery_group_divergence_ratio', type: 'gauge', unit: '1', labels: ['group'], help: 'Members not converged divided by members.' },
  groupPermissionConsistency: {
    name: 'recovery_group_permission_consistency_ratio',
    type: 'gauge',
    unit: '1',
    labels: ['group'],
    help: "Members whose permission fingerprint matches the leader's (or the majority's) divided by members with one.",
    absentWhen: 'no member has a permission fingerprint (e.g. a group read through exporters): permissions not observed',
  },
  memberPermissionDrift: {
    name: 'recovery_member_permission_drift',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'member'],
    help: "1 when the member's permissions (ACLs, roles, host-based auth) differ from the leader's.",
  },
  memberPermissionDifference: {
    name: 'recovery_member_permission_difference',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'member', 'change', 'entry'],
    help: `1 for each of the first ${MAX_PERMISSION_DIFFERENCE_SERIES} permission entries that differ between a drifted member and the reference (the leader, or the majority): change is missing (only the reference has it), extra (only this member has it) or changed (other rules); entry is the subject (user auditor, role app, hba rule #4 …), never a rule or password. How it differs is in /api/v1/groups.`,
    absentWhen: `the member has no permission drift, or its source cannot say what differs (one series per difference, at most ${MAX_PERMISSION_DIFFERENCE_SERIES} per member)`,
  },
  groupIndependence: {
    name: 'recovery_group_independence_ratio',
    type: 'gauge',
    unit: '1',
    labels: ['group'],
    help: 'Dependency dimensions with at least two distinct values divided by dimensions reported.',
    absentWhen: 'no dependency dimension is reported',
  },
  groupEffectivePaths: {
    name: 'recovery_group_effective_paths',
    type: 'gauge',
    unit: '{path}',
    labels: ['group'],
    help: 'Minimum over dependency dimensions of the distinct values among members: truly independent paths.',
  },
  groupSharedDependency: {
    name: 'recovery_group_shared_dependency',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'dimension', 'value'],
    help: 'A dependency dimension where every member shares one value: a shared failure domain.',
    absentWhen: 'no dimension is shared by every member (one series per shared domain)',
  },
  groupHiddenInstability: {
    name: 'recovery_group_hidden_instability',
    type: 'gauge',
    unit: '1',
    labels: ['group'],
    help: 'The group serves while some member is not converged or permissions drift.',
  },
  groupNetStabilization: {
    name: 'recovery_group_net_stabilization_rate',
    type: 'gauge',
    unit: '{member}/min',
    labels: ['group'],
    help: 'Members becoming converged minus members leaving converged, per minute, over a recent window.',
  },
  groupFailoverLoad: {
    name: 'recovery_group_failover_load_ratio',
    type: 'gauge',
    unit: '1',
    labels: ['group'],
    help: "After a failover in the episode: the new leader's load divided by the old leader's load before it; absent without a failover.",
    absentWhen: 'the open episode saw no failover',
  },
  memberRole: {
    name: 'recovery_member_role_info',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'member', 'role'],
    help: "Always 1: the member's current role (leader, replica, standby, path); one series per member, a new one when the role changes (failover).",
  },
  memberFailureDomain: {
    name: 'recovery_member_failure_domain',
    type: 'gauge',
    unit: '1',
    labels: ['group', 'member', 'dimension', 'value'],
    help: "Always 1: one of the member's failure-domain values (dependency dimension and value: cloud.availability_zone=eu-1a, host.name=node-1, …), one series per dimension it reports.",
    absentWhen: 'the member reports no dependency dimension',
  },
  memberObservationAge: {
    name: 'recovery_member_observation_age_seconds',
    type: 'gauge',
    unit: 's',
    labels: ['group', 'member'],
    help: 'Age of the newest observation of the member; +Inf when never observed.',
  },
  sourceUp: { name: 'recovery_source_up', type: 'gauge', unit: '1', labels: ['source'], help: '1 when the source answered its last round, 0 when it failed.' },
  storeUp: {
    name: 'recovery_store_up',
    type: 'gauge',
    unit: '1',
    labels: [],
    help: '1 when the episode store accepted the last write, 0 while it cannot be written (full, read-only, I/O error) and unsaved episodes are kept in memory.',
  },
  collectorShardInfo: {
    name: 'recovery_collector_shard_info',
    type: 'gauge',
    unit: '1',
    labels: ['shard', 'shards'],
    help: 'Always 1 on a collector with shard: set: which shard it is (shard, from 0) of how many (shards); it owns the groups whose name hashes to shard.',
    absentWhen: 'the collector has no shard: setting',
  },
  collectorActive: {
    name: 'recovery_collector_active',
    type: 'gauge',
    unit: '1',
    labels: [],
    help: "1 when this collector writes the episodes (a SQLite store, or the holder of a PostgreSQL store's lock), 0 for the standby of an HA pair.",
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/**
 * What the Grafana recovery panel reads, in the order the dashboards query them (one query per
 * metric, raw series so each frame keeps `__name__` and every label). A metric the panel needs
 * goes here, and both the panel and the dashboards' panel queries follow.
 */
export const PANEL_METRICS = [
  'groupPhase',
  'groupProgress',
  'groupEta',
  'groupEtaTimestamp',
  'groupElapsed',
  'groupRto',
  'memberStatus',
  'memberLagSeconds',
  'groupMembers',
  'groupDivergence',
  'memberPermissionDrift',
  // Absent for a group while other groups have it: the panel says "permissions: not observed".
  'groupPermissionConsistency',
  'groupSharedDependency',
  'groupEffectivePaths',
  'groupIndependence',
  'groupHiddenInstability',
  'memberObservationAge',
  // The drill-down and the findings under each group.
  'memberLagBytes',
  'groupFinding',
  'groupEpisodePlanned',
  'groupFailoverLoad',
  // The drill-down's role, failure-domain values and what differs in permissions.
  'memberRole',
  'memberFailureDomain',
  'memberPermissionDifference',
] as const satisfies readonly MetricKey[];

export type PanelMetricKey = (typeof PANEL_METRICS)[number];

/** Every metric the collector exposes, in README order: the derived state, then the receivers' counters. */
export const ALL_METRICS: readonly MetricDefinition[] = [...Object.values(METRICS), ...Object.values(RECEIVER_METRICS)];

/** Every exposed metric name. */
export const METRIC_NAMES: ReadonlySet<string> = new Set(ALL_METRICS.map((m) => m.name));

/**
 * The series names one metric is exposed as on `/metrics`: a histogram's `_bucket`, `_sum` and
 * `_count` (for `histogram_quantile(…, …_bucket)`), a counter's own name (which ends in `_total`).
 */
export function seriesName(definition: Pick<MetricDefinition, 'name' | 'type'>, part?: 'bucket' | 'sum' | 'count'): string {
  if (part === undefined) return definition.name;
  if (definition.type !== 'histogram') throw new Error(`${definition.name} is a ${definition.type}: only a histogram has _${part} series`);
  return `${definition.name}_${part}`;
}

/**
 * The OTLP name of a metric: its Prometheus name with the namespace and entity turned into dots,
 * the rest kept, e.g.
 *   recovery_group_progress_ratio → recovery.group.progress_ratio
 *   recovery_member_lag_seconds   → recovery.member.lag_seconds
 *   recovery_source_up            → recovery.source.up
 *   recovery_store_up             → recovery.store.up
 *   recovery_duration_seconds     → recovery.duration_seconds
 *   recovery_episodes_total       → recovery.episodes (a monotonic sum; Prometheus adds _total)
 * Kept suffixes make the way back unambiguous: an OpenTelemetry Collector's Prometheus exporter
 * turns these into the contract names again (it adds a unit suffix only when the name lacks it;
 * see the collector README for the one exception).
 */
export function otlpName(definition: Pick<MetricDefinition, 'name' | 'type'>): string {
  const name = definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
  const entity = /^recovery_(group|member|source|store|collector)_(.+)$/.exec(name);
  if (entity) return `recovery.${entity[1]}.${entity[2]}`;
  return name.replace(/^recovery_/, 'recovery.');
}
