/**
 * The one list of metrics Rebound exports (DESIGN.md §4, contract). The
 * Prometheus registration, the OTLP instruments and the docs table
 * (`npm run docs:metrics -w @rebound/collector`) are all produced from it.
 */
export interface MetricDefinition {
  /** Prometheus name; the OTLP name is the dotted equivalent (see `otlpName`). */
  name: string;
  type: 'gauge' | 'counter' | 'histogram';
  help: string;
  /** UCUM unit for OTLP (`s`, `By`, `1`, `{episode}`, …). */
  unit: string;
  labels: readonly string[];
}

/** Buckets that make "within 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 4 h" exact, plus finer ones below a minute. */
export const RECOVERY_DURATION_BUCKETS_SECONDS: readonly number[] = [
  5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200, 14400, 28800, 86400,
];

export const METRICS = {
  groupPhase: { name: 'recovery_group_phase', type: 'gauge', unit: '1', labels: ['group', 'phase'],
    help: 'Recovery phase of the group: 1 for the current phase, 0 for the others (healthy, degraded, recovering, partial, stabilizing, unknown).' },
  groupProgress: { name: 'recovery_group_progress_ratio', type: 'gauge', unit: '1', labels: ['group'],
    help: 'Recovery progress 0..1: mean over members of 1 if converged, 1 - lag/peak lag if lagging, 0 otherwise.' },
  groupEta: { name: 'recovery_group_eta_seconds', type: 'gauge', unit: 's', labels: ['group'],
    help: 'Estimated seconds until all members converge at the recent catch-up rate, from the moment of reading (expected completion time minus now); 0 when all converged; absent when stalled or unknown.' },
  groupEtaTimestamp: { name: 'recovery_group_eta_timestamp_seconds', type: 'gauge', unit: 's', labels: ['group'],
    help: 'Expected completion time (Unix seconds): when the progress was observed plus the ETA from then. Does not age between ticks or scrapes; absent when there is no ETA or nothing left to wait for.' },
  groupElapsed: { name: 'recovery_group_episode_elapsed_seconds', type: 'gauge', unit: 's', labels: ['group'],
    help: 'Seconds since the open recovery episode started; 0 when there is none.' },
  groupRto: { name: 'recovery_group_rto_seconds', type: 'gauge', unit: 's', labels: ['group'],
    help: 'Recovery-time objective of the group.' },
  duration: { name: 'recovery_duration_seconds', type: 'histogram', unit: 's', labels: ['group'],
    help: 'Duration of completed recovery episodes, from start to all members converged (hold-down excluded).' },
  episodes: { name: 'recovery_episodes_total', type: 'counter', unit: '{episode}', labels: ['group'],
    help: 'Completed unplanned recovery episodes (planned ones are in recovery_planned_episodes_total): the recovery SLO\'s total events.' },
  episodesWithinRto: { name: 'recovery_episodes_within_rto_total', type: 'counter', unit: '{episode}', labels: ['group'],
    help: 'Completed recovery episodes whose duration was within the RTO in force when they ran: the recovery SLO\'s good events.' },
  plannedEpisodes: { name: 'recovery_planned_episodes_total', type: 'counter', unit: '{episode}', labels: ['group'],
    help: 'Completed recovery episodes that started inside a maintenance window: recorded and listed, but kept out of the recovery SLO and its duration histogram.' },
  blips: { name: 'recovery_blips_total', type: 'counter', unit: '{blip}', labels: ['group'],
    help: 'Non-healthy runs that ended within the group\'s onset_delay: no episode opened and the SLO is untouched, but flapping stays visible.' },
  groupEpisodePlanned: { name: 'recovery_group_episode_planned', type: 'gauge', unit: '1', labels: ['group'],
    help: '1 while the open recovery episode started inside a maintenance window (its RTO alert is a warning, not a page); 0 otherwise.' },
  groupFinding: { name: 'recovery_group_finding', type: 'gauge', unit: '1', labels: ['group', 'cause'],
    help: 'A diagnosis finding the group has now (cause from the fixed vocabulary of docs/recovery-model.md: member_unreachable, replication_link_down, permission_drift, …); 1 while present, absent otherwise. Text and action are in /api/v1/groups.' },
  groupMembers: { name: 'recovery_group_members', type: 'gauge', unit: '{member}', labels: ['group', 'status'],
    help: 'Members of the group per status (converged, lagging, diverged, unreachable, unknown).' },
  memberStatus: { name: 'recovery_member_status', type: 'gauge', unit: '1', labels: ['group', 'member', 'status'],
    help: 'Status of the member: 1 for the current status, 0 for the others.' },
  memberLagSeconds: { name: 'recovery_member_lag_seconds', type: 'gauge', unit: 's', labels: ['group', 'member'],
    help: 'Seconds the member is behind the leader, where known.' },
  memberLagBytes: { name: 'recovery_member_lag_bytes', type: 'gauge', unit: 'By', labels: ['group', 'member'],
    help: 'Bytes the member is behind the leader, where known.' },
  groupDivergence: { name: 'recovery_group_divergence_ratio', type: 'gauge', unit: '1', labels: ['group'],
    help: 'Members not converged divided by members.' },
  groupPermissionConsistency: { name: 'recovery_group_permission_consistency_ratio', type: 'gauge', unit: '1', labels: ['group'],
    help: "Members whose permission fingerprint matches the leader's (or the majority's) divided by members with one." },
  memberPermissionDrift: { name: 'recovery_member_permission_drift', type: 'gauge', unit: '1', labels: ['group', 'member'],
    help: "1 when the member's permissions (ACLs, roles, host-based auth) differ from the leader's." },
  groupIndependence: { name: 'recovery_group_independence_ratio', type: 'gauge', unit: '1', labels: ['group'],
    help: 'Dependency dimensions with at least two distinct values divided by dimensions reported.' },
  groupEffectivePaths: { name: 'recovery_group_effective_paths', type: 'gauge', unit: '{path}', labels: ['group'],
    help: 'Minimum over dependency dimensions of the distinct values among members: truly independent paths.' },
  groupSharedDependency: { name: 'recovery_group_shared_dependency', type: 'gauge', unit: '1', labels: ['group', 'dimension', 'value'],
    help: 'A dependency dimension where every member shares one value: a shared failure domain.' },
  groupHiddenInstability: { name: 'recovery_group_hidden_instability', type: 'gauge', unit: '1', labels: ['group'],
    help: 'The group serves while some member is not converged or permissions drift.' },
  groupNetStabilization: { name: 'recovery_group_net_stabilization_rate', type: 'gauge', unit: '{member}/min', labels: ['group'],
    help: 'Members becoming converged minus members leaving converged, per minute, over a recent window.' },
  groupFailoverLoad: { name: 'recovery_group_failover_load_ratio', type: 'gauge', unit: '1', labels: ['group'],
    help: "After a failover in the episode: the new leader's load divided by the old leader's load before it; absent without a failover." },
  memberObservationAge: { name: 'recovery_member_observation_age_seconds', type: 'gauge', unit: 's', labels: ['group', 'member'],
    help: 'Age of the newest observation of the member; +Inf when never observed.' },
  sourceUp: { name: 'recovery_source_up', type: 'gauge', unit: '1', labels: ['source'],
    help: '1 when the source answered its last round, 0 when it failed.' },
  storeUp: { name: 'recovery_store_up', type: 'gauge', unit: '1', labels: [],
    help: '1 when the episode store accepted the last write, 0 while it cannot be written (full, read-only, I/O error) and unsaved episodes are kept in memory.' },
  collectorShardInfo: { name: 'recovery_collector_shard_info', type: 'gauge', unit: '1', labels: ['shard', 'shards'],
    help: 'Always 1 on a collector with shard: set: which shard it is (shard, from 0) of how many (shards); it owns the groups whose name hashes to shard.' },
  collectorActive: { name: 'recovery_collector_active', type: 'gauge', unit: '1', labels: [],
    help: '1 when this collector writes the episodes (a SQLite store, or the holder of a PostgreSQL store\'s lock), 0 for the standby of an HA pair.' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
