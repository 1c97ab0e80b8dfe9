import { selectors } from '../config';

/**
 * Dashboard queries select by the dashboard's `job` and `cluster` variables, where the rules
 * select the configured job: a user whose Prometheus names the job otherwise, or holds several
 * clusters, picks them in the variable bar.
 * `panelSeries('recovery_group_phase', 'phase="degraded"')` →
 * `recovery_group_phase{job=~"$job",cluster=~"$cluster",phase="degraded"}`.
 */
export function panelSeries(metric: string, ...matchers: string[]): string {
  return `${metric}{${['job=~"$job"', `${selectors.clusterLabel}=~"$cluster"`, ...matchers].join(',')}}`;
}

/** A recording rule's series in a dashboard: records keep the cluster label but not the job. */
export function panelRecord(record: string, ...matchers: string[]): string {
  return `${record}{${[`${selectors.clusterLabel}=~"$cluster"`, ...matchers].join(',')}}`;
}

/** Query parameters that carry the dashboard's data source, job and cluster into a link. */
export const keptVariables = '${datasource:queryparam}&${job:queryparam}&${cluster:queryparam}&${__url_time_range}';
