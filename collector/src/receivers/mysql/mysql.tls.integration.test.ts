/**
 * TLS against real MariaDB servers with a throwaway CA whose server certificate
 * names only `db.rebound.test` (no IP), while the nodes are addressed by
 * 127.0.0.1. The monitoring account REQUIRES SSL, so a login that succeeds went
 * over TLS. `tls:` always verifies: the chain (ca_file, else the system CAs) and
 * the name (server_name, else the URL's host).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { startMariadbPrimaryReplica, type MariadbPrimaryReplica } from '../../testing/mariadb-primary-replica';
import { RecordingSink } from '../../testing/recording-sink';
import { parseMysqlConfig } from './config';
import { MysqlReceiver } from './mysql-receiver';

const PASSWORD = 'tls-monitor-pw-8e1f';
const SERVER_NAME = 'db.rebound.test';
let pair: MariadbPrimaryReplica;
const logger = createMemoryLogger();

async function probeWith(tls: Record<string, string> | undefined): Promise<RecordingSink> {
  const config = parseMysqlConfig(
    {
      nodes: [
        { member: 'db-1', url: `mysql://rebound_monitor:\${REBOUND_TEST_MYSQL_TLS_PASSWORD}@127.0.0.1:${pair.primary.port}` },
        { member: 'db-2', url: `mysql://rebound_monitor:\${REBOUND_TEST_MYSQL_TLS_PASSWORD}@127.0.0.1:${pair.replica.port}` },
      ],
      timeout: '2s',
      ...(tls ? { tls } : {}),
    },
    'groups[0].mysql',
  );
  const receiver = new MysqlReceiver('secure-db', config, { intervalMillis: 1_000, logger, now: Date.now });
  const sink = new RecordingSink();
  try {
    await receiver.round(sink);
  } finally {
    await receiver.stop();
  }
  return sink;
}

describe('MySQL receiver over TLS against real MariaDB servers', { timeout: 120_000 }, () => {
  before(async () => {
    pair = await startMariadbPrimaryReplica({ tls: { serverName: SERVER_NAME } });
    await pair.query(
      pair.primary,
      `CREATE USER 'rebound_monitor'@'%' IDENTIFIED BY '${PASSWORD}' REQUIRE SSL; GRANT SLAVE MONITOR, REPLICATION CLIENT ON *.* TO 'rebound_monitor'@'%'; GRANT SELECT ON mysql.* TO 'rebound_monitor'@'%'`,
    );
    await pair.waitForCatchUp();
    process.env['REBOUND_TEST_MYSQL_TLS_PASSWORD'] = PASSWORD;
  });

  after(async () => {
    await pair?.close();
  });

  it('ca_file and server_name: both nodes answer over verified TLS', async () => {
    const sink = await probeWith({ ca_file: pair.caFile!, server_name: SERVER_NAME });
    assert.equal(sink.lastSourceUp(), true);
    assert.equal(sink.latest('db-1')?.role, 'leader');
    assert.equal(sink.latest('db-2')?.followsLeader, 'db-1');
  });

  it('without server_name the certificate does not name 127.0.0.1: refused, source down', async () => {
    const sink = await probeWith({ ca_file: pair.caFile! });
    assert.deepEqual(sink.observations, []);
    assert.equal(sink.lastSourceUp(), false);
    assert.ok(
      logger.lines.some((l) => l.includes('db-1 did not answer') && /IP: 127\.0\.0\.1 is not in the cert's list|altnames/i.test(l)),
      logger.lines.join('\n'),
    );
  });

  it('without ca_file the system CAs do not trust the test CA: refused, source down', async () => {
    logger.lines.length = 0;
    const sink = await probeWith({ server_name: SERVER_NAME });
    assert.deepEqual(sink.observations, []);
    assert.equal(sink.lastSourceUp(), false);
    assert.ok(
      logger.lines.some((l) => /self[- ]signed|unable to get local issuer|unable to verify/i.test(l)),
      logger.lines.join('\n'),
    );
  });

  it('without tls: the account REQUIRE SSL refuses the plain login', async () => {
    logger.lines.length = 0;
    const sink = await probeWith(undefined);
    assert.deepEqual(sink.observations, []);
    assert.ok(
      logger.lines.some((l) => l.includes('Access denied')),
      logger.lines.join('\n'),
    );
    assert.ok(!logger.lines.join('\n').includes(PASSWORD));
  });
});
