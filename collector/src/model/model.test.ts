import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { independence } from './independence';
import { chooseLeader } from './leader';
import { memberVerdict, type StatusTolerances } from './member-status';
import { permissionConsistency } from './permissions';
import { decidePhase, type PhaseInputs } from './phase';
import { etaSecondsAt } from './eta';
import { etaSeconds, memberProgress, recentRatePerSecond } from './progress';
import type { MemberStatus, Observation } from './types';

const now = 1_000_000;
const tolerances: StatusTolerances = { freshnessMillis: 3000, lagToleranceSeconds: 5, lagToleranceBytes: 100 };
const o = (fields: Partial<Observation>): Observation => ({ group: 'g', member: 'm', source: 's', observedAtMillis: now, reachable: true, ...fields });
const leader = { member: 'L', observation: o({ member: 'L', role: 'leader', position: 10_000, stateFingerprint: 'f1' }) };

describe('memberVerdict', () => {
  const table: [string, Observation | undefined, MemberStatus, RegExp | null][] = [
    ['never observed', undefined, 'unknown', /never observed/],
    ['stale beyond freshness', o({ observedAtMillis: now - 3001, position: 10_000 }), 'unknown', /no observation for 3s/],
    ['fresh at the freshness edge', o({ observedAtMillis: now - 3000, position: 10_000 }), 'converged', null],
    ['source says down', o({ reachable: false }), 'unreachable', /down/],
    ['source detected divergence', o({ divergedReason: 'split brain', position: 10_000 }), 'diverged', /split brain/],
    ['follows another leader', o({ followsLeader: 'X', position: 10_000 }), 'diverged', /follows X/],
    ['ahead of the leader', o({ position: 10_101 }), 'diverged', /ahead/],
    ['ahead within sampling tolerance', o({ position: 10_100 }), 'converged', null],
    ['other state at the same position', o({ position: 10_000, stateFingerprint: 'f2' }), 'diverged', /state differs/],
    ['behind by bytes from positions', o({ position: 9_000 }), 'lagging', /1000 bytes/],
    ['behind by reported seconds', o({ position: 10_000, lagSeconds: 6 }), 'lagging', /6\.0s/],
    ['within both tolerances', o({ position: 9_950, lagSeconds: 4 }), 'converged', null],
    // Issue 17: a cut link with a small byte lag is never converged.
    [
      'link down, bytes within tolerance',
      o({ position: 9_990, lagSeconds: 0, replicationLink: { up: false, downForSeconds: 7 } }),
      'lagging',
      /^replication link down for 7s; behind the leader by at least 0\.0s \/ 10 bytes$/,
    ],
    ['link down, caught up, duration unknown', o({ position: 10_000, replicationLink: { up: false } }), 'lagging', /^replication link down; /],
    [
      'link up but silent beyond the lag tolerance',
      o({ position: 10_000, lagSeconds: 0, replicationLink: { up: true, silentForSeconds: 6 } }),
      'lagging',
      /replication link silent for 6s/,
    ],
    ['link up, silent within the lag tolerance', o({ position: 10_000, replicationLink: { up: true, silentForSeconds: 5 } }), 'converged', null],
    ['no position, no lag, while the leader has one', o({}), 'unknown', /no replication position or lag observed/],
    [
      'position and lag older than the freshness window',
      o({ position: 10_000, lagSeconds: 0, replicationObservedAtMillis: now - 3001 }),
      'unknown',
      /last reported 3s ago/,
    ],
    ['position and lag within the freshness window', o({ position: 10_000, lagSeconds: 0, replicationObservedAtMillis: now - 3000 }), 'converged', null],
  ];
  for (const [name, observation, status, reason] of table) {
    it(`${name} → ${status}`, () => {
      const verdict = memberVerdict({ member: 'm', role: 'replica', latest: observation }, { leader, tolerances, nowMillis: now });
      assert.equal(verdict.status, status);
      if (reason) assert.match(verdict.reason!, reason);
    });
  }
  it('a rival leader is diverged, the reference leader converged', () => {
    assert.equal(
      memberVerdict({ member: 'R', role: 'leader', latest: o({ role: 'leader' }) }, { leader, rivals: ['R'], tolerances, nowMillis: now }).status,
      'diverged',
    );
    assert.equal(memberVerdict({ member: 'L', role: 'leader', latest: leader.observation }, { leader, tolerances, nowMillis: now }).status, 'converged');
  });
  it('without a leader says there is none to compare with, never "behind the leader"', () => {
    const down = memberVerdict(
      { member: 'm', role: 'replica', latest: o({ lagBytes: 6019, lagSeconds: 9, replicationLink: { up: false, downForSeconds: 3 } }) },
      { leader: null, tolerances, nowMillis: now },
    );
    assert.equal(down.status, 'lagging');
    assert.equal(down.reason, 'replication link down for 3s; lag at least 9.0s / 6019 bytes; no reachable leader to compare with');
    const reported = memberVerdict({ member: 'm', role: 'replica', latest: o({ lagSeconds: 9 }) }, { leader: null, tolerances, nowMillis: now });
    assert.equal(reported.reason, 'behind by 9.0s as reported; no reachable leader to compare with');
    const nothing = memberVerdict({ member: 'm', role: 'replica', latest: o({ position: 5 }) }, { leader: null, tolerances, nowMillis: now });
    assert.deepEqual([nothing.status, nothing.reason], ['converged', 'no reachable leader to compare with']);
  });
  it('a path that is reachable but not serving is unreachable', () => {
    assert.equal(
      memberVerdict({ member: 'p', role: 'path', latest: o({ serving: false }) }, { leader: null, tolerances, nowMillis: now }).status,
      'unreachable',
    );
  });
});

