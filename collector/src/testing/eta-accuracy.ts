/**
 * How good is the ETA against a real catch-up? A replica behind a throttling
 * proxy (testing/throttling-proxy.ts) is held while ~50 MB are written to its
 * primary, then released to catch up at a known, steady rate: a Redis replica
 * (REPLICAOF through the proxy) or a PostgreSQL standby (primary_conninfo
 * through it), testing/catch-up-subjects.ts. The system's real receiver feeds
 * several engines at `interval: 1s`, each ticking at its own phase offset to
 * the probe loop, so no single timer phase decides the result. Ground truth:
 * both nodes' positions every 100 ms. Used by the integration test and by
 * `npm run bench`.
 */
import { GROUP_DEFAULTS, type GroupConfig } from '../config/group-config';
import { RecoveryEngine } from '../engine/engine';
import { createMemoryLogger } from '../logger';
import type { GroupState } from '../model/group-state';
import type { ObservationSink, Receiver } from '../receivers/receiver';
import { startCatchUpSubject, type CatchUpSubject, type CatchUpSystem, type Positions } from './catch-up-subjects';
import { waitFor } from './processes';

export interface EtaAccuracyOptions {
  /** Which replica catches up (default redis). */
  system?: CatchUpSystem;
  /** Replication stream rate through the proxy (default 2 MB/s). */
  bytesPerSecond?: number;
  /** What is written while the replica is held (default 50 MB). */
  writeBytes?: number;
  /** Tick phase offsets to the probe loop, ms in [0, 1000) (default 0, 250, 500, 750). */
  tickOffsetsMillis?: readonly number[];
  /**
   * How the replica is cut off while the data is written: `hold` (default) stops the proxy forwarding,
   * the link stays up; `disconnect` cuts the link, and the replica resumes where it stopped (Redis:
   * a partial resync; PostgreSQL: the WAL receiver reconnects and streams from its position).
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
  let subject: CatchUpSubject | undefined;
  let receiver: Receiver | undefined;
  const timers: NodeJS.Timeout[] = [];
  let sampling = true;
  let sampler: Promise<void> | undefined;
  try {
    subject = await startCatchUpSubject(options.system ?? 'redis', bytesPerSecond);
    const { proxy } = subject;
    const group: GroupConfig = { ...GROUP_DEFAULTS, name: 'replicated', rtoMillis: 300_000, freshnessMillis: 3 * INTERVAL_MILLIS, receivers: [] };
    const engines = offsets.map(() => new RecoveryEngine({ groups: [group] }));
    const ticks: TickRecord[][] = offsets.map(() => []);
    const sink: ObservationSink = {
      observe: (o) => engines.forEach((e) => e.observe(o)),
      declare: (g, members) => engines.forEach((e) => e.declare(g, members)),
      sourceUp: (source, up) => engines.forEach((e) => e.sourceUp(source, up)),
    };
    receiver = subject.receiver(group.name, { intervalMillis: INTERVAL_MILLIS, logger: createMemoryLogger(), now: Date.now });
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
    await waitFor('every engine to call the group healthy', 30_000, () => (ticks.every((t) => t.at(-1)?.state.phase === 'healthy') ? true : undefined));

    const truth: Positions[] = [];
    const positions = subject.positions;
    sampler = (async () => {
      while (sampling) {
        truth.push(await positions());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const disconnect = options.cutOff === 'disconnect';
    if (disconnect) proxy.disconnect();
    else proxy.hold();
    const heldAtMillis = Date.now();
    await subject.write(writeBytes);
    // Let every engine see the whole lag (its peak) for a few ticks before the catch-up starts.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const before = await positions();
    if (disconnect) proxy.reconnect();
    else proxy.release();
    const releasedAtMillis = Date.now();
    const target = before.primary;
    const expectedSeconds = (target - before.replica) / bytesPerSecond;
    await waitFor('the replica to catch up', expectedSeconds * 1000 * 3 + 30_000, () => ((truth.at(-1)?.replica ?? 0) >= target ? true : undefined));
    sampling = false;
    await sampler;

    const offset0 = before.replica;
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
            : {
                afterSeconds: (first.atMillis - releasedAtMillis) / 1000,
                etaSeconds: first.state.etaSeconds!,
                actualSeconds: (endMillis - first.atMillis) / 1000,
              },
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
    await subject?.close();
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
function crossingTime(truth: readonly Positions[], offset: number): number {
  for (let i = 1; i < truth.length; i++) {
    const a = truth[i - 1]!;
    const b = truth[i]!;
    if (a.replica < offset && b.replica >= offset) {
      return a.atMillis + ((offset - a.replica) / (b.replica - a.replica)) * (b.atMillis - a.atMillis);
    }
  }
  throw new Error(`the replica never passed offset ${offset}`);
}
