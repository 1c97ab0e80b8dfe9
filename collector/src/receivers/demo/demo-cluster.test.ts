import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecoveryEngine } from '../../engine/engine';
import type { GroupState } from '../../model/group-state';
import type { Phase } from '../../model/types';
import { parseDemoConfig, DEMO_SCENARIOS } from './config';
import { DemoCluster } from './demo-cluster';
import { defaultDemoGroups } from './default-groups';
import { ConfigError } from '../../config/config-error';

/** Run the default demo groups through the real engine on a fake clock, one tick per second. */
function runDemo(seconds: number, speed = 1) {
  const start = 1_700_000_000_000;
  let now = start;
  const groups = defaultDemoGroups(speed);
  const engine = new RecoveryEngine({ groups, now: () => now });
  const clusters = groups.map((g) => {
    const config = g.receivers[0]!.config as { scenario: string; speed: number; seed: number };
    return new DemoCluster(g.name, DEMO_SCENARIOS[config.scenario]!, speed, start, config.seed);
  });
  const history = new Map<string, GroupState[]>(groups.map((g) => [g.name, []]));
  for (let s = 0; s < seconds; s++) {
    now = start + s * 1000;
    for (const cluster of clusters) for (const o of cluster.observe(now, 'demo')) engine.observe(o);
    for (const state of engine.tick()) history.get(state.name)!.push(state);
  }
  return { engine, history };
}

describe('demo cluster', () => {
  const { engine, history } = runDemo(2 * 120);
  const all = [...history.values()].flat();
  const phasesOf = (group: string) => new Set(history.get(group)!.map((s) => s.phase));

  it('shows every phase within two cycles', () => {
    const seen = new Set(all.map((s) => s.phase));
    for (const phase of ['healthy', 'degraded', 'recovering', 'partial', 'stabilizing', 'unknown'] satisfies Phase[]) {
      assert.ok(seen.has(phase), `phase ${phase} appears`);
    }
  });

  it('tells the database story: failover, stalled partial recovery, drift, relapse, over RTO', () => {
    const db = history.get('orders-db')!;
    assert.deepEqual(
      ['degraded', 'partial', 'recovering', 'stabilizing', 'healthy'].filter((p) => phasesOf('orders-db').has(p as Phase)).length,
      5,
    );
    assert.ok(db.some((s) => s.driftedMembers.includes('pg-3')), 'permission drift names pg-3 after the promotion');
    assert.ok(db.some((s) => s.failoverLoadRatio !== null && s.failoverLoadRatio > 1.5), 'failover load on the promoted leader');
    assert.ok(db.some((s) => s.etaSeconds !== null && s.etaSeconds > 0), 'a positive ETA while a standby drains');
    assert.ok(db.some((s) => s.phase === 'partial' && s.etaSeconds === null && s.hiddenInstability), 'stalled partial recovery hides behind a serving leader');
    const [latest] = engine.episodes({ group: 'orders-db' }).filter((e) => e.endMillis !== null);
    assert.ok(latest, 'a completed episode');
    assert.ok(latest.durationSeconds! > latest.rtoSeconds, `over its RTO: ${latest.durationSeconds}s > ${latest.rtoSeconds}s`);
    assert.ok(latest.phases.filter((p) => p.phase === 'stabilizing').length >= 2, 'relapse inside the hold-down continues the episode');
    assert.equal(latest.permissionDriftSeen, true);
  });

  it('tells the cache story: shared zone, split brain, blind spot', () => {
    const cache = history.get('sessions-cache')!;
    assert.ok(cache.every((s) => s.independence.sharedDomains.some((d) => d.dimension === 'cloud.availability_zone' && d.value === 'eu-1a')));
    assert.ok(cache.some((s) => s.members.some((m) => m.status === 'diverged' && /split brain/.test(m.reason ?? ''))));
    assert.ok(phasesOf('sessions-cache').has('unknown'), 'the blind spot is unknown, not healthy');
    const completed = engine.episodes({ group: 'sessions-cache' }).filter((e) => e.endMillis !== null);
    assert.ok(completed.some((e) => e.durationSeconds! <= e.rtoSeconds), 'a recovery within RTO');
  });

  it('tells the paths story: two paths, one region, one drops', () => {
    const paths = history.get('edge-paths')!;
    assert.ok(paths.some((s) => s.members.some((m) => m.status === 'unreachable') && s.hiddenInstability));
    assert.ok(paths.every((s) => s.independence.effectivePaths === 1 && s.independence.sharedDomains.some((d) => d.value === 'eu-west')));
    assert.ok(phasesOf('edge-paths').has('stabilizing'));
  });

  it('exercises every derived signal', () => {
    assert.ok(all.some((s) => s.netStabilizationPerMinute > 0));
    assert.ok(all.some((s) => s.netStabilizationPerMinute < 0));
    assert.ok(all.some((s) => s.maxLagBytes !== null && s.maxLagBytes > 0 && s.maxLagSeconds! > 0));
    assert.ok(all.some((s) => s.permissionConsistency !== null && s.permissionConsistency < 1));
    assert.ok(all.some((s) => s.independence.ratio !== null && s.independence.ratio > 0 && s.independence.ratio < 1));
    assert.ok(all.some((s) => s.divergenceRatio > 0));
    assert.ok(all.some((s) => s.members.some((m) => m.observationAgeSeconds !== null && m.observationAgeSeconds > 3)));
  });

  it('reads the same at four times the speed', () => {
    const fast = runDemo(60, 4);
    const seen = new Set([...fast.history.values()].flat().map((s) => s.phase));
    for (const phase of ['degraded', 'recovering', 'partial', 'stabilizing', 'healthy']) assert.ok(seen.has(phase as Phase), phase);
  });
});

describe('parseDemoConfig', () => {
  it('rejects a typo naming the key', () => {
    assert.throws(() => parseDemoConfig({ scenaro: 'cache' }, 'groups[0].demo'), (e: unknown) => e instanceof ConfigError && e.keyPath === 'groups[0].demo.scenaro');
    assert.throws(() => parseDemoConfig({ scenario: 'kafka' }, 'groups[0].demo'), /expected one of database, cache, paths/);
  });
});
