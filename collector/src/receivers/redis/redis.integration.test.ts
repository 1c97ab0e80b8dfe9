/**
 * The Redis receiver against real redis-server processes (a primary and two
 * replicas on spare loopback ports, from testing/redis-replica-set.ts), through
 * the real RecoveryEngine (the last one through a whole Collector loaded from
 * YAML, read over its HTTP API). The scenarios share one replica set and run in
 * order; the split-brain one (it leaves two masters behind) comes last.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Collector } from '../../collector';
import type { GroupConfig } from '../../config/group-config';
import { parseConfigText } from '../../config/load';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import type { Observation } from '../../model/types';
import { waitFor } from '../../testing/processes';
import { RecordingSink } from '../../testing/recording-sink';
import { ServerProcess, sparePort } from '../../testing/processes';
import { startRedisReplicaSet, type RedisReplicaSet, type RedisTestNode } from '../../testing/redis-replica-set';
import type { ObservationSink } from '../receiver';
import { parseRedisConfig } from './config';
import { RedisReceiver } from './redis-receiver';

const INTERVAL_MILLIS = 250;
const TIMEOUT_MILLIS = 1_000;
const PASSWORD = 'redis-Monitor-pw-4b8e1';
const SOURCE = 'redis/cache';

let set: RedisReplicaSet;
let primary: RedisTestNode;
let replica1: RedisTestNode;
let replica2: RedisTestNode;

/** A receiver feeding a real engine, ticked every interval; everything it saw is kept. */
interface Watch {
  engine: RecoveryEngine;
  states: GroupState[];
  observations: Observation[];
  /** Per round: the members observed in it (one entry per sourceUp call). */
  rounds: { up: boolean; members: string[] }[];
  logger: ReturnType<typeof createMemoryLogger>;
  latest(): GroupState;
  member(name: string): GroupState['members'][number];
  stop(): Promise<void>;
}

async function watch(options: { redis?: Record<string, unknown>; group?: Partial<GroupConfig>; nodes?: RedisTestNode[] } = {}): Promise<Watch> {
  const raw = {
    nodes: (options.nodes ?? set.nodes).map((n) => ({ member: n.name, address: n.address, dependencies: { 'host.name': n.name } })),
    timeout: `${TIMEOUT_MILLIS}ms`,
    max_backoff: '1s',
    ...options.redis,
  };
  const config = parseRedisConfig(raw, 'groups[0].redis');
  const group: GroupConfig = {
    name: 'cache',
    rtoMillis: 60_000,
    holdDownMillis: 2_000,
    // Wider than 3 intervals: on a loaded CI machine a late round must not open an episode of its own.
    freshnessMillis: 6 * INTERVAL_MILLIS,
    lagToleranceSeconds: 5,
    lagToleranceBytes: 64 * 1024,
    progressWindowMillis: 30_000,
    stabilizationWindowMillis: 60_000,
    receivers: [{ type: 'redis', config }],
    ...options.group,
  };
  const engine = new RecoveryEngine({ groups: [group] });
  const logger = createMemoryLogger();
  const observations: Observation[] = [];
  const rounds: Watch['rounds'] = [];
  let pending: string[] = [];
  const sink: ObservationSink = {
    observe: (o) => {
      observations.push(o);
      pending.push(o.member);
      engine.observe(o);
    },
    declare: (g, members) => engine.declare(g, members),
    sourceUp: (source, up) => {
      rounds.push({ up, members: pending });
      pending = [];
      engine.sourceUp(source, up);
    },
  };
  const receiver = new RedisReceiver('cache', config, { intervalMillis: INTERVAL_MILLIS, logger, now: Date.now });
  const states: GroupState[] = [];
  await receiver.start(sink);
  const ticker = setInterval(() => states.push(engine.tick()[0]!), INTERVAL_MILLIS);
  const latest = (): GroupState => states.at(-1) ?? engine.tick()[0]!;
  return {
    engine,
    states,
    observations,
    rounds,
    logger,
    latest,
    member: (name) => latest().members.find((m) => m.member === name)!,
    async stop() {
      clearInterval(ticker);
      await receiver.stop();
    },
  };
}

async function healthy(w: Watch, what = 'the group to be healthy'): Promise<void> {
  await waitFor(what, 30_000, () => w.states.at(-1)?.phase === 'healthy');
}

function lastOf(w: Watch, member: string): Observation | undefined {
  return [...w.observations].reverse().find((o) => o.member === member);
}

