import type { Episode } from './group-state';
import type { Phase } from './types';

/**
 * Seconds an episode spent in each phase it went through: from each phase
 * change to the next, the last one up to the episode's end (or `nowMillis`
 * while open: the current phase's time so far). The closing `healthy` entry
 * takes no time. The sum is therefore end − start (or now − start); the
 * episode's `duration_seconds` is that sum minus its final `stabilizing`
 * stretch, the hold-down, which is not counted as recovery time.
 */
export function timeInPhaseSeconds(episode: Pick<Episode, 'phases' | 'endMillis'>, nowMillis: number): Partial<Record<Phase, number>> {
  const until = episode.endMillis ?? nowMillis;
  const result: Partial<Record<Phase, number>> = {};
  const phases = episode.phases;
  for (let i = 0; i < phases.length; i++) {
    const { phase, atMillis } = phases[i]!;
    const next = i + 1 < phases.length ? phases[i + 1]!.atMillis : until;
    if (phase === 'healthy' && i === phases.length - 1 && episode.endMillis !== null) continue;
    result[phase] = (result[phase] ?? 0) + Math.max(0, next - atMillis) / 1000;
  }
  return result;
}

/** The final hold-down of a completed episode: its last `stabilizing` stretch before `healthy`, in seconds (0 if none). */
export function holdDownSeconds(episode: Pick<Episode, 'phases' | 'endMillis'>): number {
  const phases = episode.phases;
  const n = phases.length;
  if (episode.endMillis === null || n < 2 || phases[n - 2]!.phase !== 'stabilizing') return 0;
  return Math.max(0, (phases[n - 1]!.atMillis - phases[n - 2]!.atMillis) / 1000);
}
