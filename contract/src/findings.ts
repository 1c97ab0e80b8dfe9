/**
 * The causes a diagnosis finding may name (docs/recovery-model.md, "Diagnosis"): the `cause` label
 * of `recovery_group_finding` and the API's `findings[].cause`. A fixed vocabulary, so alerts and
 * dashboards can group on it; listed most urgent first, which is also the order findings are
 * reported in (API, terminal line, panel).
 */
export const FINDING_CAUSES = [
  'no_leader',
  'split_brain',
  'member_unreachable',
  'no_fresh_data',
  'not_observable',
  'replication_link_down',
  'replication_stopped',
  'diverged',
  'failover_overload',
  'full_resync',
  'replica_lagging',
  'permission_drift',
  'shared_failure_domain',
] as const;
export type FindingCause = (typeof FINDING_CAUSES)[number];

export function isFindingCause(value: string | undefined): value is FindingCause {
  return value !== undefined && (FINDING_CAUSES as readonly string[]).includes(value);
}
