import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupTracker } from './engine/group-tracker';
import { obs, testGroup } from './engine/testing/scenario';
import { summaryLine } from './summary-line';

describe('summaryLine', () => {
  it('shows the ETA from the line’s time with the expected completion it was derived from', () => {
    const tracker = new GroupTracker(testGroup({ lagToleranceBytes: 0 }));
    const start = Date.UTC(2026, 11, 1, 21, 3, 0);
    // c falls 1000 B behind at +2 s, then drains 100 B/s; each probe lands 300 ms before its tick.
    for (let s = 0; s <= 8; s++) {
      const at = start + s * 1000 - 300;
      const lag = s < 2 ? 0 : s < 4 ? 1000 : 1000 - (s - 4) * 100 - 70;
      tracker.observe(obs('a', at, { role: 'leader', position: 5000 }));
      tracker.observe(obs('c', at, { position: 5000 - lag }));
      tracker.tick(start + s * 1000);
    }
    // Observed at +7.7 s: 530 B left at 100 B/s, done at +13.0 s — 5 s after the tick at +8 s (not 5.3 s: the line is later than the observation).
    const line = summaryLine(tracker.state()!);
    assert.match(line, /^21:03:08 db +recovering +74% ETA 5s \(21:03:13\) +elapsed 6s of 1m RTO/);
  });

  it('says why there is no ETA rather than showing a number', () => {
    const tracker = new GroupTracker(testGroup({ lagToleranceBytes: 0 }));
    for (let s = 0; s < 5; s++) {
      tracker.observe(obs('a', s * 1000, { role: 'leader', position: 5000 }));
      tracker.observe(obs('c', s * 1000, { position: s < 2 ? 5000 : 4000 }));
      tracker.tick(s * 1000);
    }
    assert.match(summaryLine(tracker.state()!), / degraded +\s*\d+% stalled /);
  });
});