describe('chooseLeader', () => {
  const c = (member: string, role: 'leader' | 'replica', fields: Partial<Observation> = {}) => ({ member, role, fresh: o({ member, role, ...fields }) });
  it('picks the only fresh reachable leader', () => {
    assert.deepEqual(chooseLeader([c('a', 'leader'), c('b', 'replica')], null), { leader: 'a', rivals: [] });
  });
  it('has no leader when the leader is down', () => {
    assert.equal(chooseLeader([c('a', 'leader', { reachable: false }), c('b', 'replica')], 'a').leader, null);
  });
  it("has no leader when the source cannot read the remembered leader's role (unknownReason)", () => {
    assert.equal(chooseLeader([c('a', 'leader', { unknownReason: 'may not read the replication status' }), c('b', 'replica')], 'a').leader, null);
  });
  it('in a split brain prefers the one more replicas follow, then the previous leader', () => {
    const split = [c('a', 'leader'), c('b', 'leader'), c('c', 'replica', { followsLeader: 'b' })];
    assert.deepEqual(chooseLeader(split, 'a'), { leader: 'b', rivals: ['a'] });
    assert.deepEqual(chooseLeader([c('a', 'leader'), c('b', 'leader')], 'b'), { leader: 'b', rivals: ['a'] });
  });
});

describe('progress and ETA', () => {
  it('credits members by status and drained share', () => {
    assert.equal(memberProgress('converged', null, null), 1);
    assert.equal(memberProgress('lagging', 250, 1000), 0.75);
    assert.equal(memberProgress('lagging', 2000, 1000), 0);
    for (const status of ['unreachable', 'diverged', 'unknown'] as const) assert.equal(memberProgress(status, 0, 100), 0);
  });
  it('measures the rate from the first movement after the low point, not from the low point', () => {
    // Low at t=1 s; the member really started at t=1.8 s, moving 0.1/s: the samples after the low point carry the rate.
    const atMillis = [0, 1000, 2000, 3000, 4000];
    const progress = [0.9, 0.2, 0.22, 0.32, 0.42];
    assert.ok(Math.abs(recentRatePerSecond(atMillis, progress, 10_000)! - 0.1) < 1e-9);
    assert.equal(recentRatePerSecond([0, 1000], [0.2, 0.3], 10_000), null, 'one moving sample says nothing yet');
    assert.equal(recentRatePerSecond(atMillis, progress, 500), null, 'one sample in the window says nothing');
  });
  it('weighs recent movement more: a rate that doubled shows within a few samples', () => {
    const atMillis = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000];
    const progress = [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.09, 0.11];
    const rate = recentRatePerSecond(atMillis, progress, 12_000)!;
    assert.ok(rate > 0.015 && rate <= 0.02, `rate ${rate}`);
  });
  it('is 0 after no rise for a third of the window, and null when nothing moved at all', () => {
    assert.equal(recentRatePerSecond([0, 1000, 2000, 3000, 4000, 5000], [0, 0.1, 0.2, 0.2, 0.2, 0.2], 9_000), 0);
    assert.equal(recentRatePerSecond([0, 1000, 2000, 3000], [0.5, 0.5, 0.5, 0.5], 9_000), null, 'a stall from the start has no movement');
  });
  it('reads the ETA as the expected completion minus the reader’s now, never below 0', () => {
    assert.equal(etaSecondsAt({ etaSeconds: 10, etaDeadlineMillis: 50_000 }, 42_500), 7.5, 'read 2.5 s after the tick that said 10 s');
    assert.equal(etaSecondsAt({ etaSeconds: 10, etaDeadlineMillis: 50_000 }, 51_000), 0);
    assert.equal(etaSecondsAt({ etaSeconds: 0, etaDeadlineMillis: null }, 51_000), 0, 'all converged');
    assert.equal(etaSecondsAt({ etaSeconds: null, etaDeadlineMillis: null }, 51_000), null);
  });
  it('gives no ETA when stalled, falling, or when a member cannot drain', () => {
    assert.equal(etaSeconds(0.5, 0.1, true), 5);
    assert.equal(etaSeconds(0.5, 0, true), null);
    assert.equal(etaSeconds(0.5, -0.1, true), null);
    assert.equal(etaSeconds(0.5, null, true), null);
    assert.equal(etaSeconds(0.5, 0.1, false), null);
    assert.equal(etaSeconds(1, null, false), 0);
  });
});

