import assert from 'node:assert/strict';
import { METRICS } from '@rebound/contract';
import type { CollectorProcess, EpisodeJson } from './collector-process';
import { member, seconds, type Sample, type Timeline } from './timeline';

/** Phases that say "recovered" (or about to be): never allowed while a partition is in force. */
const RECOVERED_PHASES = new Set(['healthy', 'stabilizing']);

/** A window of the timeline that one assertion looks at, and where its printout starts. */
export interface Window {
  timeline: Timeline;
  /** Times in assertion messages are relative to this (the first cut of the scenario). */
  originMillis: number;
  fromMillis: number;
  untilMillis: number;
}

/**
 * The first sample in the window where `memberName` is not converged: the
 * moment the partition was detected. Fails (printing the window) when the
 * member stayed converged until the heal, or past `latestMillis` when given.
 */
export function detection(w: Window, memberName: string, what: string, latestMillis?: number): Sample {
  const found = w.timeline.first(w.fromMillis, (s) => member(s, memberName).status !== 'converged', w.untilMillis);
  const printout = () => w.timeline.describe(w.originMillis, w.fromMillis - 2_000, w.untilMillis + 1_000);
  assert.ok(found, `${what}: ${memberName} was converged on every sample until the heal\n${printout()}`);
  if (latestMillis !== undefined && found.atMillis > latestMillis) {
    assert.fail(
      `${what}: ${memberName} first not converged at ${seconds(found.atMillis - w.originMillis)}, later than ${seconds(latestMillis - w.originMillis)}\n${printout()}`,
    );
  }
  return found;
}

/** How long the collector may take to show what a server says: its next probe round and derivation tick (two intervals), 2s more for a loaded machine. */
export function noticeSlackMillis(intervalSeconds: number): number {
  return (2 * intervalSeconds + 2) * 1000;
}

/**
 * When a cut-off replica must have been noticed: at the earliest sign (its
 * link reported down, or the lag tolerance passed without an acknowledgement)
 * plus the notice slack.
 */
export function noticeDeadline(signs: { cutMillis: number; linkDownMillis: number; lagToleranceSeconds: number; intervalSeconds: number }): number {
  // "Silent for more than the tolerance" first holds up to a second later where a source counts whole seconds (Redis' lag=).
  const earliest = Math.min(signs.linkDownMillis, signs.cutMillis + (signs.lagToleranceSeconds + 1) * 1000);
  return earliest + noticeSlackMillis(signs.intervalSeconds);
}

/** From `fromMillis` (a detection) to the heal: the member is never converged and the group never stabilizing or healthy. */
export function assertNeverRecoveredWhileCut(w: Window, memberName: string, what: string): void {
  for (const s of w.timeline.between(w.fromMillis, w.untilMillis)) {
    const m = member(s, memberName);
    const bad = m.status === 'converged' ? `${memberName} converged` : RECOVERED_PHASES.has(s.group.phase) ? `group ${s.group.phase}` : undefined;
    if (bad !== undefined) {
      assert.fail(
        `${what}: ${bad} at ${seconds(s.atMillis - w.originMillis)} while the cut was in force\n${w.timeline.describe(w.originMillis, w.fromMillis - 2_000, w.untilMillis + 1_000)}`,
      );
    }
  }
}

/** While the leader serves and a member is cut off, the group serves with hidden instability. */
export function assertHiddenInstabilityWhileServing(w: Window, what: string): void {
  for (const s of w.timeline.between(w.fromMillis, w.untilMillis)) {
    if (!s.group.signals.leader_serving || s.group.signals.hidden_instability) continue;
    assert.fail(
      `${what}: hidden instability 0 at ${seconds(s.atMillis - w.originMillis)} while the leader serves\n${w.timeline.describe(w.originMillis, w.fromMillis - 2_000, w.untilMillis + 1_000)}`,
    );
  }
}

