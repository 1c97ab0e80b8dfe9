/**
 * Full resync as its own story (issue 14), against real Redis: a replica detached
 * while ~12 MB of incompressible data is written, then re-attached through a
 * 2 MB/s throttling proxy with disk-based sync (so the size is announced). The
 * real Redis receiver feeds a real engine ticking each second.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import { waitFor } from '../../testing/processes';
import { startRedisReplicaSet, type RedisReplicaSet } from '../../testing/redis-replica-set';
import { ThrottlingProxy } from '../../testing/throttling-proxy';
import { parseRedisConfig } from './config';
import { RedisReceiver } from './redis-receiver';

const RATE = 2_000_000;

describe('Redis full resync through a 2 MB/s link', { timeout: 120_000 }, () => {
  let set: RedisReplicaSet;
  let proxy: ThrottlingProxy;
  let receiver: RedisReceiver | undefined;
  let timer: NodeJS.Timeout | undefined;
  const states: { atMillis: number; state: GroupState }[] = [];

  before(async () => {
    set = await startRedisReplicaSet({ replicas: 1, extraArgs: ['--repl-diskless-sync', 'no'] });
    proxy = new ThrottlingProxy({ target: { host: '127.0.0.1', port: set.primary.port }, bytesPerSecond: RATE });
    const replica = set.replicas[0]!;
    await set.cli(replica, 'REPLICAOF', 'NO', 'ONE');
    const client = new Redis({ host: '127.0.0.1', port: set.primary.port, lazyConnect: true });
    try {
      await client.connect();
      for (let i = 0; i < 24; i++) await client.set(`resync:${i}`, randomBytes(375_000).toString('base64'));
    } finally {
      client.disconnect();
    }
    // The replica knows its primary by the proxy's address: the config names the primary by it too.
    const proxyPort = await proxy.start();
    const config = parseRedisConfig(
      {
        nodes: [
          { member: 'primary', address: `127.0.0.1:${proxyPort}`, role: 'leader' },
          { member: 'replica', address: replica.address },
        ],
        interval: '1s',
      },
      'redis',
    );
    const group: GroupConfig = { ...GROUP_DEFAULTS, name: 'cache', freshnessMillis: 6_000, holdDownMillis: 2_000, receivers: [] };
    const engine = new RecoveryEngine({ groups: [group] });
    receiver = new RedisReceiver('cache', config, { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now });
    await receiver.start(engine);
    timer = setInterval(() => states.push({ atMillis: Date.now(), state: engine.tick()[0]! }), 1000);
    await set.cli(replica, 'REPLICAOF', '127.0.0.1', String(proxyPort));
    await waitFor(
      'the replica converged after its full resync',
      90_000,
      () =>
        states.some((s) => s.state.members.some((m) => /full resync/.test(m.reason ?? ''))) &&
        states.at(-1)?.state.members.every((m) => m.status === 'converged')
          ? true
          : undefined,
      200,
    );
  });

  after(async () => {
    if (timer !== undefined) clearInterval(timer);
    await receiver?.stop().catch(() => undefined);
    await proxy?.close();
    await set?.close();
  });

  const replicaOf = (s: GroupState) => s.members.find((m) => m.member === 'replica')!;
  const resyncing = () => states.filter((s) => /^full resync from the leader: .* of .* received \(\d+ %\)$/.test(replicaOf(s.state).reason ?? ''));

  it('says "full resync" with the bytes received, and names it as the finding', () => {
    assert.ok(resyncing().length >= 3, `${resyncing().length} ticks in full resync`);
    for (const { state } of resyncing()) {
      assert.equal(replicaOf(state).status, 'lagging');
      assert.equal(replicaOf(state).lagSeconds, null);
      assert.equal(state.findings.find((f) => f.members.includes('replica'))?.cause, 'full_resync');
    }
  });

  it('follows the bytes transferred: progress rises, and is never "behind the leader by" megabytes', () => {
    const progress = resyncing().map((s) => s.state.progress);
    assert.ok(progress.at(-1)! > progress[0]!, `progress ${progress.join(', ')}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]! - 1e-9, `progress never falls: ${progress.join(', ')}`);
    // From the first tick the transfer shows (the handshake before it cannot tell a full from a partial resync) to the end.
    const first = states.indexOf(resyncing()[0]!);
    for (const { state } of states.slice(first)) assert.doesNotMatch(replicaOf(state).reason ?? '', /behind the leader by .*\d{7,} bytes/);
  });

  it('gets its ETA from the transfer rate: between a quarter and three quarters of the transfer, within ±25 % (+1 s) of what was left', () => {
    const percent = (s: GroupState) => Number(/\((\d+) %\)$/.exec(replicaOf(s).reason ?? '')?.[1]);
    const middle = resyncing().filter((s) => percent(s.state) >= 25 && percent(s.state) <= 75);
    assert.ok(middle.length >= 2, `${middle.length} ticks between 25 % and 75 %`);
    // Ticks see the transfer end between its last tick in resync and the first one after.
    const lastIn = resyncing().at(-1)!.atMillis;
    const firstAfter = states.find((s) => s.atMillis > lastIn)!.atMillis;
    for (const s of middle) {
      assert.notEqual(s.state.etaSeconds, null, `an ETA at ${percent(s.state)} %`);
      const atLeast = (lastIn - s.atMillis) / 1000;
      const atMost = (firstAfter - s.atMillis) / 1000;
      assert.ok(
        s.state.etaSeconds! >= 0.75 * atLeast - 1 && s.state.etaSeconds! <= 1.25 * atMost + 1,
        `ETA ${s.state.etaSeconds}s at ${percent(s.state)} %, the transfer had ${atLeast}–${atMost}s left`,
      );
    }
  });
});
