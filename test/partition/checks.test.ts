import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemberStatus, Phase } from '@rebound/contract';
import { assertLagNeverRestarts, assertNeverRecoveredWhileCut, assertOneEpisode, detection, noticeDeadline, type EpisodeCount, type Window } from './checks';
import type { CollectorProcess, EpisodeJson, GroupJson } from './collector-process';
import { Timeline } from './timeline';

/** A timeline that samples nothing: the samples are written by the test (no collector, no root needed). */
async function recorded(samples: { at: number; phase: Phase; status: MemberStatus; lag: number | null }[]): Promise<Timeline> {
  const silent = { group: () => Promise.reject(new Error('no collector in this test')) } as unknown as CollectorProcess;
  const timeline = new Timeline(silent, 'cache', async () => ({}), 1);
  await timeline.stop();
  for (const s of samples) {
    const group: GroupJson = {
      name: 'cache',
      phase: s.phase,
      leader: 'primary',
      episode_id: null,
      members: [{ member: 'replica-a', role: 'replica', status: s.status, reason: null, lag_seconds: s.lag, lag_bytes: 6019, observation_age_seconds: 0.5 }],
      signals: { hidden_instability: s.status !== 'converged', leader_serving: true },
    };
    timeline.samples.push({ atMillis: s.at * 1000, group, links: {} });
  }
  return timeline;
}

const window = (timeline: Timeline, from: number, until: number): Window => ({ timeline, originMillis: 0, fromMillis: from * 1000, untilMillis: until * 1000 });

describe('partition checks', () => {
  it('catch the timeline of issue 17: lagging, then converged with the lag restarted at the link-down moment', async () => {
    const timeline = await recorded([
      { at: 0, phase: 'healthy', status: 'converged', lag: 1 },
      { at: 6, phase: 'recovering', status: 'lagging', lag: 6 },
      { at: 7, phase: 'stabilizing', status: 'converged', lag: 0 },
      { at: 10, phase: 'healthy', status: 'converged', lag: 3 },
    ]);
    const w = window(timeline, 0, 20);
    const detected = detection(w, 'replica-a', 'issue 17');
    assert.equal(detected.atMillis, 6_000);
    assert.throws(() => assertNeverRecoveredWhileCut({ ...w, fromMillis: detected.atMillis }, 'replica-a', 'issue 17'), /replica-a converged at \+7\.0s/);
    assert.throws(() => assertLagNeverRestarts(w, 'replica-a', 'issue 17'), /lag fell from 6s .* to 0s/);
  });

  it('pass a cut replica that stays lagging with a growing lag, and fail one detected too late', async () => {
    const timeline = await recorded([
      { at: 0, phase: 'healthy', status: 'converged', lag: 1 },
      { at: 6, phase: 'recovering', status: 'lagging', lag: 6 },
      { at: 7, phase: 'partial', status: 'lagging', lag: 7 },
      { at: 12, phase: 'partial', status: 'lagging', lag: 12 },
    ]);
    const w = window(timeline, 0, 20);
    const detected = detection(
      w,
      'replica-a',
      'growing lag',
      noticeDeadline({ cutMillis: 0, linkDownMillis: 3_500, lagToleranceSeconds: 5, intervalSeconds: 1 }),
    );
    assertNeverRecoveredWhileCut({ ...w, fromMillis: detected.atMillis }, 'replica-a', 'growing lag');
    assertLagNeverRestarts(w, 'replica-a', 'growing lag');
    assert.throws(() => detection(w, 'replica-a', 'late', 5_000), /first not converged at \+6\.0s, later than \+5\.0s/);
  });

  it('noticeDeadline: the earliest sign (link down, or the lag tolerance plus a whole second) plus two intervals and 2s', () => {
    assert.equal(noticeDeadline({ cutMillis: 0, linkDownMillis: 3_500, lagToleranceSeconds: 5, intervalSeconds: 1 }), 7_500);
    assert.equal(noticeDeadline({ cutMillis: 0, linkDownMillis: 60_000, lagToleranceSeconds: 5, intervalSeconds: 1 }), 10_000);
  });

  it('assertOneEpisode refuses an episode that closed during the cut and a second one opened after it', () => {
    const before: EpisodeCount = { episodes: [], total: 0 };
    const closedEarly: EpisodeJson = { id: 'e1', start: new Date(1_000).toISOString(), end: new Date(9_000).toISOString(), worst_phase: 'recovering' };
    const reopened: EpisodeJson = { id: 'e2', start: new Date(10_000).toISOString(), end: new Date(30_000).toISOString(), worst_phase: 'partial' };
    assert.throws(() => assertOneEpisode(before, { episodes: [reopened, closedEarly], total: 2 }, 20_000, 'split'), /expected one episode, got 2/);
    assert.throws(() => assertOneEpisode(before, { episodes: [closedEarly], total: 1 }, 20_000, 'early'), /before the last heal/);
    assertOneEpisode(before, { episodes: [reopened], total: 1 }, 20_000, 'one');
  });
});
