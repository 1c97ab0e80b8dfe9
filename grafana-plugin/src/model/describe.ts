// Words an SRE reads on the panel, kept out of the components so they can be tested as plain text.
import { GroupModel, MemberModel, SharedDomain } from './group-model';
import { effectivePhase } from './sort';

/** 432 → "7m 12s"; 900 → "15m"; 7200 → "2h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts: string[] = [];
  if (h) {
    parts.push(`${h}h`);
  }
  if (m) {
    parts.push(`${m}m`);
  }
  if (sec && h === 0) {
    parts.push(`${sec}s`);
  }
  return parts.length ? parts.join(' ') : '0s';
}

export type BudgetLevel = 'ok' | 'warning' | 'critical';

/** Warning from 75 % of the RTO budget, critical once it is spent. */
export function budgetLevel(elapsedSeconds: number | undefined, rtoSeconds: number | undefined): BudgetLevel {
  if (!elapsedSeconds || !rtoSeconds) {
    return 'ok';
  }
  const used = elapsedSeconds / rtoSeconds;
  return used >= 1 ? 'critical' : used >= 0.75 ? 'warning' : 'ok';
}

/** "7m 12s of 15m", or undefined when there is no episode open. */
export function elapsedText(group: GroupModel): string | undefined {
  if (group.elapsedSeconds === undefined || group.elapsedSeconds <= 0) {
    return undefined;
  }
  const elapsed = formatDuration(group.elapsedSeconds);
  return group.rtoSeconds ? `${elapsed} of ${formatDuration(group.rtoSeconds)}` : `${elapsed} (no RTO)`;
}

/** What the progress bar says about the end: ETA, or why there is none (never a made-up number). */
export function etaText(group: GroupModel): string {
  if (group.stale) {
    return `no ETA: data stale (last: ${group.phase})`;
  }
  const phase = effectivePhase(group);
  if (phase === 'healthy') {
    return 'recovered';
  }
  if (phase === 'stabilizing') {
    return 'holding before healthy';
  }
  if (phase === 'unknown') {
    return 'no ETA: phase unknown';
  }
  if (group.etaSeconds !== undefined && Number.isFinite(group.etaSeconds)) {
    return `ETA ${formatDuration(group.etaSeconds)}`;
  }
  // Recovering means progress is observed, but the collector has no rate yet: do not call it stalled.
  return phase === 'recovering' ? 'no ETA yet' : 'stalled';
}

const NOT_CONVERGED = ['lagging', 'diverged', 'unreachable', 'unknown'] as const;

export function notConvergedCount(group: GroupModel): number {
  return NOT_CONVERGED.reduce((n, status) => n + (group.memberCounts[status] ?? 0), 0);
}

export function memberTotal(group: GroupModel): number {
  return Object.values(group.memberCounts).reduce((n, c) => n + (c ?? 0), 0);
}

/** "2 of 5 replicas lagging", "3 of 5 replicas not converged (2 lagging, 1 diverged)". */
export function divergenceText(group: GroupModel): string | undefined {
  const bad = notConvergedCount(group);
  if (bad === 0) {
    return undefined;
  }
  const total = memberTotal(group);
  const present = NOT_CONVERGED.filter((s) => (group.memberCounts[s] ?? 0) > 0);
  if (present.length === 1) {
    return `${bad} of ${total} replicas ${present[0]}`;
  }
  const detail = present.map((s) => `${group.memberCounts[s]} ${s}`).join(', ');
  return `${bad} of ${total} replicas not converged (${detail})`;
}

export function driftedMembers(group: GroupModel): MemberModel[] {
  return group.members.filter((m) => m.permissionDrift);
}

/** "permissions drift on pg-2, pg-3" */
export function permissionDriftText(group: GroupModel): string | undefined {
  const drifted = driftedMembers(group);
  return drifted.length ? `permissions drift on ${drifted.map((m) => m.member).join(', ')}` : undefined;
}

/** "permissions: not observed": no member of the group has a permission fingerprint (never shown as consistent). */
export function permissionsNotObservedText(group: GroupModel): string | undefined {
  return group.permissionsObserved === false ? 'permissions: not observed' : undefined;
}

const DIMENSION_WORDS: Record<string, string> = {
  'cloud.availability_zone': 'zone',
  'cloud.region': 'region',
  'host.name': 'host',
  'k8s.node.name': 'node',
  'k8s.cluster.name': 'cluster',
  'service.version': 'version',
};

/** `cloud.availability_zone` → "zone": the word an SRE says for a failure-domain dimension. */
export function dimensionWord(dimension: string): string {
  return DIMENSION_WORDS[dimension] ?? dimension;
}

/** "all replicas in zone eu-1a" */
export function sharedDomainText(domain: SharedDomain): string {
  return `all replicas in ${dimensionWord(domain.dimension)} ${domain.value}`;
}

/** "serving, but 2 replicas not converged" */
export function hiddenInstabilityText(group: GroupModel): string | undefined {
  if (!group.hiddenInstability) {
    return undefined;
  }
  const bad = notConvergedCount(group);
  if (bad > 0) {
    return `serving, but ${bad} ${bad === 1 ? 'replica' : 'replicas'} not converged`;
  }
  return driftedMembers(group).length ? 'serving, but permissions drift' : 'serving, but not stable';
}
