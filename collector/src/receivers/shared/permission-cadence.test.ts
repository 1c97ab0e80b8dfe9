import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMysqlConfig } from '../mysql/config';
import { parsePostgresqlConfig } from '../postgresql/config';
import { parseRedisConfig } from '../redis/config';
import { DEFAULT_PERMISSIONS_INTERVAL_MILLIS, PermissionCadence } from './permission-cadence';

describe('PermissionCadence', () => {
  it('reads on a new connection, carries under the same signal until everyMillis, reads again on a changed signal', async () => {
    let now = 1_000;
    let reads = 0;
    const cadence = new PermissionCadence<string>(10_000, () => now);
    const read = async () => `facts-${++reads}`;
    const a = {};
    assert.deepEqual(await cadence.current(a, 's1', read), { facts: 'facts-1', readAtMillis: 1_000, carried: false });
    now = 10_999;
    assert.equal(cadence.dueAnyway(a), false);
    assert.deepEqual(await cadence.current(a, 's1', read), { facts: 'facts-1', readAtMillis: 1_000, carried: true });
    assert.deepEqual(await cadence.current(a, 's2', read), { facts: 'facts-2', readAtMillis: 10_999, carried: false }, 'signal changed');
    now = 20_999;
    assert.equal(cadence.dueAnyway(a), true, 'never carried for everyMillis or longer');
    assert.equal((await cadence.current(a, 's2', read)).carried, false);
    assert.equal((await cadence.current({}, 's2', read)).facts, 'facts-4', 'another connection reads its own');
  });

  it('a failed read is not remembered: the next probe reads again', async () => {
    const cadence = new PermissionCadence<string>(10_000, () => 0);
    const connection = {};
    await assert.rejects(cadence.current(connection, '', async () => Promise.reject(new Error('timeout'))));
    assert.equal(cadence.dueAnyway(connection), true);
  });

  it('permissions_interval in each probing receiver, 30 s by default', () => {
    const pg = { nodes: [{ member: 'a', url: 'postgres://m@127.0.0.1:5432/postgres' }] };
    const my = { nodes: [{ member: 'a', url: 'mysql://m@127.0.0.1:3306' }] };
    const redis = { nodes: [{ member: 'a', address: '127.0.0.1:6379' }] };
    assert.equal(DEFAULT_PERMISSIONS_INTERVAL_MILLIS, 30_000);
    assert.equal(parsePostgresqlConfig(pg, 'g').permissionsIntervalMillis, 30_000);
    assert.equal(parseMysqlConfig(my, 'g').permissionsIntervalMillis, 30_000);
    assert.equal(parseRedisConfig(redis, 'g').permissionsIntervalMillis, 30_000);
    assert.equal(parsePostgresqlConfig({ ...pg, permissions_interval: '5m' }, 'g').permissionsIntervalMillis, 300_000);
    assert.equal(parseMysqlConfig({ ...my, permissions_interval: '10s' }, 'g').permissionsIntervalMillis, 10_000);
    assert.equal(parseRedisConfig({ ...redis, permissions_interval: 2 }, 'g').permissionsIntervalMillis, 2_000);
    assert.throws(() => parseRedisConfig({ ...redis, permissions_interval: 'often' }, 'groups[0].redis'), /groups\[0\]\.redis\.permissions_interval/);
  });
});
