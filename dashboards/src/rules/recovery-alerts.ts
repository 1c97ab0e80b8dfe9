import { METRICS } from '@rebound/contract';
import { alerts, grafana } from '../config';
import { maxBy, num, on, series } from '../promql';
import { withRunbooks } from './runbooks';
import type { AlertRule, RuleGroup } from './rule-types';

const elapsed = maxBy('group', series(METRICS.groupElapsed.name));
const rto = maxBy('group', series(METRICS.groupRto.name));
/** 1 while the open episode started inside a maintenance window; absent from older collectors (then nothing is planned). */
const planned = maxBy('group', series(METRICS.groupEpisodePlanned.name));
const detailLink = `${grafana.url}/d/${grafana.dashboardUids.groupDetail}?var-group={{ $labels.group }}`;

/**
 * Elapsed passes the RTO: strictly greater, so an episode that ends exactly at its RTO met it.
 * A planned episode (maintenance window) does not page: `recoveryPlannedExceedingRto` warns instead.
 */
export const recoveryExceedingRto: AlertRule = {
  alert: 'RecoveryExceedingRTO',
  expr: `${elapsed} > ${on('group')} ${rto} unless ${on('group')} ${planned} == 1`,
  labels: { severity: 'critical' },
  annotations: {
    summary: 'Recovery of {{ $labels.group }} has run past its RTO.',
    description:
      'The open recovery episode of {{ $labels.group }} has lasted {{ $value | humanizeDuration }}, longer than its recovery-time objective. Open the group detail dashboard to see which members are still not converged.',
    dashboard: detailLink,
  },
};

/** A planned episode past its RTO: someone is doing this on purpose, so a warning, not a page. */
export const recoveryPlannedExceedingRto: AlertRule = {
  alert: 'RecoveryExceedingRTO',
  expr: `${elapsed} > ${on('group')} ${rto} and ${on('group')} ${planned} == 1`,
  labels: { severity: 'warning', reason: 'planned_maintenance' },
  annotations: {
    summary: 'Planned maintenance of {{ $labels.group }} has run past its RTO.',
    description:
      'The open recovery episode of {{ $labels.group }} started inside a maintenance window and has lasted {{ $value | humanizeDuration }}, longer than its recovery-time objective. It does not count against the recovery SLO; check with whoever runs the maintenance (GET /api/v1/maintenance names the reason) that it is going as planned.',
    dashboard: detailLink,
  },
};

/** The early warning: the episode has used `rtoWarningShare` of its RTO and has not yet passed it. */
export const recoveryNearingRto: AlertRule = {
  alert: 'RecoveryExceedingRTO',
  expr: `${elapsed} > ${on('group')} ${num(alerts.rtoWarningShare)} * ${rto} and ${on('group')} ${elapsed} <= ${on('group')} ${rto}`,
  for: alerts.rtoWarningFor,
  labels: { severity: 'warning' },
  annotations: {
    summary: `Recovery of {{ $labels.group }} has used over ${Math.round(alerts.rtoWarningShare * 100)} % of its RTO.`,
    description:
      'The open recovery episode of {{ $labels.group }} has lasted {{ $value | humanizeDuration }} and will pass its RTO soon unless progress speeds up. Check the ETA on the group detail dashboard.',
    dashboard: detailLink,
  },
};

/**
 * Degraded or partial through the whole window, and progress now no higher than at the window's
 * start: nothing got better, so the recovery will not finish on its own. The phase is checked at
 * every `resolution` step of the window (a subquery); without history as old as the window there
 * is no "start" to compare with and the rule stays silent (RecoverySignalsStale covers missing data).
 */
