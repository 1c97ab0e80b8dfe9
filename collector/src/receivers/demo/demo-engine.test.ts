import assert from 'node:assert/strict';
import { before, describe, it, mock } from 'node:test';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import { MEMBER_STATUSES, PHASES } from '../../model/types';
import type { DemoConfig } from './config';
import { defaultDemoGroups } from './default-groups';
import { demoReceiverFactory } from './factory';

const START = 1_700_000_000_000;
const CYCLE_SECONDS = 120;

interface Tick {
  second: number;
  states: GroupState[];
  sourcesDown: string[];
}

/**
 * The default demo groups through the real receivers and the real engine on a
 * fake clock: the receivers' timers and the engine's tick both fire once a second.
 */
async function runDefaultDemo(seconds: number, speed = 1) {
  mock.timers.enable({ apis: ['setInterval'] });
  let now = START;
  const groups = defaultDemoGroups(speed);
  const engine = new RecoveryEngine({ groups, now: () => now });
  const context = { intervalMillis: 1000, logger: createMemoryLogger(), now: () => now };
  const receivers = groups.map((g) => demoReceiverFactory.create(g.name, g.receivers[0]!.config as DemoConfig, context));
  try {
    for (const receiver of receivers) await receiver.start(engine);
    const ticks: Tick[] = [];
    for (let second = 0; second < seconds; second++) {
      if (second > 0) {
        now += 1000;
        mock.timers.tick(1000);
      }
      const states = [...engine.tick()];
      const sourcesDown = [...engine.sourceStates()].filter(([, up]) => !up).map(([source]) => source);
      ticks.push({ second, states, sourcesDown });
    }
    return { engine, ticks };
  } finally {
    for (const receiver of receivers) await receiver.stop();
    mock.timers.reset();
  }
}

/** Every signal of DESIGN.md §2.4 in a state that shows it doing something. */
const SIGNALS: Record<string, (s: GroupState) => boolean> = {
  'progress between 0 and 1': (s) => s.progress > 0 && s.progress < 1,
  'a positive ETA': (s) => s.etaSeconds !== null && s.etaSeconds > 0,
  'no ETA while unconverged (stalled or unknown)': (s) => s.phase !== 'healthy' && s.phase !== 'stabilizing' && s.etaSeconds === null,
  'elapsed episode time': (s) => s.elapsedSeconds > 0,
  'divergence ratio above 0': (s) => s.divergenceRatio > 0,
  'sync lag in seconds and bytes': (s) => (s.maxLagSeconds ?? 0) > 5 && (s.maxLagBytes ?? 0) > 1024 * 1024,
  'permission drift with members named': (s) => s.permissionConsistency !== null && s.permissionConsistency < 1 && s.driftedMembers.length > 0,
  'a shared failure domain named': (s) => s.independence.sharedDomains.length > 0,
  'independence ratio between 0 and 1': (s) => s.independence.ratio !== null && s.independence.ratio > 0 && s.independence.ratio < 1,
  'effective paths': (s) => (s.independence.effectivePaths ?? 0) >= 1,
  'hidden instability': (s) => s.hiddenInstability,
  'positive net stabilization': (s) => s.netStabilizationPerMinute > 0,
  'negative net stabilization': (s) => s.netStabilizationPerMinute < 0,
  'failover load above 1': (s) => s.failoverLoadRatio !== null && s.failoverLoadRatio > 1,
  'a stale member (observation age beyond freshness)': (s) => s.members.some((m) => (m.observationAgeSeconds ?? 0) > 3),
};

