/**
 * ETA accuracy against a real catch-up (issues 14, 16): a replica behind a
 * throttling proxy (2 MB/s, ~50 MB behind, ~25 s of linear catch-up), the
 * system's real receiver and engine at `interval: 1s`, ticking at four phase
 * offsets to the probe loop. Prints the ETA's error against the real remaining
 * time (from both nodes' positions every 100 ms, in the same run) at 25, 50
 * and 75 % of the catch-up. Target: within ±15 %. A Redis replica, then a
 * PostgreSQL standby (BENCH_ETA_SYSTEM=redis or postgresql for one of them).
 * Needs redis-server and the PostgreSQL server binaries.
 */
import { measureEtaAccuracy } from '../src/testing/eta-accuracy';

const percent = (e: number | null): string => (e === null ? '  no ETA' : `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)} %`.padStart(8));

async function main(): Promise<void> {
  // BENCH_ETA_RATE (bytes/s) and BENCH_ETA_BYTES try other catch-ups, e.g. 500000 and 20000000 (40 s).
  const bytesPerSecond = Number(process.env['BENCH_ETA_RATE'] ?? 2_000_000);
  const writeBytes = Number(process.env['BENCH_ETA_BYTES'] ?? 50_000_000);
  // BENCH_ETA_CUT=disconnect cuts the link instead of holding it: the replica resumes with a partial resync.
  const cutOff = process.env['BENCH_ETA_CUT'] === 'disconnect' ? 'disconnect' : 'hold';
  const only = process.env['BENCH_ETA_SYSTEM'];
  for (const system of (['redis', 'postgresql'] as const).filter((s) => only === undefined || s === only)) {
    await report(system, bytesPerSecond, writeBytes, cutOff);
  }
}

async function report(system: 'redis' | 'postgresql', bytesPerSecond: number, writeBytes: number, cutOff: 'hold' | 'disconnect'): Promise<void> {
  const result = await measureEtaAccuracy({ system, bytesPerSecond, writeBytes, cutOff });
  console.log(
    `${system === 'redis' ? 'Redis replica' : 'PostgreSQL standby'}: catch-up after the link was ${cutOff === 'hold' ? 'held' : 'cut (partial resync)'}: ${(result.bytesBehind / 1e6).toFixed(1)} MB at ${(bytesPerSecond / 1e6).toFixed(1)} MB/s, really took ${result.catchUpSeconds.toFixed(1)} s`,
  );
  console.log('ETA error vs the real remaining time   at 25 %    at 50 %    at 75 %');
  for (const run of result.runs) {
    const held = run.etaWhileHeld || run.recoveringWhileHeld ? '  (ETA or recovering while nothing moved!)' : '';
    console.log(
      `  tick +${String(run.tickOffsetMillis).padStart(3)} ms after the probes          ${run.readings.map((r) => percent(r.error)).join('   ')}${held}`,
    );
  }
  console.log(`  mean                                 ${result.meanErrors.map((m) => percent(m.error)).join('   ')}   (target within ±15 %)`);
  for (const run of result.runs) {
    const f = run.firstEta;
    console.log(
      `  tick +${String(run.tickOffsetMillis).padStart(3)} ms: first ETA ${f === null ? 'none' : `${f.afterSeconds.toFixed(1)} s into the catch-up: ${f.etaSeconds.toFixed(1)} s, really ${f.actualSeconds.toFixed(1)} s left`}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