export function recoveryStalledRule(
  window: string = alerts.stalledWindow,
  resolution: string = alerts.evaluationInterval,
  holdFor: string = alerts.stalledFor,
): AlertRule {
  const stuck = maxBy('group', series(METRICS.groupPhase.name, 'phase=~"degraded|partial"'));
  const progress = series(METRICS.groupProgress.name);
  return {
    alert: 'RecoveryStalled',
    expr:
      `min_over_time((${stuck})[${window}:${resolution}]) == 1` +
      ` and ${on('group')} ${maxBy('group', progress)} <= ${on('group')} ${maxBy('group', `${progress} offset ${window}`)}`,
    for: holdFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: `Recovery of {{ $labels.group }} has made no progress for ${window}.`,
      description: `{{ $labels.group }} has been degraded or partially recovered for ${window} and its progress is no higher than ${window} ago. Something must be done by hand: restart or resync the members that are not converged.`,
      dashboard: detailLink,
    },
  };
}

export const recoveryStalled: AlertRule = recoveryStalledRule();

export const permissionDrift: AlertRule = {
  alert: 'PermissionDrift',
  expr: `${maxBy('group, member', series(METRICS.memberPermissionDrift.name))} == 1`,
  for: alerts.permissionDriftFor,
  labels: { severity: 'warning' },
  annotations: {
    summary: 'Permissions of {{ $labels.member }} differ from the rest of {{ $labels.group }}.',
    description:
      "{{ $labels.member }}'s ACLs, roles or host-based auth rules differ from the leader's (Redis ACLs and pg_hba.conf are not replicated). After a failover it may refuse clients or accept ones it should not: compare and sync its permissions.",
    dashboard: detailLink,
  },
};

export const sharedFailureDomain: AlertRule = {
  alert: 'SharedFailureDomain',
  expr: `${maxBy('group, dimension, value', series(METRICS.groupSharedDependency.name))} == 1`,
  for: alerts.sharedFailureDomainFor,
  labels: { severity: 'info' },
  annotations: {
    summary: 'All members of {{ $labels.group }} share {{ $labels.dimension }}={{ $labels.value }}.',
    description:
      'Every member of {{ $labels.group }} depends on the same {{ $labels.dimension }} ({{ $labels.value }}): one failure there takes all of them down. Redundancy without independence is shared failure; spread the members when you can.',
    dashboard: detailLink,
  },
};

export const hiddenInstability: AlertRule = {
  alert: 'HiddenInstability',
  expr: `${maxBy('group', series(METRICS.groupHiddenInstability.name))} == 1`,
  for: alerts.hiddenInstabilityFor,
  labels: { severity: 'warning' },
  annotations: {
    summary: `{{ $labels.group }} serves but has not fully recovered for ${alerts.hiddenInstabilityFor}.`,
    description:
      'Requests to {{ $labels.group }} work again, but some member is still not converged or its permissions drift. The next failure will find less redundancy than the dashboards of the service suggest.',
    dashboard: detailLink,
  },
};

const staleAnnotations = {
  description:
    'Rebound cannot tell the recovery state it is missing: unknown is not healthy. Check that the collector runs, that Prometheus scrapes it, and that the source answers.',
};

export const sourceDown: AlertRule = {
  alert: 'RecoverySignalsStale',
  expr: `${maxBy('source', series(METRICS.sourceUp.name))} == 0`,
  for: alerts.signalsStaleFor,
  labels: { severity: 'warning', reason: 'source_down' },
  annotations: { summary: 'Rebound source {{ $labels.source }} is down.', ...staleAnnotations },
};

export const observationsOld: AlertRule = {
  alert: 'RecoverySignalsStale',
  expr: `${maxBy('group, member', series(METRICS.memberObservationAge.name))} > ${alerts.maxObservationAgeSeconds}`,
  for: alerts.signalsStaleFor,
  labels: { severity: 'warning', reason: 'observation_old' },
  annotations: {
    summary: `No fresh observation of {{ $labels.member }} in {{ $labels.group }} for over ${alerts.maxObservationAgeSeconds}s.`,
    ...staleAnnotations,
  },
};

/**
 * A collector Prometheus cannot scrape, per instance: with two collectors, the live one must not
 * hide the dead one (a job-wide absent() would). Every group it watches is blind: page.
 */
