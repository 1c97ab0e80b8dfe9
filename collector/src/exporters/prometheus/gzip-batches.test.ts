import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { createExpositionGzip, gzipBatches } from './gzip-batches';

const pieces = (sizes: number[]): Buffer[] => sizes.map((n, i) => Buffer.alloc(n, 97 + (i % 26)));

describe('gzipBatches', () => {
  it('joins small pieces into one batch, in order', () => {
    const input = pieces([10, 20, 30]);
    const batches = [...gzipBatches(input, 100)];
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0], Buffer.concat(input));
  });

  it('starts a new batch before one would pass the size, and passes a large piece through whole', () => {
    const input = pieces([60, 60, 250, 10]);
    assert.deepEqual(
      [...gzipBatches(input, 100)].map((b) => b.length),
      [60, 60, 250, 10],
    );
    assert.deepEqual(
      [...gzipBatches(pieces([40, 40, 40]), 100)].map((b) => b.length),
      [80, 40],
    );
  });

  it('yields nothing for no pieces', () => {
    assert.deepEqual([...gzipBatches([])], []);
  });

  it('compresses to exactly the joined pieces', async () => {
    const input = pieces([5000, 1, 70_000, 300]);
    const out: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    });
    await pipeline(Readable.from(gzipBatches(input, 8192)), createExpositionGzip(), sink);
    assert.deepEqual(gunzipSync(Buffer.concat(out)), Buffer.concat(input));
  });
});