describe('the default demo through the real engine', () => {
  const cycles = 3;
  let engine: RecoveryEngine;
  let ticks: Tick[] = [];
  before(async () => ({ engine, ticks } = await runDefaultDemo(cycles * CYCLE_SECONDS)));
  const cycleTicks = (k: number) => ticks.filter((t) => Math.floor(t.second / CYCLE_SECONDS) === k);
  const statesOf = (k: number, group?: string) => cycleTicks(k).flatMap((t) => t.states.filter((s) => group === undefined || s.name === group));

  for (let k = 0; k < cycles; k++) {
    it(`cycle ${k + 1}: shows every phase`, () => {
      const seen = new Set(statesOf(k).map((s) => s.phase));
      assert.deepEqual(
        PHASES.filter((p) => !seen.has(p)),
        [],
      );
    });
    it(`cycle ${k + 1}: shows every member status`, () => {
      const seen = new Set(statesOf(k).flatMap((s) => s.members.map((m) => m.status)));
      assert.deepEqual(
        MEMBER_STATUSES.filter((st) => !seen.has(st)),
        [],
      );
    });
    it(`cycle ${k + 1}: shows every signal`, () => {
      const states = statesOf(k);
      assert.deepEqual(
        Object.keys(SIGNALS).filter((name) => !states.some(SIGNALS[name]!)),
        [],
      );
      assert.ok(
        cycleTicks(k).some((t) => t.sourcesDown.includes('demo/sessions-cache')),
        'a source reported down',
      );
    });
    it(`cycle ${k + 1}: something is not healthy most of the time`, () => {
      const busy = cycleTicks(k).filter((t) => t.states.some((s) => s.phase !== 'healthy')).length;
      assert.ok(busy / CYCLE_SECONDS >= 0.9, `${busy} of ${CYCLE_SECONDS} ticks`);
    });
  }

  it('orders-db: failover, drift named on the replicas, stalled partial recovery, over its RTO, relapse in the same episode', () => {
    const db = ticks.flatMap((t) => t.states.filter((s) => s.name === 'orders-db'));
    assert.ok(
      db.some((s) => s.phase === 'degraded' && !s.leaderServing),
      'no leader serving after pg-1 dies',
    );
    assert.ok(db.some((s) => s.leader === 'pg-2' && s.leaderServing && s.driftedMembers.includes('pg-3')));
    const drift = db.flatMap((s) => s.findings).find((f) => f.cause === 'permission_drift' && f.members.includes('pg-3'));
    assert.match(
      drift?.summary ?? '',
      /pg-3 permissions differ from pg-2: hba rule #4 hostssl reports auditor 10\.0\.2\.0\/24 exists only on pg-2; role auditor exists only on pg-2/,
    );
    assert.ok(
      db.some((s) => s.findings[0]?.cause === 'no_leader'),
      'no leader is the first finding while none serves',
    );
    assert.ok(
      db.some(
        (s) => s.phase === 'partial' && s.etaSeconds === null && s.hiddenInstability && s.members.find((m) => m.member === 'pg-1')!.status === 'unreachable',
      ),
    );
    assert.ok(db.some((s) => s.phase === 'recovering' && (s.etaSeconds ?? 0) > 0));
    const completed = engine.episodes({ group: 'orders-db' }).filter((e) => e.endMillis !== null);
    assert.equal(completed.length, cycles);
    for (const episode of completed) {
      assert.ok(episode.durationSeconds! > episode.rtoSeconds, `${episode.durationSeconds}s over the ${episode.rtoSeconds}s RTO`);
      assert.equal(episode.worstPhase, 'degraded');
      assert.ok(episode.phases.filter((p) => p.phase === 'stabilizing').length >= 2, 'a relapse inside the hold-down continues the episode');
      assert.ok(episode.permissionDriftSeen && episode.hiddenInstabilitySeen);
      assert.deepEqual([...episode.membersAffected].sort(), ['pg-1', 'pg-3']);
    }
    // Three zones and three hosts, but one PostgreSQL version: a version bug would hit every node at once.
    assert.ok(db.every((s) => s.independence.dimensions.find((d) => d.dimension === 'cloud.availability_zone')?.distinctValues === 3));
    assert.ok(db.every((s) => s.independence.sharedDomains.length === 1 && s.independence.sharedDomains[0]!.dimension === 'service.version'));
  });

  it('sessions-cache: split brain and a wrong leader are diverged, the blind spot is unknown, recoveries within RTO', () => {
    const cache = ticks.flatMap((t) => t.states.filter((s) => s.name === 'sessions-cache'));
    assert.ok(cache.every((s) => s.independence.sharedDomains.some((d) => d.dimension === 'cloud.availability_zone' && d.value === 'eu-1a')));
    const reasons = cache.flatMap((s) => s.members.filter((m) => m.status === 'diverged').map((m) => m.reason ?? ''));
    assert.ok(
      reasons.some((r) => /split brain/.test(r)),
      'split brain',
    );
    assert.ok(
      reasons.some((r) => /follows cache-c, not the leader cache-a/.test(r)),
      'wrong leader',
    );
    assert.ok(cache.some((s) => s.phase === 'unknown' && s.members.every((m) => m.status === 'unknown')));
    assert.ok(!cache.some((s) => s.phase === 'healthy' && s.members.some((m) => m.status !== 'converged')), 'never healthy unless all converged');
    const completed = engine.episodes({ group: 'sessions-cache' }).filter((e) => e.endMillis !== null);
    assert.ok(completed.length >= 2 * cycles - 1);
    assert.ok(completed.every((e) => e.durationSeconds! <= e.rtoSeconds));
  });

  it('edge-paths: one path drops while the other serves (hidden instability), back within RTO; one region', () => {
    const paths = ticks.flatMap((t) => t.states.filter((s) => s.name === 'edge-paths'));
    assert.ok(paths.some((s) => s.phase === 'degraded' && s.hiddenInstability && s.members.some((m) => m.status === 'unreachable')));
    assert.ok(paths.every((s) => s.independence.effectivePaths === 1 && s.independence.sharedDomains.some((d) => d.dimension === 'cloud.region')));
    const completed = engine.episodes({ group: 'edge-paths' }).filter((e) => e.endMillis !== null);
    assert.ok(completed.length >= cycles - 1 && completed.every((e) => e.durationSeconds! <= e.rtoSeconds));
  });
});

describe('the default demo at twice the speed', () => {
  let ticks: Tick[] = [];
  before(async () => ({ ticks } = await runDefaultDemo(CYCLE_SECONDS, 2)));
  it('still shows every phase within a (one-minute) cycle', () => {
    const seen = new Set(ticks.filter((t) => t.second < CYCLE_SECONDS / 2).flatMap((t) => t.states.map((s) => s.phase)));
    assert.deepEqual(
      PHASES.filter((p) => !seen.has(p)),
      [],
    );
  });
});
