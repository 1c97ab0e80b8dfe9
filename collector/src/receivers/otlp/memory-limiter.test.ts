import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MEMORY_SAMPLE_EVERY_MILLIS, MemoryLimiter } from './memory-limiter';

describe('MemoryLimiter', () => {
  it('refuses at the limit and accepts again only below 80 % of it, reading memory at most every 50 ms', () => {
    let now = 0;
    let bytes = 100;
    let reads = 0;
    const limiter = new MemoryLimiter({ limitBytes: 1000, now: () => now, readBytes: () => (reads++, bytes) });
    const at = (millis: number, value: number): boolean => {
      now = millis;
      bytes = value;
      return limiter.refusing();
    };
    assert.equal(at(0, 999), false);
    assert.equal(at(MEMORY_SAMPLE_EVERY_MILLIS - 1, 5000), false, 'not read again yet');
    assert.equal(at(MEMORY_SAMPLE_EVERY_MILLIS, 1000), true);
    assert.equal(at(2 * MEMORY_SAMPLE_EVERY_MILLIS, 900), true, 'below the limit but above 80 %: still refusing');
    assert.equal(at(3 * MEMORY_SAMPLE_EVERY_MILLIS, 801), true);
    assert.equal(at(4 * MEMORY_SAMPLE_EVERY_MILLIS, 799), false);
    assert.equal(at(5 * MEMORY_SAMPLE_EVERY_MILLIS, 999), false, 'back under the limit: accepting');
    assert.equal(limiter.bytes, 999);
    assert.equal(reads, 6);
  });
});
