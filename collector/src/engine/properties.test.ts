import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Observation } from '../model/types';
import { RecoveryEngine } from './engine';
import { obs, testGroup } from './testing/scenario';

/**
 * One second of a random three-member group: each member up, down, lagging, silent, diverged, or
 * (issue 17) with its replication link down or silent while its byte lag is tiny and its seconds read 0.
 */
const memberMoment = fc.record({
  kind: fc.constantFrom('ok', 'down', 'lag', 'silent', 'ahead', 'fingerprint', 'link-down', 'link-silent'),
  lag: fc.integer({ min: 0, max: 50_000_000 }),
  role: fc.constantFrom('leader', 'replica'),
});
const second = fc.tuple(memberMoment, memberMoment, memberMoment);
const history = fc.array(second, { minLength: 1, maxLength: 120 });

function observationsFor(moment: unknown, t: number): Observation[] {
  const names = ['a', 'b', 'c'];
  const result: Observation[] = [];
  (moment as { kind: string; lag: number; role: string }[]).forEach((m, i) => {
    const role = i === 0 ? 'leader' : (m.role as 'leader' | 'replica');
    if (m.kind === 'silent') return;
    if (m.kind === 'down') return result.push(obs(names[i]!, t, { role, reachable: false }));
    const position = 100_000_000 - (m.kind === 'lag' ? m.lag : 0) + (m.kind === 'ahead' ? 5_000_000 : 0) - (m.kind.startsWith('link-') ? m.lag % 6_000 : 0);
    const link =
      m.kind === 'link-down'
        ? { lagSeconds: 0, replicationLink: { up: false, downForSeconds: m.lag % 70 } }
        : m.kind === 'link-silent'
          ? { lagSeconds: 0, replicationLink: { up: true, silentForSeconds: 6 + (m.lag % 60) } }
          : {};
    result.push(obs(names[i]!, t, { role, position, ...link, ...(m.kind === 'fingerprint' ? { permissionFingerprint: 'x' } : {}) }));
  });
  return result;
}

const HOLD_DOWN_MILLIS = 3_000;

function runHistory(seconds: unknown[][]) {
  let now = 1_700_000_000_000;
  const engine = new RecoveryEngine({ groups: [testGroup({ holdDownMillis: HOLD_DOWN_MILLIS })], now: () => now });
  engine.declare('db', [{ member: 'a', role: 'leader' }, { member: 'b' }, { member: 'c' }]);
  let completed = 0;
  const durations: number[] = [];
  engine.onEpisodeCompleted((e) => {
    completed++;
    durations.push(e.durationSeconds!);
  });
  const ticks = [];
  // Each random second, then a calm tail so most histories also complete an episode.
  const calm = [
    { kind: 'ok', lag: 0, role: 'replica' },
    { kind: 'ok', lag: 0, role: 'replica' },
    { kind: 'ok', lag: 0, role: 'replica' },
  ];
  for (const moment of [...seconds, ...Array(8).fill(calm)]) {
    for (const o of observationsFor(moment, now)) engine.observe(o);
    const [state] = engine.tick();
    ticks.push({ state: state!, moment, now });
    now += 1000;
  }
  return { engine, ticks, completed, durations };
}

describe('recovery model invariants', () => {
  it('keeps progress within 0..1 and never calls a group healthy with a stale or unconverged member', () => {
    fc.assert(
      fc.property(history, (seconds) => {
        for (const { state } of runHistory(seconds).ticks) {
          assert.ok(state.progress >= 0 && state.progress <= 1, `progress ${state.progress}`);
          if (state.phase === 'healthy') {
            assert.ok(
              state.members.every((m) => m.status === 'converged'),
              'healthy needs every member converged',
            );
          }
          const leader = state.members.find((m) => m.member === 'a')!;
          if (leader.status === 'unknown' && state.leader === null) assert.notEqual(state.phase, 'healthy');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never counts an unknown member as converged or as progress', () => {
    fc.assert(
      fc.property(history, (seconds) => {
        for (const { state } of runHistory(seconds).ticks) {
          const converged = state.members.filter((m) => m.status === 'converged').length;
          const unknown = state.members.filter((m) => m.status === 'unknown').length;
          assert.ok(state.progress <= (state.members.length - unknown) / state.members.length + 1e-9);
          assert.equal(state.divergenceRatio, (state.members.length - converged) / state.members.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives an ETA only with a positive recent rate, and never negative', () => {
    fc.assert(
      fc.property(history, (seconds) => {
        for (const { state } of runHistory(seconds).ticks) {
          if (state.etaSeconds === null) continue;
          assert.ok(state.etaSeconds >= 0);
          if (state.progress < 1) {
            assert.ok(
              state.members.every((m) => m.status === 'converged' || m.status === 'lagging'),
              'ETA only when all unconverged members drain',
            );
            assert.notEqual(state.phase, 'unknown');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never produces negative durations or elapsed times, and counts each completed episode exactly once', () => {
    fc.assert(
      fc.property(history, (seconds) => {
        const { engine, ticks, completed, durations } = runHistory(seconds);
        assert.ok(durations.every((d) => d >= 0));
        assert.ok(ticks.every(({ state }) => state.elapsedSeconds >= 0));
        const closed = engine.episodes({ limit: 10_000 }).filter((e) => e.endMillis !== null);
        assert.equal(closed.length, completed);
        assert.equal(new Set(closed.map((e) => e.id)).size, closed.length);
        for (const e of closed) {
          assert.ok(e.durationSeconds! <= (e.endMillis! - e.startMillis) / 1000);
          assert.equal(e.phases.at(-1)!.phase, 'healthy');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never calls a member whose replication link is down (or silent beyond the tolerance) converged, whatever its byte lag', () => {
    fc.assert(
      fc.property(history, (seconds) => {
        for (const { state, moment } of runHistory(seconds).ticks) {
          (moment as { kind: string }[]).forEach((m, i) => {
            const member = state.members[i]!;
            if (!m.kind.startsWith('link-') || member.member === state.leader) return;
            assert.notEqual(member.status, 'converged', `${member.member} ${m.kind}: ${member.reason}`);
            assert.notEqual(state.phase, 'healthy');
            assert.notEqual(state.phase, 'stabilizing');
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('closes an episode only after a final all-converged run as long as the hold-down, with every member converged throughout', () => {
    fc.assert(
      fc.property(history, (seconds) => {
        const { engine, ticks } = runHistory(seconds);
        for (const e of engine.episodes({ limit: 10_000 }).filter((e) => e.endMillis !== null)) {
          const convergedAt = e.startMillis + e.durationSeconds! * 1000;
          assert.ok(e.endMillis! - convergedAt >= HOLD_DOWN_MILLIS, `closed ${e.endMillis! - convergedAt} ms after converging`);
          const run = ticks.filter(({ now }) => now >= convergedAt && now <= e.endMillis!);
          assert.ok(run.length > 0);
          for (const { state, now } of run) {
            const notConverged = state.members.filter((m) => m.status !== 'converged');
            assert.deepEqual(
              notConverged.map((m) => `${m.member}:${m.status}`),
              [],
              `at +${(now - convergedAt) / 1000}s of the final run`,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
