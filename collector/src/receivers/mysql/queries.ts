import { PermissionCadence } from '../shared/permission-cadence';
import { ProbeTimeoutError } from '../shared/timeout';
import type { BinaryLog } from './binlog';
import type { MysqlFlavor, MysqlProbeClient } from './client';
import { permissionEntriesOf, permissionFingerprintOf, PERMISSION_SQL } from './permissions';
import type { PermissionEntry } from '../../model/types';
import { replicationChannelOf, type ReplicationChannel } from './replica-status';

/** Who the node is and where it is: one row. `@@gtid_*` are MariaDB's; `@@gtid_executed` and `@@server_uuid` MySQL's. */
export const MARIADB_VARIABLES_SQL = `SELECT @@version AS version, @@server_id AS server_id, @@read_only AS read_only, @@log_bin AS log_bin,
  @@gtid_current_pos AS gtid_current_pos, @@gtid_binlog_state AS gtid_binlog_state, @@gtid_slave_pos AS gtid_slave_pos,
  @@require_secure_transport AS require_secure_transport`;
export const MYSQL_VARIABLES_SQL = `SELECT @@version AS version, @@server_id AS server_id, @@server_uuid AS server_uuid, @@read_only AS read_only,
  @@super_read_only AS super_read_only, @@log_bin AS log_bin, @@gtid_executed AS gtid_executed,
  @@require_secure_transport AS require_secure_transport`;

/**
 * Statement counters that move when the grant tables may have changed: the permission facts are
 * read again in the round that sees one move (shared/permission-cadence.ts). They count statements
 * the replication SQL thread applies too. Not counted: `SET PASSWORD` (its counter, Com_set_option,
 * moves with every `SET`) and grant tables written directly without `FLUSH PRIVILEGES` (not in effect
 * until then): those are seen at the next `permissions_interval` read.
 */
export const GRANT_CHANGE_COUNTERS = [
  'Com_grant',
  'Com_grant_role',
  'Com_grant_roles',
  'Com_revoke',
  'Com_revoke_all',
  'Com_revoke_role',
  'Com_revoke_roles',
  'Com_create_user',
  'Com_create_role',
  'Com_drop_user',
  'Com_drop_role',
  'Com_alter_user',
  'Com_rename_user',
  'Com_flush',
] as const;

/** Counters for the load signal (`Questions` per second), connections, and the grant change counters. */
export const STATUS_SQL = `SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Threads_connected', ${GRANT_CHANGE_COUNTERS.map((c) => `'${c}'`).join(', ')})`;

/** The node's own binary logs: on the leader, their sizes give exact lag bytes. Fails without log_bin, so only sent with it on. */
export const BINARY_LOGS_SQL = 'SHOW BINARY LOGS';

/** Replication channels: one row per source; none on a primary. */
export const MARIADB_REPLICA_STATUS_SQL = 'SHOW ALL SLAVES STATUS';
export const MYSQL_REPLICA_STATUS_SQL = 'SHOW REPLICA STATUS';

/** Error 1227 (ER_SPECIFIC_ACCESS_DENIED_ERROR): a privilege the statement needs is missing. */
const SPECIFIC_ACCESS_DENIED = 1227;
/** Table, database and column access denied: the account may not read a `mysql.*` table. */
const TABLE_ACCESS_DENIED = new Set([1142, 1143, 1044, SPECIFIC_ACCESS_DENIED]);

