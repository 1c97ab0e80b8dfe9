import type { Observation } from '../../model/types';
import { normalizeHostPort } from '../shared/node-address';
import type { PostgresqlNodeConfig } from './config';

/**
 * A standby catching up without streaming (restoring from the WAL archive, or replaying WAL it
 * already has) and a member being cloned with pg_basebackup: the two PostgreSQL ways of a full
 * resync (issue 14). Both become `Observation.fullResync`, the path Redis' `master_sync_*` takes,
 * so the reason, the progress and the ETA come from the bytes replayed or transferred.
 */

/**
 * On a standby: what its startup process (the one that replays WAL) is waiting for, whether a
 * `restore_command` is set (only whether: the command may hold a secret) and whether the monitoring
 * role may see the startup process at all (without pg_read_all_stats its row is hidden). No row on
 * a primary, where pg_stat_get_activity is not called: the lateral subquery runs once per row of the
 * recovery test, and there is none (a plain `WHERE pg_is_in_recovery()` is volatile, so it was applied
 * after building every backend's row). pg_stat_get_activity, not the pg_stat_activity view: the same
 * rows without joining pg_database and pg_authid. Not from pg_settings: it builds every setting's row
 * on each execution, 1.3 ms of a 2 ms round (PostgreSQL 15, prepared); current_setting() reads one.
 * Where the setting is superuser-only reading it would fail the whole round, so without
 * pg_read_all_settings (pg_monitor has it, superusers pass) it is NULL: not known.
 */
export const RECOVERY_SQL = `SELECT a.wait_event AS startup_wait_event, a.backend_type IS NOT NULL AS startup_visible,
  CASE WHEN pg_has_role('pg_read_all_settings', 'USAGE') THEN current_setting('restore_command', true) <> '' END AS restore_command_set
FROM (SELECT pg_is_in_recovery() AS in_recovery OFFSET 0) r
  LEFT JOIN LATERAL (SELECT s.wait_event, s.backend_type FROM pg_stat_get_activity(NULL) s WHERE r.in_recovery AND s.backend_type = 'startup' LIMIT 1) a ON true
WHERE r.in_recovery`;

/**
 * Base backups being taken from this node (pg_basebackup), with who takes them: a member being cloned.
 * The taker from pg_stat_get_activity(pid): only the backups' own rows are built (none, mostly).
 */
export const BASE_BACKUP_SQL = `SELECT a.application_name, host(a.client_addr) AS client_addr, b.phase,
  b.backup_total::float8 AS backup_total, b.backup_streamed::float8 AS backup_streamed
FROM pg_stat_progress_basebackup b LEFT JOIN LATERAL pg_stat_get_activity(b.pid) a ON true ORDER BY b.pid`;

/** What a standby's recovery is doing (RECOVERY_SQL). */
export interface RecoveryActivity {
  /** The startup process' wait event; null while it works (replays, runs restore_command). */
  startupWaitEvent: string | null;
  /** False: the startup process is hidden from the monitoring role (no pg_read_all_stats), so nothing is claimed. */
  startupVisible: boolean;
  /** Undefined: the setting could not be read. */
  restoreCommandSet?: boolean;
}

/** One pg_stat_progress_basebackup row (BASE_BACKUP_SQL). */
export interface BaseBackupRow {
  application_name: string | null;
  client_addr: string | null;
  phase: string;
  /** NULL with `pg_basebackup --no-estimate-size`, and before the size is estimated. */
  backup_total: number | null;
  backup_streamed: number | null;
}

export function recoveryActivityOf(rows: readonly Record<string, unknown>[] | undefined): RecoveryActivity | undefined {
  const row = rows?.[0];
  if (row === undefined) return undefined;
  const activity: RecoveryActivity = {
    startupWaitEvent: typeof row['startup_wait_event'] === 'string' ? row['startup_wait_event'] : null,
    startupVisible: row['startup_visible'] === true,
  };
  if (typeof row['restore_command_set'] === 'boolean') activity.restoreCommandSet = row['restore_command_set'];
  return activity;
}

/**
 * The startup process' wait events that mean it is not replaying: waiting for WAL to appear (in the
 * archive, or from a WAL receiver), paused, or holding WAL back on purpose (recovery_min_apply_delay).
 */