/** Phases in order with repeats collapsed. */
function phaseRuns(states: readonly GroupState[]): string[] {
  return states.map((s) => s.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
}

function isSubsequence(wanted: readonly (string | string[])[], seen: readonly string[]): boolean {
  let at = 0;
  for (const phase of seen) if (at < wanted.length && [wanted[at]!].flat().includes(phase)) at++;
  return at === wanted.length;
}

describe('Redis receiver against a primary and two real replicas', { timeout: 120_000 }, () => {
  before(async () => {
    set = await startRedisReplicaSet({ replicas: 2, extraArgs: ['--repl-diskless-sync-delay', '0'] });
    [primary, replica1, replica2] = set.nodes as [RedisTestNode, RedisTestNode, RedisTestNode];
    await set.cli(primary, 'SET', 'greeting', 'hello');
    await set.waitForSync();
  });

  after(async () => {
    await set?.close();
  });

  it('reports offsets as positions, same-round lag bytes and the followed primary', async () => {
    const w = await watch();
    try {
      await healthy(w);
      await set.cli(primary, 'SET', 'more', 'x'.repeat(1000));
      await set.waitForSync();
      const offset = Number((await set.replicationInfo(primary))['master_repl_offset']);
      await waitFor('a round with every node at the new offset', 20_000, () =>
        ['primary', 'replica1', 'replica2'].every((m) => lastOf(w, m)?.position === offset),
      );
      const last = (m: string): Observation => lastOf(w, m)!;
      assert.equal(last('primary').role, 'leader');
      assert.equal(last('primary').serving, true);
      for (const m of ['replica1', 'replica2']) {
        assert.equal(last(m).role, 'replica');
        assert.equal(last(m).followsLeader, 'primary');
        assert.equal(last(m).lagBytes, 0);
        // Seconds since the replica's last ack (sent every second): 0–1, more on a loaded machine.
        assert.ok(last(m).lagSeconds !== undefined && last(m).lagSeconds! < 5, `lag= from the master: ${last(m).lagSeconds}`);
        assert.equal(last(m).permissionFingerprint, last('primary').permissionFingerprint);
      }
      assert.deepEqual(
        w.latest().members.map((m) => [m.member, m.status]),
        [
          ['primary', 'converged'],
          ['replica1', 'converged'],
          ['replica2', 'converged'],
        ],
      );
      assert.equal(w.engine.sourceStates().get(SOURCE), true);
    } finally {
      await w.stop();
    }
  });

  it('ACL SETUSER on the primary only: permission drift naming both replicas and what differs, gone when the replicas match', async () => {
    const w = await watch();
    try {
      await healthy(w);
      await set.cli(primary, 'ACL', 'SETUSER', 'app', 'on', '>app-pw', '~app:*', '+get', '+set');
      await waitFor('drift on both replicas', 20_000, () => w.states.at(-1)?.driftedMembers.join(',') === 'replica1,replica2');
      assert.equal(w.member('replica1').permissionDrift, true);
      assert.equal(w.member('primary').permissionDrift, false);
      // The finding names what differs, read from the nodes' own ACL LIST, and no secret.
      const drift = w.states.at(-1)!.findings.find((f) => f.cause === 'permission_drift')!;
      assert.deepEqual(drift.members, ['replica1', 'replica2']);
      assert.match(drift.summary, /replica1 permissions differ from primary: user app exists only on primary/);
      assert.doesNotMatch(JSON.stringify(drift), /app-pw|#[0-9a-f]{16}/);
      await set.cli(set.replicas[0]!, 'ACL', 'SETUSER', 'app', 'on', '>other-pw', '~app:*', '+get');
      await waitFor('replica1: the same user with another password and a command less', 20_000, () =>
        /user app on replica1: password differs, lacks \+set/.test(w.states.at(-1)!.findings.find((f) => f.cause === 'permission_drift')?.summary ?? ''),
      );
      await set.cli(set.replicas[0]!, 'ACL', 'DELUSER', 'app');
      for (const replica of set.replicas) await set.cli(replica, 'ACL', 'SETUSER', 'app', 'on', '>app-pw', '~app:*', '+get', '+set');
      await waitFor('no drift once the replicas have the same user', 20_000, () => w.states.at(-1)?.driftedMembers.length === 0);
    } finally {
      await w.stop();
    }
  });

  it('ACL LIST once per permissions_interval, carried with its read time; ACL SETUSER seen in the next round (INFO commandstats)', async () => {
    const config = parseRedisConfig({ nodes: set.nodes.map((n) => ({ member: n.name, address: n.address })), timeout: '1s' }, 'groups[1].redis');
    const receiver = new RedisReceiver('cadence', config, { intervalMillis: INTERVAL_MILLIS, logger: createMemoryLogger(), now: Date.now });
    const own = new RecordingSink();
    const aclListCalls = async (node: RedisTestNode) => Number(/cmdstat_acl\|list:calls=(\d+)/.exec(await set.cli(node, 'INFO', 'commandstats'))?.[1] ?? 0);
    try {
      await receiver.round(own);
      const first = own.latest('replica2')!;
      assert.equal(first.permissionObservedAtMillis, undefined, 'read in this round');
      const listsBefore = await aclListCalls(replica2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let i = 0; i < 3; i++) await receiver.round(own);
      assert.equal(await aclListCalls(replica2), listsBefore, 'no ACL LIST between permissions_interval reads');
      const carried = own.latest('replica2')!;
      assert.equal(carried.permissionFingerprint, first.permissionFingerprint);
      assert.ok(carried.permissionObservedAtMillis! < carried.observedAtMillis && carried.observedAtMillis - carried.permissionObservedAtMillis! < 30_000);

      await set.cli(replica2, 'ACL', 'SETUSER', 'cadence-auditor', 'on', '>auditor-pw', '~*', '+get');
      await receiver.round(own);
      const changed = own.latest('replica2')!;
      assert.notEqual(changed.permissionFingerprint, first.permissionFingerprint, 'seen in the round right after, not 30 s later');
      assert.equal(changed.permissionObservedAtMillis, undefined);
      assert.ok(changed.permissionEntries!.some((e) => e.subject === 'user cadence-auditor'));
      assert.equal(own.latest('replica1')!.permissionFingerprint, first.permissionFingerprint, 'the other nodes did not change');
      await set.cli(replica2, 'ACL', 'DELUSER', 'cadence-auditor');
      await receiver.round(own);
      assert.equal(own.latest('replica2')!.permissionFingerprint, first.permissionFingerprint);
    } finally {
      await receiver.stop();
    }
  });

  it('a hung replica (SIGSTOP) never delays the others; it goes unknown and the source down until SIGCONT', async () => {
    const w = await watch();
    try {
      await healthy(w);
      const roundsBefore = w.rounds.length;
      set.pause(replica1);
      let roundsAtResume: number;
      try {
        await waitFor('replica1 unknown after the freshness window', 20_000, () => w.member('replica1').status === 'unknown');
        await waitFor('recovery_source_up false', 20_000, () => w.engine.sourceStates().get(SOURCE) === false);
        await waitFor('three more rounds', 20_000, () => w.rounds.length >= roundsBefore + 4);
        assert.equal(w.member('primary').status, 'converged');
        assert.equal(w.member('replica2').status, 'converged');
      } finally {
        roundsAtResume = w.rounds.length;
        set.resume(replica1);
      }
      // Every round while replica1 hung (from its timeout on; before it, it still counts as answering) observed the other two.
      const firstDown = w.rounds.findIndex((r, i) => i > roundsBefore && !r.up);
      const hung = w.rounds.slice(firstDown, roundsAtResume);
      assert.ok(firstDown > roundsBefore && hung.length >= 3, `rounds while replica1 hung: ${hung.length}`);
      for (const r of hung) {
        assert.equal(r.up, false);
        assert.deepEqual(r.members, ['primary', 'replica2'], `round observed ${r.members.join(',')}`);
      }
      assert.ok(
        w.logger.lines.some((l) => /no answer within 1000ms/.test(l)),
        'the hang is logged',
      );
      await healthy(w, 'the group healthy again after SIGCONT');
      await waitFor('recovery_source_up true again', 20_000, () => w.engine.sourceStates().get(SOURCE) === true);
    } finally {
      await w.stop();
    }
  });

  it('a hung replica does not age its group-mates: at a 1 s interval their observation age stays below 1.5 s', async (t) => {
    const intervalSeconds = 1;
    // Ticks every 250 ms sample the ages; the probe interval is 1 s, the probe timeout 1 s as above.
    const w = await watch({ redis: { interval: `${intervalSeconds}s` }, group: { freshnessMillis: 3_000 } });
    try {
      await healthy(w);
      set.pause(replica1);
      const from = w.states.length;
      try {
        // Several rounds of the hung node's timeout and backoff.
        await waitFor('five probe intervals with replica1 hung', 30_000, () => w.states.length >= from + 20);
      } finally {
        set.resume(replica1);
      }
      const ages = w.states.slice(from).flatMap((s) => s.members.filter((m) => m.member !== 'replica1').map((m) => m.observationAgeSeconds ?? Infinity));
      const oldest = Math.max(...ages);
      t.diagnostic(`oldest healthy-member observation age while replica1 hung: ${oldest} s`);
      assert.ok(oldest < 1.5 * intervalSeconds, `a healthy member aged ${oldest} s while replica1 hung (ages: ${ages.join(', ')})`);
      assert.ok(
        w.states.slice(from).every((s) => s.members.find((m) => m.member === 'replica2')!.status === 'converged'),
        'replica2 stayed converged',
      );
      await healthy(w, 'the group healthy again after SIGCONT');
    } finally {
      await w.stop();
    }
  });

  it('stop a replica, write, restart: healthy → degraded → recovering → stabilizing → healthy, one episode', async () => {
    // More writes than the backlog holds force a full sync, held 2 s by the diskless delay: long enough to see lag.
    await set.cli(primary, 'CONFIG', 'SET', 'repl-backlog-size', '16384');
    await set.cli(primary, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '2');
    const w = await watch();
    const writer = new Redis({ host: '127.0.0.1', port: primary.port, lazyConnect: true });
    try {
      await healthy(w);
      await set.stop(replica2);
      await waitFor('replica2 unreachable', 20_000, () => w.member('replica2').status === 'unreachable');
      await writer.connect();
      const pipeline = writer.pipeline();
      for (let i = 0; i < 40; i++) pipeline.set(`bulk:${i}`, 'v'.repeat(50_000));
      await pipeline.exec();
      await set.start(replica2);
      await waitFor('the episode to complete', 40_000, () => w.engine.episodes().some((e) => e.endMillis !== null));
      await healthy(w);

      const runs = phaseRuns(w.states);
      assert.ok(isSubsequence(['healthy', ['degraded', 'unknown'], 'recovering', 'stabilizing', 'healthy'], runs), `phases: ${runs.join(' → ')}`);
      const lags = w.states.map((s) => s.members.find((m) => m.member === 'replica2')!.lagBytes).filter((l): l is number => l !== null);
      const peak = Math.max(...lags);
      assert.ok(peak > 2_000_000 - 100_000, `peak lag ${peak} bytes: the writes replica2 missed`);
      assert.equal(lags.at(-1), 0, 'lag drained');
      const progress = w.states.map((s) => s.progress);
      const lowest = Math.min(...progress);
      assert.ok(lowest < 1 && progress.at(-1) === 1, `progress from ${lowest} to ${progress.at(-1)}`);
      assert.ok(progress.indexOf(lowest) < progress.lastIndexOf(1));

      const episodes = w.engine.episodes();
      assert.equal(episodes.length, 1, JSON.stringify(episodes));
      const [episode] = episodes as [(typeof episodes)[number]];
      assert.ok(episode.durationSeconds !== null && episode.durationSeconds >= 1 && episode.durationSeconds < 30, `duration ${episode.durationSeconds}s`);
      assert.deepEqual(episode.membersAffected, ['replica2']);
      assert.ok(episode.phases.some((p) => p.phase === 'recovering'));
    } finally {
      writer.disconnect();
      await w.stop();
      await set.cli(primary, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
    }
  });

  it('REPLICAOF NO ONE on a replica while the primary runs: through a Collector from YAML, that replica diverged, named in the API reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-redis-collector-'));
    const yaml = [
      'interval: 250ms',
      'listen: { metrics: 127.0.0.1:0, otlp: 127.0.0.1:0 }',
      `store: ${join(dir, 'rebound.db')}`,
      'groups:',
      '  - name: cache',
      '    hold_down: 2s',
      '    lag_tolerance_bytes: 65536',
      '    redis:',
      `      timeout: ${TIMEOUT_MILLIS}ms`,
      '      nodes:',
      ...set.nodes.map((n) => `        - { member: ${n.name}, address: ${n.address} }`),
    ].join('\n');
    const collector = new Collector({ config: parseConfigText(yaml, 'redis-test.yaml'), logger: createMemoryLogger() });
    const { metrics } = await collector.start();
    const api = async (path: string): Promise<string> => (await fetch(`http://127.0.0.1:${metrics.port}${path}`)).text();
    type ApiGroup = { name: string; phase: string; members: { member: string; status: string; reason?: string | null }[] };
    const group = async (): Promise<ApiGroup> => (JSON.parse(await api('/api/v1/groups')) as { groups: ApiGroup[] }).groups.find((g) => g.name === 'cache')!;
    try {
      await waitFor('the group healthy in the API', 20_000, async () => (await group()).phase === 'healthy');
      assert.match(await api('/metrics'), /recovery_source_up\{source="redis\/cache"\} 1/);
      await set.promote(replica2);
      await waitFor('replica2 diverged in the API', 20_000, async () => (await group()).members.find((m) => m.member === 'replica2')?.status === 'diverged');
      const members = (await group()).members;
      const rival = members.find((m) => m.member === 'replica2')!;
      assert.match(JSON.stringify(rival), /split brain: replica2 claims leader while primary \(followed by replica1\) is also leader/);
      assert.equal(members.find((m) => m.member === 'primary')!.status, 'converged');
      assert.equal(members.find((m) => m.member === 'replica1')!.status, 'converged');
      assert.notEqual((await group()).phase, 'healthy');
      assert.match(await api('/metrics'), /recovery_member_status\{group="cache",member="replica2",status="diverged"\} 1/);
    } finally {
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Redis receiver with requirepass and a least-privilege ACL user, passwords from ${ENV}', { timeout: 60_000 }, () => {
  const ADMIN_PASSWORD = 'redis-Admin-pw-93c1d';
  let server: ServerProcess;
  let node: RedisTestNode;
  let dir: string;
  const watches: Watch[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-redis-auth-'));
    const port = await sparePort();
    node = { name: 'cache-a', port, address: `127.0.0.1:${port}` };
    server = new ServerProcess(
      'redis auth',
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', ADMIN_PASSWORD],
      dir,
    );
    const admin = new Redis({ host: '127.0.0.1', port, password: ADMIN_PASSWORD, lazyConnect: true, retryStrategy: () => 200 });
    admin.on('error', () => undefined); // refused until the server listens; waitFor retries
    await waitFor('the redis-server with requirepass', 20_000, async () => (await admin.ping()) === 'PONG');
    // The monitoring user of README.md, verbatim.
    await admin.call('ACL', 'SETUSER', 'rebound', 'on', `>${PASSWORD}`, '-@all', '+info', '+acl|list', '+ping');
    await admin.call('ACL', 'SETUSER', 'rebound-no-acl', 'on', `>${PASSWORD}`, '-@all', '+info', '+ping');
    admin.disconnect();
  });

  after(async () => {
    for (const w of watches) await w.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    delete process.env['REBOUND_TEST_REDIS_PASSWORD'];
  });

  async function watchAs(username: string | undefined, password: string): Promise<Watch> {
    process.env['REBOUND_TEST_REDIS_PASSWORD'] = password;
    const auth = { ...(username ? { username } : {}), password: '${REBOUND_TEST_REDIS_PASSWORD}' };
    const w = await watch({ nodes: [node], redis: auth });
    watches.push(w);
    return w;
  }

  it('probes as the ACL user rebound (+info +acl|list +ping) and via requirepass', async () => {
    const user = await watchAs('rebound', PASSWORD);
    await healthy(user, 'the node probed as rebound');
    assert.ok(user.observations.length > 0 && user.observations.every((o) => o.reachable && o.permissionFingerprint !== undefined));
    await user.stop();
    const requirepass = await watchAs(undefined, ADMIN_PASSWORD);
    await healthy(requirepass, 'the node probed with requirepass');
    await requirepass.stop();
  });

  it('a wrong password: the node error is logged, the source is down, no observation', async () => {
    const bad = await watchAs('rebound', `${PASSWORD}-wrong`);
    await waitFor('the auth failure to be logged', 20_000, () => bad.logger.lines.some((l) => /WRONGPASS/.test(l)));
    await waitFor('recovery_source_up false', 20_000, () => bad.engine.sourceStates().get(SOURCE) === false);
    assert.equal(bad.observations.length, 0);
    await bad.stop();
  });

  it('without +acl|list: one warning, probed anyway, no fingerprint', async () => {
    const noAcl = await watchAs('rebound-no-acl', PASSWORD);
    await healthy(noAcl, 'the node probed without ACL LIST');
    assert.ok(noAcl.observations.every((o) => o.permissionFingerprint === undefined));
    assert.equal(noAcl.logger.lines.filter((l) => /ACL LIST not permitted/.test(l)).length, 1);
    await noAcl.stop();
  });

  it('no password appears in logs, observations, states, episodes or errors', () => {
    assert.ok(watches.length >= 4);
    const printed = watches
      .flatMap((w) => [...w.logger.lines, JSON.stringify(w.observations), JSON.stringify(w.states), JSON.stringify(w.engine.episodes())])
      .join('\n');
    assert.ok(printed.includes('WRONGPASS'), 'the errors were captured');
    for (const secret of [PASSWORD, ADMIN_PASSWORD]) assert.ok(!printed.includes(secret), 'a password leaked');
  });
});
