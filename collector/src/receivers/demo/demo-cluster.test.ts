import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../../model/types';
import { DemoCluster } from './demo-cluster';
import { DEMO_SCENARIOS, type ScenarioName } from './scenarios';

const START = 1_700_000_000_000;
const MB = 1024 * 1024;
const TOLERANCE_BYTES = 1 * MB;
const HOLD_DOWN_SECONDS = 10;

interface Round {
  second: number;
  sourceUp: boolean;
  byMember: Map<string, Observation>;
}

/** One probe round per simulated second over `cycles` cycles, on a fake clock. */
function stream(name: ScenarioName, options: { cycles?: number; members?: number; seed?: number; speed?: number } = {}): Round[] {
  const definition = DEMO_SCENARIOS[name];
  const scenario = definition.build(options.members ?? definition.defaultMembers);
  const speed = options.speed ?? 1;
  const cluster = new DemoCluster({ group: name, source: `demo/${name}`, scenario, speed, startMillis: START, seed: options.seed ?? 42 });
  const rounds: Round[] = [];
  for (let second = 0; second < scenario.cycleSeconds * (options.cycles ?? 1); second++) {
    const { sourceUp, observations } = cluster.round(START + (second * 1000) / speed);
    rounds.push({ second, sourceUp, byMember: new Map(observations.map((o) => [o.member, o])) });
  }
  return rounds;
}

const of = (rounds: Round[], member: string) => rounds.map((r) => ({ second: r.second, o: r.byMember.get(member) }));
const leadersIn = (r: Round) => [...r.byMember.values()].filter((o) => o.reachable && o.role === 'leader').map((o) => o.member);

describe('DemoCluster: the database story in observations', () => {
  const rounds = stream('database');

  it('has the leader pg-1 unreachable, then pg-2 promoted and serving', () => {
    const down = of(rounds, 'pg-1').filter((x) => x.o?.reachable === false);
    assert.ok(down.length >= 30, `pg-1 down for ${down.length}s`);
    assert.equal(down[0]!.o!.role, 'leader', 'the leader itself fails');
    const firstDown = down[0]!.second;
    const promoted = rounds.find((r) => r.second > firstDown && leadersIn(r).includes('pg-2'));
    assert.ok(promoted, 'pg-2 becomes the leader');
    assert.equal(promoted.byMember.get('pg-2')!.serving, true);
    assert.ok(
      rounds.every((r) => leadersIn(r).length <= 1),
      'never two database leaders',
    );
  });

  it('gives the promoted leader a permission fingerprint the others do not have', () => {
    const drifted = rounds.filter((r) => {
      const leader = r.byMember.get('pg-2');
      const replica = r.byMember.get('pg-3');
      return leader?.role === 'leader' && replica !== undefined && leader.permissionFingerprint !== replica.permissionFingerprint;
    });
    assert.ok(drifted.length >= 30, `drift for ${drifted.length}s`);
  });

  it('builds lag on a re-attached standby and drains it smoothly, positions never going back', () => {
    const pg3 = of(rounds, 'pg-3').map((x) => x.o!);
    const peakIndex = pg3.reduce((best, o, i) => (o.lagBytes! > pg3[best]!.lagBytes! ? i : best), 0);
    assert.ok(pg3[peakIndex]!.lagBytes! > TOLERANCE_BYTES && pg3[peakIndex]!.lagSeconds! > 5, 'lag beyond both tolerances');
    const rising = pg3.slice(peakIndex - 5, peakIndex + 1).map((o) => o.lagBytes!);
    const falling = pg3.slice(peakIndex, peakIndex + 10).map((o) => o.lagBytes!);
    assert.deepEqual(
      [...rising].sort((a, b) => a - b),
      rising,
      'rising before the peak',
    );
    assert.deepEqual(
      [...falling].sort((a, b) => b - a),
      falling,
      'falling after the peak',
    );
    for (let i = 1; i < pg3.length; i++) {
      assert.ok(pg3[i]!.position! >= pg3[i - 1]!.position!, `pg-3 position went back at ${i}s`);
      assert.ok(Math.abs(pg3[i]!.lagBytes! - pg3[i - 1]!.lagBytes!) <= 8 * MB, `no lag jump at ${i}s`);
    }
  });

  it('keeps a member behind for a long stretch after the others caught up (a stall)', () => {
    const othersCaughtUp = (r: Round) => ['pg-2', 'pg-3'].every((m) => r.byMember.get(m)!.lagBytes! <= TOLERANCE_BYTES);
    const stalled = rounds.filter((r) => othersCaughtUp(r) && r.byMember.get('pg-1')!.reachable === false);
    assert.ok(stalled.length >= 20, `pg-1 stays behind for ${stalled.length}s while the others are caught up`);
  });

  it('relapses inside the hold-down: a member falls behind again within 10 s of all converging', () => {
    const converged = (r: Round) => [...r.byMember.values()].every((o) => o.reachable && o.lagBytes! <= TOLERANCE_BYTES);
    const relapse = rounds.find((r, i) => {
      if (i === 0 || converged(r)) return false;
      let convergedRun = 0;
      while (i - 1 - convergedRun >= 0 && converged(rounds[i - 1 - convergedRun]!)) convergedRun++;
      const everBroken = i - 1 - convergedRun >= 0;
      return everBroken && convergedRun > 0 && convergedRun < HOLD_DOWN_SECONDS;
    });
    assert.ok(relapse, 'a relapse inside the hold-down');
    assert.ok(relapse.second > 60, `late in the story (at ${relapse.second}s)`);
  });

  it('agrees on the state fingerprint wherever positions are equal, and reports lag in seconds from bytes', () => {
    for (const r of rounds) {
      const leader = [...r.byMember.values()].find((o) => o.role === 'leader' && o.reachable);
      for (const o of r.byMember.values()) {
        if (!o.reachable) continue;
        if (leader !== undefined && o.position === leader.position) assert.equal(o.stateFingerprint, leader.stateFingerprint, `${o.member} at ${r.second}s`);
        assert.equal(o.lagSeconds, o.lagBytes! / (4 * MB));
      }
    }
  });

  it('loads the promoted leader with more than the old leader carried', () => {
    const before = rounds[5]!.byMember.get('pg-1')!.load!;
    const after = rounds[30]!.byMember.get('pg-2')!.load!;
    assert.ok(after / before > 1.5, `${after} / ${before}`);
  });

  it('places members in three zones', () => {
    const zones = new Set([...rounds[0]!.byMember.values()].map((o) => o.dependencies!['cloud.availability_zone']));
    assert.equal(zones.size, 3);
  });
});

