import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lagBytesFromBinaryLogs } from './binlog';
import { errantMariadbGtids, errantMysqlGtids, formatMariadbGtid, mariadbPosition, mysqlPosition, parseMariadbGtids, parseMysqlGtidSet } from './gtid';

describe('GTID positions', () => {
  it("MariaDB: the sum of each domain's sequence number", () => {
    assert.equal(mariadbPosition(parseMariadbGtids('0-1-57,1-3-9')), 66);
    assert.equal(mariadbPosition(parseMariadbGtids('')), 0);
    assert.throws(() => parseMariadbGtids('0-1'), /not a MariaDB GTID list/);
  });

  it('MySQL: the number of transactions in the set, intervals merged', () => {
    const set = parseMysqlGtidSet(
      '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7-9,\n7c5a1d2e-5b1f-11ee-8c99-0242ac120003:1,3e11fa47-71ca-11e1-9e33-c80aa9429562:6',
    );
    assert.equal(mysqlPosition(set), 10);
    assert.deepEqual(set.get('3e11fa47-71ca-11e1-9e33-c80aa9429562'), [[1, 9]]);
  });
});

describe('errant transactions', () => {
  it("MariaDB: replica binlog entries from another server beyond what the leader holds; the leader's own server id is never errant", () => {
    const leader = { binlogState: parseMariadbGtids('0-1-20'), slavePos: [], serverId: 1 };
    assert.deepEqual(errantMariadbGtids(parseMariadbGtids('0-1-21,0-2-14'), leader).map(formatMariadbGtid), ['0-2-14']);
    // A promoted leader (server 2) without log_slave_updates: server 1's history is in its slave position.
    const promoted = { binlogState: parseMariadbGtids('0-2-30'), slavePos: parseMariadbGtids('0-1-29'), serverId: 2 };
    assert.deepEqual(errantMariadbGtids(parseMariadbGtids('0-1-29'), promoted), []);
    assert.deepEqual(errantMariadbGtids(parseMariadbGtids('0-3-31'), promoted).map(formatMariadbGtid), ['0-3-31']);
  });

  it("MySQL: GTID_SUBTRACT(replica, leader) written as a set, without the leader's uuid", () => {
    const p = 'aaaaaaaa-0000-0000-0000-000000000001';
    const r = 'bbbbbbbb-0000-0000-0000-000000000002';
    assert.equal(errantMysqlGtids(parseMysqlGtidSet(`${p}:1-100,${r}:1-3:5`), parseMysqlGtidSet(`${p}:1-90,${r}:2`), p), `${r}:1:3:5`);
    assert.equal(
      errantMysqlGtids(parseMysqlGtidSet(`${p}:1-100`), parseMysqlGtidSet(`${p}:1-90`), p),
      '',
      "ahead on the leader's own uuid is a race, not errant",
    );
  });
});

describe("lag bytes from the primary's binary logs", () => {
  const logs = [
    { name: 'b.000007', sizeBytes: 1000 },
    { name: 'b.000008', sizeBytes: 5000 },
    { name: 'b.000009', sizeBytes: 300 },
  ];
  it("sums the rest of the replica's file and every newer file", () => {
    assert.equal(lagBytesFromBinaryLogs(logs, 'b.000007', 400), 600 + 5000 + 300);
    assert.equal(lagBytesFromBinaryLogs(logs, 'b.000009', 300), 0);
  });
  it("guesses nothing when the replica's file is not among the primary's (purged or another primary's)", () => {
    assert.equal(lagBytesFromBinaryLogs(logs, 'b.000002', 10), undefined);
    assert.equal(lagBytesFromBinaryLogs(logs, 'other.000009', 10), undefined);
  });
});
