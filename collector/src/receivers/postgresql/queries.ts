import { PermissionCadence } from '../shared/permission-cadence';
import { ProbeTimeoutError } from '../shared/timeout';
import type { PostgresqlProbeClient } from './client';
import { optionalLsnBytes } from './lsn';
import { permissionEntriesOf, permissionFingerprintOf, type HbaRuleRow, type LoginRoleRow } from './permissions';
import type { PermissionEntry } from '../../model/types';
import { BASE_BACKUP_SQL, RECOVERY_SQL, recoveryActivityOf, type BaseBackupRow, type RecoveryActivity } from './restore-progress';

export { BASE_BACKUP_SQL, RECOVERY_SQL } from './restore-progress';

/**
 * Asked every interval with the positions, as columns of POSITION_SQL (its own statement in the round
 * cost one more JSON aggregate): what changes when the permission facts do, so they are read again in
 * the same round (shared/permission-cadence.ts). `conf_loaded_at` moves on every configuration reload
 * (a pg_hba.conf, ssl or password_encryption change takes effect only then); the roles digest sums a
 * hash of every role's columns that LOGIN_ROLES_SQL reads (and its oid, which memberships name), the
 * memberships digest one of every pg_auth_members row (roles are cluster-wide: a standby's changes
 * with the primary's once replayed; a sum, not an md5 of the ordered rows: half the cost, and a
 * collision only defers the change to the next `permissions_interval` read). Not covered: pg_hba.conf
 * edited but not yet reloaded (pg_hba_file_rules shows the file) — seen at the next
 * `permissions_interval` read. No cheaper counter moves with an ALTER ROLE on a standby (the catalog's
 * xmin is superuser-only; its pg_stat counters are not kept for replayed changes), so the digests are
 * computed every round; hashing the columns read, not the whole row's text, is a fifth cheaper.
 */
const PERMISSION_SIGNAL_COLUMNS = `pg_conf_load_time()::text AS conf_loaded_at,
  (SELECT sum(hashtext(ROW(rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls,
    rolconnlimit, rolvaliduntil, oid)::text)::bigint) FROM pg_roles)::text AS roles_digest,
  (SELECT sum(hashtext(m::text)::bigint) FROM pg_auth_members m)::text AS memberships_digest`;

/**
 * Where a node is in the WAL, from either side (pg_current_wal_lsn on a primary;
 * receive/replay on a standby), the per-node auth settings of the fingerprint, and the
 * permission change signals (PERMISSION_SIGNAL_COLUMNS).
 */
export const POSITION_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
  pg_last_wal_receive_lsn()::text AS receive_lsn,
  pg_last_wal_replay_lsn()::text AS replay_lsn,
  current_setting('ssl') AS ssl,
  current_setting('password_encryption') AS password_encryption,
  ${PERMISSION_SIGNAL_COLUMNS}`;

/**
 * On a primary: each connected standby as the primary sees it. Lags are NULL when idle (caught up).
 * `reply_age_seconds` is how long since the standby last replied, `unflushed_bytes` how much WAL it has
 * not confirmed flushed: together, a link that is up but carries nothing back. The rows of the
 * `pg_stat_replication` view, read from its two functions: the view builds a pg_stat_activity row for
 * every backend to join the WAL senders; `pg_stat_get_activity(pid)` builds only the WAL senders' rows
 * (the same functions, so the same privileges and the same NULLs without pg_read_all_stats).
 */
export const REPLICATION_SQL = `SELECT a.application_name, host(a.client_addr) AS client_addr, w.state,
  w.replay_lsn::text AS replay_lsn,
  EXTRACT(EPOCH FROM now() - w.reply_time)::float8 AS reply_age_seconds,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), w.flush_lsn)::float8 END AS unflushed_bytes,
  EXTRACT(EPOCH FROM w.write_lag)::float8 AS write_lag_seconds,
  EXTRACT(EPOCH FROM w.flush_lag)::float8 AS flush_lag_seconds,
  EXTRACT(EPOCH FROM w.replay_lag)::float8 AS replay_lag_seconds,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), w.replay_lsn)::float8 END AS replay_lag_bytes