/**
 * A cut-off member's lag keeps growing: it never restarts near 0 (the false
 * converged of issue 17 came from `master_link_down_since_seconds` replacing a
 * larger lag). Checked from the cut on; `slackSeconds` allows the whole-second
 * granularity of the sources (Redis' `lag=` is 0 or 1 on a healthy link).
 */
export function assertLagNeverRestarts(w: Window, memberName: string, what: string, slackSeconds = 2): void {
  let highest: { lag: number; at: number } | undefined;
  for (const s of w.timeline.between(w.fromMillis, w.untilMillis)) {
    const lag = member(s, memberName).lag_seconds;
    if (lag === null) continue;
    if (highest !== undefined && lag < highest.lag - slackSeconds) {
      assert.fail(
        `${what}: ${memberName} lag fell from ${highest.lag}s (at ${seconds(highest.at - w.originMillis)}) to ${lag}s at ${seconds(s.atMillis - w.originMillis)} while still cut off\n` +
          w.timeline.describe(w.originMillis, w.fromMillis - 2_000, w.untilMillis + 1_000),
      );
    }
    if (highest === undefined || lag > highest.lag) highest = { lag, at: s.atMillis };
  }
}

/** Episodes and completed-episode count right now, to compare before and after a scenario. */
export interface EpisodeCount {
  episodes: EpisodeJson[];
  total: number;
}

export async function countEpisodes(collector: CollectorProcess, group: string): Promise<EpisodeCount> {
  return { episodes: await collector.episodes(group), total: await collector.episodesTotal(group) };
}

/** Episodes that started in the scenario (after `before` was counted). */
export function newEpisodes(before: EpisodeCount, after: EpisodeCount): EpisodeJson[] {
  const known = new Set(before.episodes.map((e) => e.id));
  return after.episodes.filter((e) => !known.has(e.id));
}

/** One episode for the whole scenario, closed only after the last heal, counted once in recovery_episodes_total. */
export function assertOneEpisode(before: EpisodeCount, after: EpisodeCount, lastHealMillis: number, what: string): void {
  const episodes = newEpisodes(before, after);
  const listing = JSON.stringify(episodes, null, 1);
  assert.equal(episodes.length, 1, `${what}: expected one episode, got ${episodes.length}: ${listing}`);
  const [episode] = episodes as [EpisodeJson];
  assert.notEqual(episode.end, null, `${what}: the episode is still open: ${listing}`);
  assert.ok(
    Date.parse(episode.end!) >= lastHealMillis,
    `${what}: the episode closed at ${episode.end}, before the last heal at ${new Date(lastHealMillis).toISOString()}`,
  );
  assert.equal(after.total - before.total, 1, `${what}: ${METRICS.episodes.name} went from ${before.total} to ${after.total}`);
}

/** Once the link is down (and the collector had its round to see it), the reason says so: "replication link down for 7s". */
export function assertReasonNamesLink(w: Window, memberName: string, what: string): void {
  for (const s of w.timeline.between(w.fromMillis, w.untilMillis)) {
    const reason = member(s, memberName).reason ?? '';
    if (/replication link/i.test(reason)) continue;
    assert.fail(
      `${what}: ${memberName}'s reason "${reason}" at ${seconds(s.atMillis - w.originMillis)} does not name the replication link\n${w.timeline.describe(w.originMillis, w.fromMillis - 2_000, w.untilMillis + 1_000)}`,
    );
  }
}

/** The cut is between two nodes only: the collector still reaches the member on every sample (never `unknown`). */
export function assertCollectorStillReaches(w: Window, memberName: string, what: string): void {
  for (const s of w.timeline.between(w.fromMillis, w.untilMillis)) {
    if (member(s, memberName).status !== 'unknown') continue;
    assert.fail(
      `${what}: ${memberName} unknown at ${seconds(s.atMillis - w.originMillis)}, but the collector should still reach it\n${w.timeline.describe(w.originMillis, w.fromMillis - 2_000, w.untilMillis + 1_000)}`,
    );
  }
}
