import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberVerdict } from '../../model/member-status';
import type { Observation } from '../../model/types';
import { parseReplicationInfo } from './replication-info';
import { fixture } from './testdata/fixtures';

// testdata/capture-full-resync.ts: a replica 35 % into a 4 MB disk-based full sync through a 2 MB/s proxy.
describe('a Redis replica in full resync', () => {
  const info = parseReplicationInfo(fixture('info-replication-full-resync.txt'));

  it('parses the transfer size and bytes received', () => {
    assert.equal(info.syncInProgress, true);
    assert.equal(info.syncTotalBytes, 4_001_210);
    assert.equal(info.syncReadBytes, 1_418_256);
    assert.equal(info.offset, 0, 'its offset says nothing yet');
  });

  it('is lagging by what is left of the transfer, its reason says "full resync", never "behind the leader by" its offset', () => {
    const leader: Observation = {
      group: 'cache',
      member: 'primary',
      source: 'redis/cache',
      observedAtMillis: 0,
      reachable: true,
      role: 'leader',
      position: 4_200_000,
    };
    const replica: Observation = {
      group: 'cache',
      member: 'replica',
      source: 'redis/cache',
      observedAtMillis: 0,
      reachable: true,
      role: 'replica',
      position: info.offset,
      lagBytes: 4_200_000,
      replicationLink: { up: false },
      fullResync: { transferredBytes: info.syncReadBytes!, totalBytes: info.syncTotalBytes! },
    };
    const verdict = memberVerdict(
      { member: 'replica', role: 'replica', latest: replica },
      {
        leader: { member: 'primary', observation: leader },
        tolerances: { freshnessMillis: 3000, lagToleranceSeconds: 5, lagToleranceBytes: 1 << 20 },
        nowMillis: 0,
      },
    );
    assert.equal(verdict.status, 'lagging');
    assert.equal(verdict.reason, 'full resync from the leader: 1.4 MB of 4.0 MB received (35 %)');
    assert.equal(verdict.lagBytes, 4_001_210 - 1_418_256);
    assert.equal(verdict.lagSeconds, null);
  });
});