FROM pg_stat_get_wal_senders() w JOIN LATERAL pg_stat_get_activity(w.pid) a ON true
ORDER BY a.application_name, host(a.client_addr)`;

/** On a standby: whether a WAL receiver runs (no row: none), its status, and whom it streams from. */
export const WAL_RECEIVER_SQL = `SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver`;

/** Host-based auth rules in file order; line numbers left out so comments and blank lines do not count. */
export const HBA_SQL = `SELECT type, database, user_name, address, netmask, auth_method, options, error
FROM pg_hba_file_rules ORDER BY line_number`;

/** Roles that can log in, with every attribute that changes what they may do. */
export const LOGIN_ROLES_SQL = `SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
  rolconnlimit, rolvaliduntil::text AS rolvaliduntil,
  ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS member_of
FROM pg_roles r WHERE rolcanlogin ORDER BY rolname`;

/** One standby as its primary sees it in pg_stat_replication. */
export interface ReplicationRow {
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  replay_lsn: string | null;
  write_lag_seconds: number | null;
  flush_lag_seconds: number | null;
  replay_lag_seconds: number | null;
  replay_lag_bytes: number | null;
  /** Absent in rows captured before these columns were read. */
  reply_age_seconds?: number | null;
  unflushed_bytes?: number | null;
}

/** What one probe of one node learned. */
export interface PostgresqlNodeAnswer {
  inRecovery: boolean;
  /** Primary: pg_current_wal_lsn() in bytes. */
  currentLsnBytes?: number;
  /** Standby: last WAL received / replayed, in bytes. */
  receiveLsnBytes?: number;
  replayLsnBytes?: number;
  /** Primary: its standbys. */
  replication: ReplicationRow[];
  /** Standby: the WAL receiver, when one runs (undefined: none runs). Its details read NULL without pg_read_all_stats. */
  walReceiver?: { status: string | null; senderHost: string | null; senderPort: number | null };
  /** Standby: what its recovery is doing (restore-progress.ts). */
  recovery?: RecoveryActivity;
  /** Base backups being taken from this node (pg_stat_progress_basebackup). */
  baseBackups?: BaseBackupRow[];
  /** Undefined when the monitoring role may not read pg_hba_file_rules (see docs/monitoring-roles.md). */
  permissionFingerprint?: string;
  /** The facts behind it, one per subject, to name what drifted. */
  permissionEntries?: PermissionEntry[];
  /** Why there is no fingerprint, when there is none. */
  permissionProblem?: string;
  /** When the permission facts were read, if in an earlier round (carried: shared/permission-cadence.ts). */
  permissionReadAtMillis?: number;
}

/** The permission facts of one node as last read: the fingerprint and its entries, or why there are none. */
export type PostgresqlPermissionFacts = Pick<PostgresqlNodeAnswer, 'permissionFingerprint' | 'permissionEntries' | 'permissionProblem'>;

interface PositionRow extends Record<string, unknown> {
  in_recovery: boolean;
  current_lsn: string | null;
  receive_lsn: string | null;
  replay_lsn: string | null;
  ssl: string;
  password_encryption: string;
  /** The permission change signals; absent in rows captured before they were read with the positions. */
  conf_loaded_at?: string | null;
  roles_digest?: string | null;
  memberships_digest?: string | null;
}

/**
 * Run the probe's queries: one round trip per node each interval (positions with the permission change
 * signals, replication, WAL receiver, recovery, base backups: one prepared statement, client.ts), plus one for the
 * permission facts only when `permissions` says they are due (a new connection, a changed signal,
 * or `permissions_interval` since the last read). Permissions apart, so a missing grant only loses
 * the fingerprint. Throws on connection problems.
 */
export async function probePostgresqlNode(
  client: PostgresqlProbeClient,
  permissions: PermissionCadence<PostgresqlPermissionFacts> = readEveryTime,
): Promise<PostgresqlNodeAnswer> {
  const [positions, replication, receivers, recovery, backups] = await client.queryBatch(ROUND_STATEMENTS);
  const position = positions?.[0] as PositionRow | undefined;
  if (position === undefined) throw new Error('pg_is_in_recovery() returned no row');
  const answer: PostgresqlNodeAnswer = { inRecovery: position.in_recovery, replication: [] };
  setIfDefined(answer, 'currentLsnBytes', optionalLsnBytes(position.current_lsn));
  setIfDefined(answer, 'receiveLsnBytes', optionalLsnBytes(position.receive_lsn));
  setIfDefined(answer, 'replayLsnBytes', optionalLsnBytes(position.replay_lsn));
  if (!answer.inRecovery) answer.replication = (replication ?? []) as unknown as ReplicationRow[];
  const receiver = receivers?.[0] as { status: string | null; sender_host: string | null; sender_port: number | null } | undefined;
  if (answer.inRecovery && receiver !== undefined)
    answer.walReceiver = { status: receiver.status, senderHost: receiver.sender_host, senderPort: receiver.sender_port };
  const activity = answer.inRecovery ? recoveryActivityOf(recovery) : undefined;
  if (activity !== undefined) answer.recovery = activity;
  if (backups !== undefined && backups.length > 0) answer.baseBackups = backups as unknown as BaseBackupRow[];
  const settings = [
    { name: 'password_encryption', setting: position.password_encryption },
    { name: 'ssl', setting: position.ssl },
  ];
  const signal = JSON.stringify([position.conf_loaded_at, position.roles_digest, position.memberships_digest, settings]);
  const read = await permissions.current(client, signal, () => readPermissionFacts(client, settings));
  Object.assign(answer, read.facts);
  if (read.carried) answer.permissionReadAtMillis = read.readAtMillis;
  return answer;
}

/** Every interval's statements, one list for the process: the client finds its prepared statement by this list. */
const ROUND_STATEMENTS: readonly string[] = [POSITION_SQL, REPLICATION_SQL, WAL_RECEIVER_SQL, RECOVERY_SQL, BASE_BACKUP_SQL];

/** Without a cadence (tests, one-off probes): the permission facts are read with every probe. */
const readEveryTime = new PermissionCadence<PostgresqlPermissionFacts>(0, Date.now);

/** pg_hba rules and login roles, one round trip; denied (42501): no fingerprint, and why. */
async function readPermissionFacts(client: PostgresqlProbeClient, settings: readonly { name: string; setting: string }[]): Promise<PostgresqlPermissionFacts> {
  try {
    const [hba, roles] = await client.queryBatch([HBA_SQL, LOGIN_ROLES_SQL]);
    const hbaRows = (hba ?? []) as unknown as HbaRuleRow[];
    const roleRows = (roles ?? []) as unknown as LoginRoleRow[];
    return { permissionFingerprint: permissionFingerprintOf(hbaRows, roleRows, settings), permissionEntries: permissionEntriesOf(hbaRows, roleRows, settings) };
  } catch (error) {
    if (error instanceof ProbeTimeoutError || (error as { code?: unknown }).code !== '42501') throw error;
    return {
      permissionProblem: `permission denied reading pg_hba_file_rules: grant the monitoring role SELECT on pg_hba_file_rules and EXECUTE on pg_hba_file_rules() (docs/monitoring-roles.md)`,
    };
  }
}

function setIfDefined<K extends 'currentLsnBytes' | 'receiveLsnBytes' | 'replayLsnBytes'>(
  answer: PostgresqlNodeAnswer,
  key: K,
  value: number | undefined,
): void {
  if (value !== undefined) answer[key] = value;
}
