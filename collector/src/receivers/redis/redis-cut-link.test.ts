/**
 * Issue 17 from captured INFO (testdata/capture-cut-link.ts): a replica cut
 * from its primary only, while the collector reaches both. Each round goes
 * through the receiver's RoundMemory into a real RecoveryEngine with the
 * default tolerances (5 s, 1 MiB): the replica is lagging from the first
 * silent second past the tolerance, stays lagging when the link times out
 * with a byte lag far below 1 MiB, and its lag keeps growing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GROUP_DEFAULTS } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import type { Observation } from '../../model/types';
import { RecordingSink } from '../../testing/recording-sink';
import type { ProbeOutcome } from '../shared/probe-loop';
import { RoundMemory } from '../shared/round-memory';
import type { RedisNodeConfig } from './config';
import { observationsOfRound, type RedisNodeAnswer } from './redis-observations';
import { parseReplicationInfo } from './replication-info';
import { fixture } from './testdata/fixtures';

const T0 = 1_700_000_000_000;
const addresses = JSON.parse(readFileSync(join(__dirname, 'testdata', 'cut-nodes.json'), 'utf8')) as Record<string, string>;
const nodes: RedisNodeConfig[] = ['primary', 'replica'].map((member) => {
  const [host, port] = addresses[member]!.split(':') as [string, string];
  return { member, address: addresses[member]!, host, port: Number(port), dependencies: {} };
});

function answered(file: string, atMillis: number): ProbeOutcome<RedisNodeAnswer> {
  return { kind: 'answered', answer: { replication: parseReplicationInfo(fixture(file)) }, atMillis };
}

/** The captured moments, at the second they were captured (the cut at 0 s). */
const moments: [seconds: number, stage: 'before' | 'silent' | 'link-down'][] = [
  [-2, 'before'],
  [-1, 'before'],
  [7, 'silent'],
  [12, 'link-down'],
];

function replay(): { sink: RecordingSink; engine: RecoveryEngine; states: ReturnType<RecoveryEngine['tick']>[number][] } {
  let now = T0;
  const engine = new RecoveryEngine({
    groups: [{ ...GROUP_DEFAULTS, name: 'cache', rtoMillis: 60_000, holdDownMillis: 2_000, freshnessMillis: 3_000, receivers: [] }],
    now: () => now,
  });
  const memory = new RoundMemory();
  const listedByMaster = new Set<string>();
  const sink = new RecordingSink();
  const states = [];
  for (const [seconds, stage] of moments) {
    now = T0 + seconds * 1000;
    const outcomes = [answered(`info-replication-cut-master-${stage}.txt`, now), answered(`info-replication-cut-replica-${stage}.txt`, now)];
    const before = sink.observations.length;
    memory.deliver(
      sink,
      observationsOfRound({
        group: 'cache',
        source: 'redis/cache',
        nodes,
        outcomes,
        lastRoles: memory.lastRoles,
        previousLeader: memory.previousLeader,
        tls: false,
        listedByMaster,
      }),
    );
    for (const o of sink.observations.slice(before)) engine.observe(o);
    states.push(engine.tick()[0]!);
  }
  return { sink, engine, states };
}

const replicaAt = (observations: Observation[], index: number): Observation => observations.filter((o) => o.member === 'replica')[index]!;

describe('a replica cut from its primary (captured INFO)', () => {
  it("reads the link: up and acknowledging, up but silent (the master's lag=), down", () => {
    const { sink } = replay();
    assert.deepEqual(replicaAt(sink.observations, 1).replicationLink, { up: true, silentForSeconds: 1 });
    assert.deepEqual(replicaAt(sink.observations, 2).replicationLink, { up: true, silentForSeconds: 7 });
    const down = replicaAt(sink.observations, 3);
    assert.equal(down.replicationLink?.up, false);
    assert.equal(down.replicationLink?.downForSeconds, 2);
    assert.ok(down.lagBytes! > 0 && down.lagBytes! < 1024 * 1024, `byte lag ${down.lagBytes} is far under the 1 MiB tolerance`);
  });

  it("without the master's view, the replica's master_last_io_seconds_ago counts only beyond the 10 s ping period", () => {
    const alone = (text: string) => {
      const outcomes: ProbeOutcome<RedisNodeAnswer>[] = [
        { kind: 'timeout', error: 'no answer within 1000ms', atMillis: T0 },
        { kind: 'answered', answer: { replication: parseReplicationInfo(text) }, atMillis: T0 },
      ];
      return observationsOfRound({ group: 'cache', source: 'redis/cache', nodes, outcomes, lastRoles: new Map(), previousLeader: undefined, tls: false })
        .observations[0]!;
    };
    const silent = fixture('info-replication-cut-replica-silent.txt');
    assert.match(silent, /master_last_io_seconds_ago:6\r?\n/);
    assert.deepEqual(alone(silent).replicationLink, { up: true }, 'an idle master may be quiet for 6 s');
    assert.deepEqual(alone(silent.replace(/master_last_io_seconds_ago:6/, 'master_last_io_seconds_ago:12')).replicationLink, {
      up: true,
      silentForSeconds: 12,
    });
  });

  it('the master dropped the replica (its repl-timeout) while the replica still says up: down, not converged', () => {
    const listedByMaster = new Set<string>();
    const roundAt = (master: string, replica: string) =>
      observationsOfRound({
        group: 'cache',
        source: 'redis/cache',
        nodes,
        outcomes: [answered(master, T0), answered(replica, T0)],
        lastRoles: new Map(),
        previousLeader: undefined,
        tls: false,
        listedByMaster,
      }).observations[1]!;
    // Never listed (e.g. behind NAT): no claim from a missing line.
    assert.equal(roundAt('info-replication-cut-master-link-down.txt', 'info-replication-cut-replica-silent.txt').replicationLink?.up, true);
    assert.equal(roundAt('info-replication-cut-master-silent.txt', 'info-replication-cut-replica-silent.txt').replicationLink?.up, true);
    assert.deepEqual(roundAt('info-replication-cut-master-link-down.txt', 'info-replication-cut-replica-silent.txt').replicationLink, { up: false });
  });

  it('keeps the lag growing from the last known lag across the link-down moment (not restarting at 0)', () => {
    const { sink } = replay();
    const silent = replicaAt(sink.observations, 2);
    const down = replicaAt(sink.observations, 3);
    assert.equal(silent.lagSeconds, 7);
    // 7 s at +7 s, then 5 s more: 12 s, where master_link_down_since_seconds says 2.
    assert.equal(down.lagSeconds, 12);
  });

  it('is lagging with a reason naming the link, never converged, and the group never stabilizing or healthy', () => {
    const { states } = replay();
    const replica = (i: number) => states[i]!.members.find((m) => m.member === 'replica')!;
    assert.equal(replica(1).status, 'converged');
    assert.equal(replica(2).status, 'lagging');
    assert.match(replica(2).reason!, /^replication link silent for 7s/);
    assert.equal(replica(3).status, 'lagging');
    assert.match(replica(3).reason!, /^replication link down for 2s; behind the leader by at least 12\.0s \/ \d+ bytes$/);
    for (const state of states.slice(2)) {
      assert.ok(!['healthy', 'stabilizing'].includes(state.phase), `phase ${state.phase}`);
      assert.equal(state.hiddenInstability, true);
    }
  });
});
