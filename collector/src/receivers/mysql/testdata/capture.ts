/**
 * Regenerates the MariaDB fixtures from real servers: `node --import tsx src/receivers/mysql/testdata/capture.ts`
 * (from collector/). Starts a MariaDB primary + GTID replica (../../testing/mariadb-primary-replica.ts),
 * creates the monitoring account of docs/monitoring-roles.md, and records what every probe
 * statement returns on each node, as that account, in each scenario:
 * healthy, replica SQL thread stopped with writes behind it, IO thread stopped, an errant
 * transaction on the replica, and an account without SLAVE MONITOR (the error is recorded).
 * The MySQL 8 fixtures (mysql8-*.rows.json) are written by hand: no MySQL server is packaged here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startMariadbPrimaryReplica, type MariadbTestNode } from '../../../testing/mariadb-primary-replica';
import { PERMISSION_SQL } from '../permissions';
import { BINARY_LOGS_SQL, MARIADB_REPLICA_STATUS_SQL, MARIADB_VARIABLES_SQL, STATUS_SQL } from '../queries';
import { MONITOR_ACCOUNT_SQL } from './monitor-account';

const PASSWORD = 'capture-monitor-pw-5d2e';

/** Every statement the probe may send to a MariaDB node, by the name the fake client looks it up with. */
const STATEMENTS: Record<string, string> = {
  MARIADB_VARIABLES_SQL,
  STATUS_SQL,
  BINARY_LOGS_SQL,
  MARIADB_REPLICA_STATUS_SQL,
  ...Object.fromEntries(PERMISSION_SQL.mariadb.map((p) => [p.table, p.sql])),
};

async function rowsOf(node: MariadbTestNode, user: string): Promise<Record<string, unknown>> {
  const connection = await createConnection({
    host: '127.0.0.1',
    port: node.port,
    user,
    password: PASSWORD,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  });
  const rows: Record<string, unknown> = {};
  try {
    const [[first]] = (await connection.query('SELECT @@version AS version, @@log_bin AS log_bin')) as unknown as [[{ version: string; log_bin: number }]];
    for (const [name, sql] of Object.entries(STATEMENTS)) {
      try {
        rows[name] = (await connection.query(sql))[0];
      } catch (error) {
        const e = error as { errno?: number; code?: string; sqlMessage?: string };
        rows[name] = { error: { errno: e.errno, code: e.code, sqlMessage: e.sqlMessage } };
      }
    }
    return { port: node.port, serverId: node.serverId, flavor: 'mariadb', version: first.version, logBin: Number(first.log_bin) === 1, rows };
  } finally {
    await connection.end();
  }
}

async function main(): Promise<void> {
  const pair = await startMariadbPrimaryReplica();
  const capture = async (scenario: string, user = 'rebound_monitor'): Promise<void> => {
    const nodes = { primary: await rowsOf(pair.primary, user), replica: await rowsOf(pair.replica, user) };
    writeFileSync(join(__dirname, `mariadb-${scenario}.rows.json`), JSON.stringify({ primaryPort: pair.primary.port, nodes }, null, 2) + '\n');
  };
  try {
    for (const sql of MONITOR_ACCOUNT_SQL(PASSWORD)) await pair.query(pair.primary, sql);
    await pair.query(
      pair.primary,
      `CREATE USER 'bare_monitor'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT REPLICATION CLIENT ON *.* TO 'bare_monitor'@'%'; GRANT SELECT ON mysql.* TO 'bare_monitor'@'%'`,
    );
    await pair.query(pair.primary, 'CREATE DATABASE app; CREATE TABLE app.orders (id bigint AUTO_INCREMENT PRIMARY KEY, payload text NOT NULL)');
    await pair.query(pair.primary, "INSERT INTO app.orders (payload) SELECT repeat('x', 100) FROM app.seq_1_to_1000");
    await pair.waitForCatchUp();
    await capture('healthy');
    await capture('no-slave-monitor', 'bare_monitor');

    await pair.query(pair.replica, 'STOP SLAVE SQL_THREAD');
    await pair.query(pair.primary, "INSERT INTO app.orders (payload) SELECT repeat('y', 100) FROM app.seq_1_to_2000");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await capture('sql-stopped');
    await pair.query(pair.replica, 'START SLAVE SQL_THREAD');
    await pair.waitForCatchUp();

    await pair.query(pair.replica, 'STOP SLAVE IO_THREAD');
    await pair.query(pair.primary, "INSERT INTO app.orders (payload) VALUES ('z')");
    await capture('io-stopped');
    await pair.query(pair.replica, 'START SLAVE IO_THREAD');
    await pair.waitForCatchUp();

    // An errant transaction: written on the replica (root bypasses read_only), then the primary writes on.
    await pair.query(pair.replica, "INSERT INTO app.orders (payload) VALUES ('errant')");
    await pair.query(pair.primary, "INSERT INTO app.orders (payload) VALUES ('after')");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await capture('errant');
  } finally {
    await pair.close();
  }
}

void main();