describe('permissionConsistency', () => {
  it('compares with the leader and names the drifted', () => {
    assert.deepEqual(
      permissionConsistency(
        new Map([
          ['a', 'x'],
          ['b', 'y'],
          ['c', 'y'],
        ]),
        'a',
      ),
      { ratio: 1 / 3, drifted: ['b', 'c'] },
    );
  });
  it('falls back to the majority without a leader, and says nothing without fingerprints', () => {
    assert.deepEqual(
      permissionConsistency(
        new Map([
          ['a', 'x'],
          ['b', 'y'],
          ['c', 'y'],
        ]),
        null,
      ),
      { ratio: 2 / 3, drifted: ['a'] },
    );
    assert.deepEqual(permissionConsistency(new Map(), 'a'), { ratio: null, drifted: [] });
  });
});

describe('independence', () => {
  it('names shared domains and counts effective paths by the weakest dimension', () => {
    const result = independence([
      { zone: 'a', host: 'h1', version: '7' },
      { zone: 'b', host: 'h1', version: '7' },
      { zone: 'c', host: 'h2' },
    ]);
    assert.deepEqual(result.dimensions, [
      { dimension: 'host', distinctValues: 2 },
      { dimension: 'zone', distinctValues: 3 },
    ]);
    assert.equal(result.effectivePaths, 2);
    assert.equal(result.ratio, 1);
    assert.deepEqual(result.sharedDomains, []);
    const shared = independence([{ zone: 'a' }, { zone: 'a' }]);
    assert.deepEqual(shared.sharedDomains, [{ dimension: 'zone', value: 'a' }]);
    assert.equal(shared.effectivePaths, 1);
    assert.equal(shared.ratio, 0);
  });
  it('reports nothing rather than guessing when no dimension is reported by all', () => {
    assert.deepEqual(independence([{ zone: 'a' }, {}]), { ratio: null, effectivePaths: null, dimensions: [], sharedDomains: [] });
  });
});

describe('decidePhase', () => {
  const base: PhaseInputs = {
    memberCount: 3,
    convergedCount: 2,
    unknownCount: 0,
    leaderStale: false,
    serving: true,
    improving: false,
    inEpisode: true,
    somethingRecoveredInEpisode: false,
    convergedSinceMillis: null,
    holdDownMillis: 10_000,
    nowMillis: now,
  };
  const table: [string, Partial<PhaseInputs>, string][] = [
    ['all converged, no episode', { convergedCount: 3, inEpisode: false }, 'healthy'],
    ['all converged in hold-down', { convergedCount: 3, convergedSinceMillis: now - 9_999 }, 'stabilizing'],
    ['hold-down over', { convergedCount: 3, convergedSinceMillis: now - 10_000 }, 'healthy'],
    ['improving', { improving: true }, 'recovering'],
    ['stalled after something recovered', { somethingRecoveredInEpisode: true }, 'partial'],
    ['stalled, nothing recovered', {}, 'degraded'],
    ['stalled, recovered, but not serving', { somethingRecoveredInEpisode: true, serving: false }, 'degraded'],
    ['leader stale', { leaderStale: true, convergedCount: 3 }, 'unknown'],
    ['most members unknown', { unknownCount: 2, convergedCount: 1 }, 'unknown'],
    ['no members', { memberCount: 0, convergedCount: 0 }, 'unknown'],
  ];
  for (const [name, inputs, phase] of table) it(`${name} → ${phase}`, () => assert.equal(decidePhase({ ...base, ...inputs }), phase));
});

describe('memberVerdict with what a source says outright about replication (MySQL/MariaDB threads, unreadable status)', () => {
  const table: [string, Observation, MemberStatus, RegExp][] = [
    [
      'replication stopped, no lag yet',
      o({ position: 10_000, lagBytes: 0, replicationStoppedReason: 'SQL thread stopped' }),
      'lagging',
      /^SQL thread stopped$/,
    ],
    ['replica diverged and stopped', o({ divergedReason: 'errant transactions', replicationStoppedReason: 'SQL thread stopped' }), 'diverged', /errant/],
    ['follows another leader and stopped', o({ followsLeader: 'X', replicationStoppedReason: 'SQL thread stopped' }), 'diverged', /follows X/],
    ['reached but role unreadable', o({ position: 10_000, unknownReason: 'may not read the replication status' }), 'unknown', /may not read/],
  ];
  for (const [name, observation, status, reason] of table) {
    it(`${name} → ${status}`, () => {
      const verdict = memberVerdict({ member: 'm', role: 'replica', latest: observation }, { leader, tolerances, nowMillis: now });
      assert.equal(verdict.status, status);
      assert.match(verdict.reason ?? '', reason);
    });
  }
});
