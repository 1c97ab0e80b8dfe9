import { formatDuration } from './config/duration';
import type { GroupState } from './model/group-state';

/**
 * One terminal line per phase change:
 * `21:04:05 orders-db        recovering    62% ETA 40s (21:04:45)     elapsed 1m 5s of 2m RTO  ⚠ hidden instability ▸ replica_lagging: pg-2 behind … → none yet: …`
 * The ETA is the expected completion (in brackets, it does not age) minus the
 * line's time — the same definition the API, `/metrics` and the panel use.
 */
export function summaryLine(state: GroupState): string {
  const time = clock(state.derivedAtMillis);
  const percent = `${Math.round(state.progress * 100)}%`.padStart(4);
  const eta =
    state.progress >= 1 && state.members.every((m) => m.status === 'converged')
      ? 'all converged'
      : state.etaSeconds === null
        ? state.phase === 'unknown'
          ? 'no ETA: data stale'
          : state.phase === 'recovering'
            ? 'no ETA yet'
            : 'stalled'
        : `ETA ${formatDuration(state.etaSeconds * 1000)}${state.etaDeadlineMillis === null ? '' : ` (${clock(state.etaDeadlineMillis)})`}`;
  const budget = state.elapsedSeconds > 0 ? `elapsed ${formatDuration(state.elapsedSeconds * 1000)} of ${formatDuration(state.rtoSeconds * 1000)} RTO` : '';
  const over = state.elapsedSeconds > state.rtoSeconds ? ' (over RTO)' : '';
  const hazards: string[] = [];
  if (state.hiddenInstability) hazards.push('hidden instability');
  if (state.driftedMembers.length > 0) hazards.push(`permission drift: ${state.driftedMembers.join(', ')}`);
  if (state.independence.sharedDomains.length > 0) {
    hazards.push(`shared ${state.independence.sharedDomains.map((d) => `${d.dimension}=${d.value}`).join(', ')}`);
  }
  const showProgress = state.phase !== 'healthy';
  return [
    time,
    state.name.padEnd(16),
    state.phase.padEnd(12),
    showProgress ? percent : '    ',
    showProgress ? eta.padEnd(22) : ''.padEnd(22),
    budget + over,
    hazards.length > 0 ? ` ⚠ ${hazards.join('; ')}` : '',
    topFinding(state),
  ]
    .join(' ')
    .trimEnd();
}

/** `▸ member_unreachable: cache-b unreachable: … → start cache-b … (+2 more)`: the most urgent finding of a group that is not healthy. */
function topFinding(state: GroupState): string {
  const first = state.findings[0];
  if (first === undefined || state.phase === 'healthy') return '';
  const more = state.findings.length > 1 ? ` (+${state.findings.length - 1} more in /api/v1/groups)` : '';
  return `▸ ${first.cause}: ${first.summary} → ${first.action}${more}`;
}

/** `21:04:05` (UTC, as the rest of the line). */
function clock(epochMillis: number): string {
  return new Date(epochMillis).toISOString().slice(11, 19);
}
