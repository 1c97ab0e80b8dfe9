#!/usr/bin/env node
// `node bench/gc-sweep.mjs [groups]`: how long V8 goes on sweeping in the background after the bench's
// gc(), with the bench's fixtures in the heap (Chromium trace, V8.GC_MC_BACKGROUND_SWEEPING events),
// and whether any other collection starts in the 3 s after. The bench waits QUIET_HEAP_MS
// (preview/host/index.tsx) after each gc() so a timed section does not share the CPU with that sweep.
import { launchBrowser, openPreview, startPreview } from '../tests/browser/harness.mjs';

const groups = Number(process.argv[2] ?? 2000);
const ROUNDS = 3;
const AFTER_MS = 3000;

const preview = await startPreview();
const browser = await launchBrowser(['--js-flags=--expose-gc']);
try {
  const { page } = await openPreview(browser, `${preview.base}?bench=1`, { width: 1440, height: 940 });
  await page.evaluate((count) => window.reboundBench.prepare(count), groups);
  for (let round = 0; round < ROUNDS; round++) {
    await browser.startTracing(page, { categories: ['blink.user_timing', 'v8.gc', 'disabled-by-default-v8.gc'] });
    await page.evaluate((afterMs) => {
      performance.mark('before-gc');
      window.gc();
      performance.mark('after-gc');
      return new Promise((resolve) => setTimeout(resolve, afterMs));
    }, AFTER_MS);
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const events = trace.traceEvents ?? trace;
    const stamp = (mark) => events.find((e) => e.name === mark && e.cat.includes('user_timing'))?.ts;
    const before = stamp('before-gc');
    const after = stamp('after-gc');
    const sweeps = events.filter((e) => e.name === 'V8.GC_MC_BACKGROUND_SWEEPING' && e.ts + (e.dur ?? 0) >= before);
    const sweepEnd = Math.max(...sweeps.map((e) => e.ts + (e.dur ?? 0)));
    const sweepCpu = sweeps.reduce((sum, e) => sum + (e.dur ?? 0), 0);
    const later = events.filter((e) => (e.name === 'MajorGC' || e.name === 'MinorGC') && e.ts > after);
    console.log(
      `round ${round}: gc() ${((after - before) / 1000).toFixed(0)} ms; background sweeping ${(sweepCpu / 1000).toFixed(0)} ms of CPU, ` +
        `done ${((sweepEnd - after) / 1000).toFixed(0)} ms after gc() returned; collections in the next ${AFTER_MS / 1000} s: ${later.length}`,
    );
  }
  await page.close();
} finally {
  await browser.close();
  await preview.stop();
}