const WAITING_FOR_WAL = new Set(['RecoveryRetrieveRetryInterval', 'RecoveryWalStream', 'RecoveryPause', 'RecoveryApplyDelay']);

/** A restore under way: where it began, so the bytes replayed count from there. */
interface RestoreRun {
  startLsnBytes: number;
}

/**
 * Per member, across rounds: the replay LSN seen last and the restore run under way. A run begins
 * when a standby with no WAL receiver replayed WAL since the last round while its startup process is
 * not waiting for WAL; it lasts while it does not wait (restore_command fetching a segment replays
 * nothing for a while: still the same restore) and ends when it waits, streams, or leaves recovery.
 * Needing movement to begin keeps a standby whose link is broken, which tries its sources in turn,
 * from showing as restoring for a round.
 */
export class RestoreMemory {
  private readonly lastReplay = new Map<string, number>();
  private readonly runs = new Map<string, RestoreRun>();

  /**
   * The standby's restore progress this round, or undefined when it is not restoring. `leaderLsnBytes`:
   * the primary's pg_current_wal_lsn() of the same round (undefined: no primary to compare with,
   * so the total is unknown).
   */
  progressOf(
    member: string,
    standby: { replayLsnBytes?: number; walReceiverRuns: boolean; recovery?: RecoveryActivity },
    leaderLsnBytes: number | undefined,
  ): Observation['fullResync'] | undefined {
    const replay = standby.replayLsnBytes;
    const previous = this.lastReplay.get(member);
    if (replay === undefined) this.lastReplay.delete(member);
    else this.lastReplay.set(member, replay);
    const recovery = standby.recovery;
    const working = recovery !== undefined && recovery.startupVisible && !WAITING_FOR_WAL.has(recovery.startupWaitEvent ?? '');
    if (replay === undefined || standby.walReceiverRuns || !working) {
      this.runs.delete(member);
      return undefined;
    }
    let run = this.runs.get(member);
    if (run === undefined) {
      if (previous === undefined || replay <= previous) return undefined;
      run = { startLsnBytes: previous };
      this.runs.set(member, run);
    }
    const method = recovery.restoreCommandSet === true ? 'archive-restore' : 'wal-replay';
    const transferredBytes = Math.max(0, replay - run.startLsnBytes);
    if (leaderLsnBytes === undefined) return { transferredBytes, method };
    return { transferredBytes, totalBytes: Math.max(transferredBytes, leaderLsnBytes - run.startLsnBytes), method };
  }

  /** Forget a member that did not answer as a standby this round. */
  forget(member: string): void {
    this.lastReplay.delete(member);
    this.runs.delete(member);
  }
}

/**
 * The base backup cloning this member, from the rows of every node that answered: by
 * `application_name` equal to the member name (`pg_basebackup -d 'application_name=pg-2'`), else
 * the only backup taken from the member's host when no other configured node shares that host (a
 * nightly backup taken on the primary's host is no clone of anyone). Only asked for a member whose
 * server refuses connections: a running server is not being cloned into.
 */
export function baseBackupOf(
  node: PostgresqlNodeConfig,
  nodes: readonly PostgresqlNodeConfig[],
  backups: readonly BaseBackupRow[],
): Observation['fullResync'] | undefined {
  const others = new Set(nodes.filter((n) => n.member !== node.member).map((n) => n.member));
  let row = backups.find((b) => b.application_name === node.member);
  if (row === undefined) {
    const host = normalizeHostPort(node.host, 0);
    const hostShared = nodes.some((n) => n.member !== node.member && normalizeHostPort(n.host, 0) === host);
    const fromHost = backups.filter((b) => !others.has(b.application_name ?? '') && b.client_addr !== null && normalizeHostPort(b.client_addr, 0) === host);
    if (!hostShared && fromHost.length === 1) row = fromHost[0];
  }
  if (row === undefined) return undefined;
  const transferredBytes = Math.max(0, row.backup_streamed ?? 0);
  const resync: NonNullable<Observation['fullResync']> = { transferredBytes, method: 'base-backup', stage: row.phase };
  if (row.backup_total !== null && row.backup_total > 0) resync.totalBytes = Math.max(transferredBytes, row.backup_total);
  return resync;
}