/** What one probe of one node learned. */
export interface MysqlNodeAnswer {
  flavor: MysqlFlavor;
  /** `@@version` without the `-log` suffix (that says binlog on, not which build). */
  version: string;
  serverId: number;
  /** MySQL only. */
  serverUuid?: string;
  readOnly: boolean;
  /** MySQL only. */
  superReadOnly?: boolean;
  /** MariaDB `@@gtid_current_pos`, MySQL `@@gtid_executed`: every transaction applied or written here. */
  gtidExecuted: string;
  /** MariaDB: the last GTID per (domain, server) in this node's own binary log; the errant-transaction check reads it. */
  gtidBinlogState?: string;
  /** MariaDB: what replication applied here (`@@gtid_slave_pos`). */
  gtidSlavePos?: string;
  /** `Questions` counter (statements from clients). */
  questions?: number;
  threadsConnected?: number;
  /** With log_bin on and the privilege to list them. */
  binaryLogs?: BinaryLog[];
  /** Empty on a node that replicates from no one. */
  channels: ReplicationChannel[];
  /** Set when the account may not read replication status (error 1227): then `channels` says nothing. */
  replicationStatusDenied?: string;
  /** Undefined when the account may not read the grant tables (see docs/monitoring-roles.md). */
  permissionFingerprint?: string;
  /** The facts behind it, one per grant-table row, to name what drifted. */
  permissionEntries?: PermissionEntry[];
  /** Why there is no fingerprint, when there is none. */
  permissionProblem?: string;
  /** When the permission facts were read, if in an earlier round (carried: shared/permission-cadence.ts). */
  permissionReadAtMillis?: number;
}

/** The permission facts of one node as last read: the fingerprint and its entries, or why there are none. */
export type MysqlPermissionFacts = Pick<MysqlNodeAnswer, 'permissionFingerprint' | 'permissionEntries' | 'permissionProblem'>;

/** Without a cadence (tests, one-off probes): the grant tables are read with every probe. */
const readEveryTime = new PermissionCadence<MysqlPermissionFacts>(0, Date.now);

/** The first round trip's statements, in order; the replication status last, so a denial there is told apart. */
export function positionStatements(flavor: MysqlFlavor, logBin: boolean): string[] {
  return [
    flavor === 'mariadb' ? MARIADB_VARIABLES_SQL : MYSQL_VARIABLES_SQL,
    STATUS_SQL,
    ...(logBin ? [BINARY_LOGS_SQL] : []),
    flavor === 'mariadb' ? MARIADB_REPLICA_STATUS_SQL : MYSQL_REPLICA_STATUS_SQL,
  ];
}

/**
 * Run the probe's queries, one round trip per node most rounds: variables,
 * counters, binary logs and replication status in one multi-statement query;
 * the grant tables in a second only when `permissions` says they are due (a new
 * connection, a grant change counter moved, or `permissions_interval` since the
 * last read). If the account may not read replication status
 * (MariaDB ≥ 10.5 without SLAVE MONITOR), the second trip re-reads the first
 * without it and the answer says so: the node is then never taken for a leader.
 * Throws on connection problems.
 */
export async function probeMysqlNode(client: MysqlProbeClient, permissions: PermissionCadence<MysqlPermissionFacts> = readEveryTime): Promise<MysqlNodeAnswer> {
  let sent = positionStatements(client.flavor, client.logBin);
  let results: Record<string, unknown>[][];
  let replicationStatusDenied: string | undefined;
  let binaryLogsDenied: string | undefined;
  try {
    results = await client.queryBatch(sent);
  } catch (error) {
    if (error instanceof ProbeTimeoutError || errnoOf(error) !== SPECIFIC_ACCESS_DENIED) throw error;
    const message = messageOf(error);
    if (/BINLOG MONITOR/i.test(message) && sent.includes(BINARY_LOGS_SQL)) {
      // MariaDB names the missing privilege: only the binary logs (sent before the status) were refused.
      binaryLogsDenied = message;
      sent = sent.filter((sql) => sql !== BINARY_LOGS_SQL);
    } else {
      // Otherwise which statement was refused cannot be told: read what needs no replication privilege.
      replicationStatusDenied = message;
      sent = sent.slice(0, 2);
    }
    // A second refusal (both privileges missing) fails the probe, its message naming the privilege.
    results = await client.queryBatch(sent);
  }
  const answer = answerOf(client.flavor, sent, results);
  if (replicationStatusDenied !== undefined) {
    answer.replicationStatusDenied = replicationStatusDenied;
    answer.permissionProblem = 'not read this round: the replication status was refused';
    return answer;
  }
  if (binaryLogsDenied !== undefined) {
    answer.permissionProblem = `${binaryLogsDenied}: without SHOW BINARY LOGS the replicas' lag bytes cannot be read (and the grant tables were not read this round); grant the monitoring account REPLICATION CLIENT (BINLOG MONITOR), see docs/monitoring-roles.md`;
    return answer;
  }
  const secureTransport = String((results[0]?.[0] as Record<string, unknown> | undefined)?.['require_secure_transport'] ?? '');
  const counters = (rowsOf(sent, results, STATUS_SQL) ?? []).filter((r) => (GRANT_CHANGE_COUNTERS as readonly string[]).includes(String(r['Variable_name'])));
  const signal = JSON.stringify([secureTransport, counters.map((r) => `${String(r['Variable_name'])}=${String(r['Value'])}`)]);
  const read = await permissions.current(client, signal, () => readPermissionFacts(client, secureTransport));
  Object.assign(answer, read.facts);
  if (read.carried) answer.permissionReadAtMillis = read.readAtMillis;
  return answer;
}

