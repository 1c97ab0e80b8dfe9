import { formatDuration } from './config/duration';
import type { GroupState } from './model/group-state';

/**
 * One terminal line per phase change:
 * `21:04:05 orders-db        recovering   62%  ETA 40s       elapsed 1m 5s of 2m RTO  ⚠ hidden instability`
 */
export function summaryLine(state: GroupState): string {
  const time = new Date(state.derivedAtMillis).toISOString().slice(11, 19);
  const percent = `${Math.round(state.progress * 100)}%`.padStart(4);
  const eta =
    state.progress >= 1
      ? 'all converged'
      : state.etaSeconds === null
      ? state.phase === 'unknown'
        ? 'no ETA: data stale'
        : state.phase === 'recovering'
          ? 'no ETA yet'
          : 'stalled'
      : `ETA ${formatDuration(state.etaSeconds * 1000)}`;
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
    showProgress ? eta.padEnd(18) : ''.padEnd(18),
    budget + over,
    hazards.length > 0 ? ` ⚠ ${hazards.join('; ')}` : '',
  ].join(' ').trimEnd();
}