export const collectorDown: AlertRule = {
  alert: 'RecoverySignalsStale',
  expr: `${series('up')} == 0`,
  for: alerts.signalsStaleFor,
  labels: { severity: 'critical', reason: 'collector_down' },
  annotations: {
    summary: 'Prometheus cannot scrape the Rebound collector {{ $labels.instance }}.',
    ...staleAnnotations,
  },
};

/**
 * A collector that vanished from service discovery: its `up` series was there within the lookback
 * and is gone now, so `up == 0` never fires for it. A planned scale-down resolves it by waiting
 * out the lookback (or silencing it).
 */
export const collectorGone: AlertRule = {
  alert: 'RecoverySignalsStale',
  expr: `${maxBy('job, instance', `max_over_time(${series('up')}[${alerts.unobservedLookback}])`)}` + ` unless ${on('job, instance')} ${series('up')}`,
  for: alerts.signalsStaleFor,
  labels: { severity: 'critical', reason: 'collector_gone' },
  annotations: {
    summary: 'The Rebound collector {{ $labels.instance }} is no longer scraped at all.',
    ...staleAnnotations,
  },
};

/**
 * A group whose signals vanished during an open episode (its collector died or stopped being
 * scraped): `RecoveryExceedingRTO` resolves when its series go, so this keeps the page open —
 * nobody knows whether that recovery finished.
 */
export const episodeUnobserved: AlertRule = {
  alert: 'RecoverySignalsStale',
  expr: `${maxBy('group', `last_over_time(${series(METRICS.groupElapsed.name)}[${alerts.unobservedLookback}])`)} > 0` + ` unless ${on('group')} ${elapsed}`,
  labels: { severity: 'critical', reason: 'episode_unobserved' },
  annotations: {
    summary: '{{ $labels.group }} was recovering when its signals vanished.',
    description:
      'The last Rebound data about {{ $labels.group }} showed an open recovery episode ({{ $value | humanizeDuration }} elapsed), and then its series disappeared: the collector that watches it died or is no longer scraped. Nobody knows whether that recovery finished. Bring the collector back, then check the group.',
    dashboard: detailLink,
  },
};

export const metricsAbsent: AlertRule = {
  alert: 'RecoverySignalsStale',
  expr: `absent(${series(METRICS.groupPhase.name)})`,
  for: alerts.signalsStaleFor,
  labels: { severity: 'warning', reason: 'metrics_absent' },
  annotations: { summary: 'Prometheus has no Rebound recovery metrics at all.', ...staleAnnotations },
};

/** Per collector (`instance`): each replica has its own store. Episodes wait in its memory meanwhile; a restart loses them. */
export const storeUnwritable: AlertRule = {
  alert: 'RecoveryEpisodeStoreUnwritable',
  expr: `${maxBy('instance', series(METRICS.storeUp.name))} == 0`,
  for: alerts.storeUnwritableFor,
  labels: { severity: 'warning' },
  annotations: {
    summary: 'The episode store of the Rebound collector {{ $labels.instance }} cannot be written.',
    description:
      'Recovery state, metrics and the episode API still work, and unsaved episodes are kept in memory and written when the store works again, but a restart of this collector now loses them. Its log names the store file and why: "episode store PATH: not writable (...)". Free space, or make the file and its directory writable.',
  },
};

/** The alert rule groups; `stalled` lets a test use a window short enough for a live demo. */
export function recoveryAlertRuleGroups(stalled: AlertRule = recoveryStalled): RuleGroup<AlertRule>[] {
  return withRunbooks([
    {
      name: 'rebound-recovery',
      interval: alerts.evaluationInterval,
      rules: [recoveryExceedingRto, recoveryPlannedExceedingRto, recoveryNearingRto, stalled, hiddenInstability, permissionDrift, sharedFailureDomain],
    },
    {
      name: 'rebound-signals',
      interval: alerts.evaluationInterval,
      rules: [sourceDown, observationsOld, collectorDown, collectorGone, episodeUnobserved, metricsAbsent, storeUnwritable],
    },
  ]);
}

export const recoveryAlertGroups: RuleGroup<AlertRule>[] = recoveryAlertRuleGroups();