/** The grant tables, one round trip; denied: no fingerprint, and why. */
async function readPermissionFacts(client: MysqlProbeClient, secureTransport: string): Promise<MysqlPermissionFacts> {
  try {
    const permissions = PERMISSION_SQL[client.flavor];
    const rows = await client.queryBatch(permissions.map((p) => p.sql));
    const settings = [{ name: 'require_secure_transport', value: secureTransport }];
    const tables = permissions.map((p, i) => ({ table: p.table, rows: rows[i] ?? [] }));
    return { permissionFingerprint: permissionFingerprintOf(tables, settings), permissionEntries: permissionEntriesOf(tables, settings) };
  } catch (error) {
    if (error instanceof ProbeTimeoutError || !TABLE_ACCESS_DENIED.has(errnoOf(error) ?? -1)) throw error;
    return { permissionProblem: `${messageOf(error)}: grant the monitoring account SELECT ON mysql.* (docs/monitoring-roles.md)` };
  }
}

/** The rows of `sql` in a batch's results, if it was sent. */
function rowsOf(statements: readonly string[], results: readonly Record<string, unknown>[][], sql: string): Record<string, unknown>[] | undefined {
  const index = statements.indexOf(sql);
  return index >= 0 ? results[index] : undefined;
}

function answerOf(flavor: MysqlFlavor, statements: readonly string[], results: readonly Record<string, unknown>[][]): MysqlNodeAnswer {
  const at = (sql: string): Record<string, unknown>[] | undefined => {
    const index = statements.indexOf(sql);
    return index >= 0 ? results[index] : undefined;
  };
  const variables = results[0]?.[0];
  if (variables === undefined) throw new Error('SELECT @@version returned no row');
  const status = new Map((at(STATUS_SQL) ?? []).map((r) => [String(r['Variable_name']), Number(r['Value'])]));
  const answer: MysqlNodeAnswer = {
    flavor,
    version: String(variables['version']).replace(/-log$/, ''),
    serverId: Number(variables['server_id']),
    readOnly: Number(variables['read_only']) === 1,
    gtidExecuted: String((flavor === 'mariadb' ? variables['gtid_current_pos'] : variables['gtid_executed']) ?? ''),
    channels: (at(flavor === 'mariadb' ? MARIADB_REPLICA_STATUS_SQL : MYSQL_REPLICA_STATUS_SQL) ?? []).map(replicationChannelOf),
  };
  if (flavor === 'mariadb') {
    answer.gtidBinlogState = String(variables['gtid_binlog_state'] ?? '');
    answer.gtidSlavePos = String(variables['gtid_slave_pos'] ?? '');
  } else {
    answer.serverUuid = String(variables['server_uuid'] ?? '');
    answer.superReadOnly = Number(variables['super_read_only']) === 1;
  }
  if (status.has('Questions')) answer.questions = status.get('Questions')!;
  if (status.has('Threads_connected')) answer.threadsConnected = status.get('Threads_connected')!;
  const logs = at(BINARY_LOGS_SQL);
  if (logs !== undefined) answer.binaryLogs = logs.map((r) => ({ name: String(r['Log_name']), sizeBytes: Number(r['File_size']) }));
  return answer;
}

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

function messageOf(error: unknown): string {
  const e = error as { errno?: unknown; sqlMessage?: unknown; message?: unknown };
  const text = typeof e.sqlMessage === 'string' ? e.sqlMessage : String(e.message ?? error);
  return typeof e.errno === 'number' ? `Error ${e.errno}: ${text}` : text;
}