describe('DemoCluster: the cache story in observations', () => {
  const rounds = stream('cache');

  it('puts every cache node in one zone on every observation', () => {
    for (const r of rounds) {
      const zones = new Set([...r.byMember.values()].map((o) => o.dependencies!['cloud.availability_zone']));
      assert.ok(zones.size <= 1, `one zone at ${r.second}s`);
    }
  });

  it('has a blind spot: no observations and the source down', () => {
    const blind = rounds.filter((r) => !r.sourceUp);
    assert.ok(blind.length >= 10, `${blind.length}s blind`);
    assert.ok(blind.every((r) => r.byMember.size === 0));
  });

  it('has split brain, a replica following the wrong leader, then a resync', () => {
    assert.ok(
      rounds.some((r) => leadersIn(r).length === 2),
      'two members claim leader at once',
    );
    assert.ok(
      rounds.some((r) => r.byMember.get('cache-b')?.followsLeader === 'cache-c' && !leadersIn(r).includes('cache-c')),
      'cache-b follows a non-leader',
    );
    const resync = of(rounds, 'cache-c').filter((x) => x.o?.role === 'replica' && x.o.lagBytes! > TOLERANCE_BYTES);
    assert.ok(resync.length >= 5, 'cache-c resyncs with lag');
    const splitFingerprint = rounds.find((r) => leadersIn(r).length === 2)!;
    assert.notEqual(splitFingerprint.byMember.get('cache-c')!.stateFingerprint, splitFingerprint.byMember.get('cache-a')!.stateFingerprint);
  });
});

describe('DemoCluster: the paths story in observations', () => {
  const rounds = stream('paths');
  it('drops path-b and brings it back, with the survivor carrying its load; one region', () => {
    const down = of(rounds, 'path-b').filter((x) => x.o?.reachable === false);
    assert.ok(down.length >= 10);
    assert.ok(rounds[rounds.length - 1]!.byMember.get('path-b')!.reachable);
    const during = rounds[down[0]!.second]!.byMember.get('path-a')!.load!;
    assert.ok(during > rounds[0]!.byMember.get('path-a')!.load! * 1.5);
    assert.ok(rounds.every((r) => new Set([...r.byMember.values()].map((o) => o.dependencies!['cloud.region'])).size === 1));
    assert.ok(rounds.every((r) => [...r.byMember.values()].every((o) => o.role === 'path' && o.position === undefined)));
  });
});

describe('DemoCluster: clock, seed and size', () => {
  it('is deterministic in clock and seed; the seed only moves the load noise', () => {
    assert.deepEqual(stream('database', { cycles: 2 }), stream('database', { cycles: 2 }));
    const a = stream('database', { seed: 1 })[50]!.byMember.get('pg-2')!;
    const b = stream('database', { seed: 2 })[50]!.byMember.get('pg-2')!;
    assert.notEqual(a.load, b.load);
    assert.deepEqual({ ...a, load: 0 }, { ...b, load: 0 });
  });

  it('repeats the story every cycle, with the leader position still advancing', () => {
    const rounds = stream('database', { cycles: 2 });
    const first = rounds[50]!.byMember.get('pg-3')!;
    const second = rounds[170]!.byMember.get('pg-3')!;
    assert.equal(second.lagBytes, first.lagBytes);
    assert.ok(second.position! > first.position!);
  });

  it('walks the same story at another speed (simulated seconds scale with it)', () => {
    const slow = stream('cache');
    const fast = stream('cache', { speed: 4 });
    assert.deepEqual(
      fast.map((r) => r.sourceUp),
      slow.map((r) => r.sourceUp),
    );
  });

  it('tells the story with more members', () => {
    const rounds = stream('database', { members: 5 });
    assert.equal(rounds[0]!.byMember.size, 5);
    const pg5 = of(rounds, 'pg-5').map((x) => x.o!);
    assert.ok(pg5.some((o) => o.lagBytes! > TOLERANCE_BYTES) && pg5[pg5.length - 1]!.lagBytes === 0);
  });
});
