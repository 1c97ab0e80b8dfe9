/**
 * Preloaded into a load-test collector (`node --expose-gc --import tsx
 * --import heap-probe.ts`): on SIGUSR2 it runs a full GC and writes
 * `process.memoryUsage()` as JSON to $REBOUND_HEAP_PROBE. The live heap after
 * a full GC is what a leak grows; RSS also moves with when V8 chooses to
 * collect and how much heap it keeps reserved, so alone it cannot tell a leak
 * from a lazy collector (CI: RSS +34 % in 45 s with the live heap flat).
 * Test tooling only: never part of the collector build.
 */
import { renameSync, writeFileSync } from 'node:fs';

const target = process.env['REBOUND_HEAP_PROBE'];
const gc = (globalThis as { gc?: () => void }).gc;
if (target !== undefined && gc !== undefined) {
  process.on('SIGUSR2', () => {
    // Twice: the first full GC can leave objects only its finalizers released.
    gc();
    gc();
    writeFileSync(`${target}.tmp`, JSON.stringify(process.memoryUsage()));
    renameSync(`${target}.tmp`, target);
  });
}
