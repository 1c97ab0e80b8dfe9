import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Observation } from '../model/types';
import { RecoveryEngine } from './engine';
import { obs, testGroup } from './testing/scenario';

/** One second of a random three-member group: each member up, down, lagging, silent or diverged. */
const memberMoment = fc.record({
  kind: fc.constantFrom('ok', 'down', 'lag', 'silent', 'ahead', 'fingerprint'),
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
    const position = 100_000_000 - (m.kind === 'lag' ? m.lag : 0) + (m.kind === 'ahead' ? 5_000_000 : 0);
    result.push(obs(names[i]!, t, { role, position, ...(m.kind === 'fingerprint' ? { permissionFingerprint: 'x' } : {}) }));
  });
  return result;
}

function runHistory(seconds: unknown[][]) {
  let now = 1_700_000_000_000;
  const engine = new RecoveryEngine({ groups: [testGroup({ holdDownMillis: 3_000 })], now: () => now });
  engine.declare('db', [{ member: 'a', role: 'leader' }, { member: 'b' }, { member: 'c' }]);
  let completed = 0;
  const durations: number[] = [];
  engine.onEpisodeCompleted((e) => {
    completed++;
    durations.push(e.durationSeconds!);
  });
  const ticks = [];
  // Each random second, then a calm tail so most histories also complete an episode.
  const calm = [{ kind: 'ok', lag: 0, role: 'replica' }, { kind: 'ok', lag: 0, role: 'replica' }, { kind: 'ok', lag: 0, role: 'replica' }];
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
            assert.ok(state.members.every((m) => m.status === 'converged'), 'healthy needs every member converged');
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
            assert.ok(state.members.every((m) => m.status === 'converged' || m.status === 'lagging'), 'ETA only when all unconverged members drain');
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
});
