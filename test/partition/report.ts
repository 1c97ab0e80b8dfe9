import { METRICS } from '@rebound/contract';
import { newEpisodes, type EpisodeCount } from './checks';
import { member, seconds, type Timeline } from './timeline';

/** What one cut scenario recorded: the moments the test acted or saw, and the episodes before and after. */
export interface CutRecord {
  cutMillis: number;
  /** First sample where the server itself said its replication link is down. */
  linkDownMillis: number;
  /** The last heal of the scenario. */
  healMillis: number;
  healthyAtMillis: number;
  before: EpisodeCount;
  after: EpisodeCount;
}

/**
 * One console line per scenario, the numbers of the closing note: cut → first
 * non-converged sample, cut → link down, link down → status, false samples,
 * heal → healthy, episodes.
 */
export function reportCut(system: string, scenario: string, t: Timeline, r: CutRecord, cutMember: string): void {
  console.log(
    `# partition ${system} ${scenario}: cut → ${cutMember} first non-converged ${describeDetection(t, cutMember, r.cutMillis, r.healMillis)}; ` +
      `cut → link down ${seconds(r.linkDownMillis - r.cutMillis)}; link down → ${cutMember} ${statusAfter(t, cutMember, r.linkDownMillis, r.healMillis)}; ` +
      `false converged/stabilizing/healthy samples after detection ${falseConverged(t, cutMember, r)}; heal → healthy ${seconds(r.healthyAtMillis - r.healMillis)}; ` +
      `episodes ${newEpisodes(r.before, r.after).length}, ${METRICS.episodes.name} +${r.after.total - r.before.total}`,
  );
}

/** `+3.2s (lagging "…")` or `never`. */
export function describeDetection(t: Timeline, name: string, cutMillis: number, healMillis: number): string {
  const s = t.first(cutMillis, (x) => member(x, name).status !== 'converged', healMillis);
  return s ? `${seconds(s.atMillis - cutMillis)} (${member(s, name).status} "${member(s, name).reason ?? ''}")` : 'never';
}

/** What the member showed at the link-down moment and when it was first not converged from then on. */
function statusAfter(t: Timeline, name: string, linkDownMillis: number, healMillis: number): string {
  const at = t.first(linkDownMillis, () => true, healMillis);
  const next = t.first(linkDownMillis, (s) => member(s, name).status !== 'converged', healMillis);
  if (at === undefined) return 'no sample';
  if (next === at) return `${member(at, name).status} already`;
  return next ? `${member(next, name).status} after ${seconds(next.atMillis - linkDownMillis)}` : 'converged until the heal';
}

/** Samples between the first detection and the heal where the member showed converged (issue 17's hole). */
function falseConverged(t: Timeline, name: string, r: { cutMillis: number; healMillis: number }): number {
  const first = t.first(r.cutMillis, (s) => member(s, name).status !== 'converged', r.healMillis);
  if (first === undefined) return t.between(r.cutMillis, r.healMillis).length;
  return t.between(first.atMillis, r.healMillis).filter((s) => member(s, name).status === 'converged' || ['healthy', 'stabilizing'].includes(s.group.phase))
    .length;
}
