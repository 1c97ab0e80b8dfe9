/**
 * How good is the ETA against a real catch-up? A Redis replica behind a
 * throttling proxy (testing/throttling-proxy.ts) is held while ~50 MB are
 * written to its primary, then released to catch up at a known, steady rate.
 * The real Redis receiver feeds several engines at `interval: 1s`, each ticking
 * at its own phase offset to the probe loop, so no single timer phase decides
 * the result. Ground truth: both nodes' `INFO replication` every 100 ms.
 * Used by the integration test and by `npm run bench`.
 */
import Redis from 'ioredis';
import { GROUP_DEFAULTS, type GroupConfig } from '../config/group-config';
import { RecoveryEngine } from '../engine/engine';
import { createMemoryLogger } from '../logger';
import type { GroupState } from '../model/group-state';
import type { ObservationSink } from '../receivers/receiver';
import { parseRedisConfig } from '../receivers/redis/config';
import { RedisReceiver } from '../receivers/redis/redis-receiver';
import { waitFor } from './processes';
import { startRedisReplicaSet, type RedisReplicaSet } from './redis-replica-set';
import { ThrottlingProxy } from './throttling-proxy';

export interface EtaAccuracyOptions {
  /** Replication stream rate through the proxy (default 2 MB/s). */
  bytesPerSecond?: number;
  /** What is written while the replica is held (default 50 MB). */
  writeBytes?: number;
  /** Tick phase offsets to the probe loop, ms in [0, 1000) (default 0, 250, 500, 750). */
  tickOffsetsMillis?: readonly number[];
  /**
   * How the replica is cut off while the data is written: `hold` (default) stops the proxy forwarding,
   * the link stays up; `disconnect` cuts the link, and the replica resumes with a partial resync.
   */
  cutOff?: 'hold' | 'disconnect';
}

/** The ETA one engine published at a truth progress point, against the time really left then. */
export interface EtaReading {
  /** Real progress of the catch-up: 0.25, 0.5, 0.75. */
  progress: number;
  /** What a reader saw at that instant: the last tick's deadline − that instant; null when there was no ETA. */
  etaSeconds: number | null;
  /** Real seconds left until the replica's offset reached the primary's. */
  actualSeconds: number;
  /** etaSeconds / actualSeconds − 1; null without an ETA. */
  error: number | null;
}

export interface EtaAccuracyResult {
  bytesBehind: number;
  catchUpSeconds: number;
  /** Per tick offset, the three readings. */
  runs: {
    tickOffsetMillis: number;
    readings: EtaReading[];
    /** The first tick with an ETA after the release: how far into the catch-up, what it said, what was really left. */
    firstEta: { afterSeconds: number; etaSeconds: number; actualSeconds: number } | null;
    etaWhileHeld: boolean;
    recoveringWhileHeld: boolean;
  }[];
  /** Mean error over the offsets at each progress point (null where any run had no ETA). */
  meanErrors: { progress: number; error: number | null }[];
}

interface TruthSample {
  atMillis: number;
  primaryOffset: number;
  replicaOffset: number;
}

interface TickRecord {
  atMillis: number;
  state: GroupState;
}

const INTERVAL_MILLIS = 1_000;
const PROGRESS_POINTS = [0.25, 0.5, 0.75];

export async function measureEtaAccuracy(options: EtaAccuracyOptions = {}): Promise<EtaAccuracyResult> {
  const bytesPerSecond = options.bytesPerSecond ?? 2_000_000;
  const writeBytes = options.writeBytes ?? 50_000_000;
  const offsets = options.tickOffsetsMillis ?? [0, 250, 500, 750];
  let set: RedisReplicaSet | undefined;
  let proxy: ThrottlingProxy | undefined;
  let receiver: RedisReceiver | undefined;
  const timers: NodeJS.Timeout[] = [];
  const clients: Redis[] = [];
  let sampling = true;
  let sampler: Promise<void> | undefined;
  try {
    // A backlog and replica buffer large enough that holding the link never forces a full resync.
    set = await startRedisReplicaSet({
      replicas: 1,
      extraArgs: ['--repl-backlog-size', '256mb', '--client-output-buffer-limit', 'replica 1gb 1gb 0', '--repl-timeout', '120'],
    });
    const [primary, replica] = set.nodes as [typeof set.primary, typeof set.primary];
    proxy = new ThrottlingProxy({ target: { host: '127.0.0.1', port: primary.port }, bytesPerSecond });
    const proxyPort = await proxy.start();
    await set.cli(replica, 'REPLICAOF', '127.0.0.1', String(proxyPort));
    const primaryClient = new Redis({ host: '127.0.0.1', port: primary.port, lazyConnect: true });
    const replicaClient = new Redis({ host: '127.0.0.1', port: replica.port, lazyConnect: true });
    clients.push(primaryClient, replicaClient);
    await Promise.all([primaryClient.connect(), replicaClient.connect()]);
    const offsetsNow = async (): Promise<TruthSample> => {
      const [p, r] = await Promise.all([primaryClient.info('replication'), replicaClient.info('replication')]);
      return { atMillis: Date.now(), primaryOffset: field(p, 'master_repl_offset'), replicaOffset: field(r, 'slave_repl_offset') };
    };
    await waitFor('the replica to sync through the proxy', 30_000, async () => {
      const info = await replicaClient.info('replication');
      const s = await offsetsNow();
      return /master_link_status:up/.test(info) && s.replicaOffset === s.primaryOffset ? true : undefined;
    });

    const config = parseRedisConfig({ nodes: [{ member: 'primary', address: primary.address, role: 'leader' }, { member: 'replica', address: replica.address }] }, 'redis');
    const group: GroupConfig = { ...GROUP_DEFAULTS, name: 'cache', rtoMillis: 300_000, freshnessMillis: 3 * INTERVAL_MILLIS, receivers: [] };
    const engines = offsets.map(() => new RecoveryEngine({ groups: [group] }));
    const ticks: TickRecord[][] = offsets.map(() => []);
    const sink: ObservationSink = {
      observe: (o) => engines.forEach((e) => e.observe(o)),
      declare: (g, members) => engines.forEach((e) => e.declare(g, members)),
      sourceUp: (source, up) => engines.forEach((e) => e.sourceUp(source, up)),
    };
    receiver = new RedisReceiver('cache', config, { intervalMillis: INTERVAL_MILLIS, logger: createMemoryLogger(), now: Date.now });
    await receiver.start(sink);
    offsets.forEach((offset, k) => {
      const tick = (): void => {
        ticks[k]!.push({ atMillis: Date.now(), state: engines[k]!.tick()[0]! });
      };
      timers.push(
        setTimeout(() => {
          tick();
          timers.push(setInterval(tick, INTERVAL_MILLIS));
        }, offset),
      );
    });
    await waitFor('every engine to call the group healthy', 30_000, () =>
      ticks.every((t) => t.at(-1)?.state.phase === 'healthy') ? true : undefined,
    );

    const truth: TruthSample[] = [];
    sampler = (async () => {
      while (sampling) {
        truth.push(await offsetsNow());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const disconnect = options.cutOff === 'disconnect';
    if (disconnect) proxy.disconnect();
    else proxy.hold();
    const heldAtMillis = Date.now();
    await writeData(primaryClient, writeBytes);
    // Let every engine see the whole lag (its peak) for a few ticks before the catch-up starts.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const before = await offsetsNow();
    if (disconnect) proxy.reconnect();
    else proxy.release();
    const releasedAtMillis = Date.now();
    const target = before.primaryOffset;
    const expectedSeconds = (target - before.replicaOffset) / bytesPerSecond;
    await waitFor('the replica to catch up', expectedSeconds * 1000 * 3 + 30_000, () =>
      (truth.at(-1)?.replicaOffset ?? 0) >= target ? true : undefined,
    );
    sampling = false;
    await sampler;

    const offset0 = before.replicaOffset;
    const crossing = (offset: number): number => crossingTime(truth, offset);
    const endMillis = crossing(target);
    const runs = offsets.map((tickOffsetMillis, k) => {
      const held = ticks[k]!.filter((t) => t.atMillis >= heldAtMillis && t.atMillis < releasedAtMillis);
      const first = ticks[k]!.find((t) => t.atMillis >= releasedAtMillis && t.state.etaSeconds !== null && t.state.progress < 1);
      return {
        tickOffsetMillis,
        firstEta:
          first === undefined
            ? null
            : { afterSeconds: (first.atMillis - releasedAtMillis) / 1000, etaSeconds: first.state.etaSeconds!, actualSeconds: (endMillis - first.atMillis) / 1000 },
        etaWhileHeld: held.some((t) => t.state.etaSeconds !== null && t.state.progress < 1),
        recoveringWhileHeld: held.some((t) => t.state.phase === 'recovering'),
        readings: PROGRESS_POINTS.map((progress): EtaReading => {
          const atMillis = crossing(offset0 + progress * (target - offset0));
          const actualSeconds = (endMillis - atMillis) / 1000;
          const etaSeconds = publishedEta(ticks[k]!, atMillis);
          return { progress, etaSeconds, actualSeconds, error: etaSeconds === null ? null : etaSeconds / actualSeconds - 1 };
        }),
      };
    });
    const meanErrors = PROGRESS_POINTS.map((progress, i) => {
      const errors = runs.map((r) => r.readings[i]!.error);
      return { progress, error: errors.some((e) => e === null) ? null : errors.reduce((a, e) => a! + e!, 0)! / errors.length };
    });
    return { bytesBehind: target - offset0, catchUpSeconds: (endMillis - releasedAtMillis) / 1000, runs, meanErrors };
  } finally {
    sampling = false;
    await sampler?.catch(() => undefined);
    for (const timer of timers) clearInterval(timer);
    await receiver?.stop().catch(() => undefined);
    for (const client of clients) client.disconnect();
    await proxy?.close();
    await set?.close();
  }
}

/**
 * What a reader saw at `atMillis`: the last tick before it, its deadline aged
 * to that instant (the deadline does not age; `eta_seconds` is computed from it
 * at scrape time), else that tick's ETA.
 */
function publishedEta(ticks: readonly TickRecord[], atMillis: number): number | null {
  let last: TickRecord | undefined;
  for (const t of ticks) if (t.atMillis <= atMillis) last = t;
  if (last === undefined) return null;
  const { etaDeadlineMillis, etaSeconds } = last.state;
  return etaDeadlineMillis === null ? etaSeconds : Math.max(0, (etaDeadlineMillis - atMillis) / 1000);
}

/** When the replica's offset passed `offset`, interpolated between the 100 ms samples. */
function crossingTime(truth: readonly TruthSample[], offset: number): number {
  for (let i = 1; i < truth.length; i++) {
    const a = truth[i - 1]!;
    const b = truth[i]!;
    if (a.replicaOffset < offset && b.replicaOffset >= offset) {
      return a.atMillis + ((offset - a.replicaOffset) / (b.replicaOffset - a.replicaOffset)) * (b.atMillis - a.atMillis);
    }
  }
  throw new Error(`the replica never passed offset ${offset}`);
}

/** Values of 100 kB in pipelined batches: the replication stream grows by about `bytes`. */
async function writeData(client: Redis, bytes: number): Promise<void> {
  const value = 'x'.repeat(100_000);
  const count = Math.ceil(bytes / value.length);
  for (let start = 0; start < count; start += 50) {
    const pipeline = client.pipeline();
    for (let i = start; i < Math.min(count, start + 50); i++) pipeline.set(`eta-accuracy:${i}`, value);
    await pipeline.exec();
  }
}

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  if (match === null) throw new Error(`INFO replication has no ${name}`);
  return Number(match[1]);
}
