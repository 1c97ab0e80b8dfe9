/**
 * The recovery model's vocabulary (DESIGN.md §2). These names are the contract
 * between receivers, the derivation and the exporters.
 */

// Roles, member statuses and phases (contract) and the one phase rank live in @rebound/contract.
import type { Role } from '@rebound/contract';
export { MEMBER_STATUSES, PHASES, PHASE_RANK, ROLES, type MemberStatus, type Phase, type Role } from '@rebound/contract';

/** Failure-domain attributes of a member, e.g. `{ 'cloud.availability_zone': 'eu-1a' }`. */
export type Dependencies = Readonly<Record<string, string>>;

/**
 * What a receiver learned about one member at one instant. Fields a source does
 * not know stay undefined: undefined means "not observed", never "fine".
 */
export interface Observation {
  group: string;
  member: string;
  /** Name of the source that produced it, as in `recovery_source_up{source}` (e.g. `redis/cache`). */
  source: string;
  /** When the member was observed (Unix epoch milliseconds). */
  observedAtMillis: number;
  /** The role the member has now, as the source sees it. */
  role?: Role;
  /** False when the source answered that the member is down or unreachable. */
  reachable: boolean;
  /** Whether the member serves traffic (leaders, paths). */
  serving?: boolean;
  /**
   * Set by a source that sees this replica's replication link down or not
   * applying (MySQL/MariaDB IO or SQL thread not running, no channel): it is
   * never converged, whatever its lag; the text names the link or thread.
   */
  replicationStoppedReason?: string;
  /**
   * Set by a source that reached the member but cannot tell its role or
   * position (e.g. the monitoring account may not read replication status):
   * the member is `unknown`, never a leader or converged; the text says why.
   */
  unknownReason?: string;
  /**
   * Set by a source that sees this replica loading a full copy from the leader (Redis full
   * resync), a PostgreSQL standby catching up without streaming (restoring from the WAL archive,
   * replaying WAL it has) or a member being cloned (pg_basebackup, which may come with
   * `reachable: false`: its server does not run while its data directory is written): its
   * offset lag means nothing until the copy is in; progress follows the bytes transferred or
   * replayed. `totalBytes` absent: the size is not known (diskless sync, no primary to compare with).
   */
  fullResync?: FullResync;
  /** Replication position: offset, LSN, sequence — monotonic within one history. */
  position?: number;
  /** Seconds behind the leader, where the source knows it. */
  lagSeconds?: number;
  /** Bytes behind the leader, where the source knows it. */
  lagBytes?: number;
  /** Checksum or version of the data/config the member holds. */
  stateFingerprint?: string;
  /** Stable hash of who may do what on this member (ACLs, roles, HBA rules, auth/TLS required). */
  permissionFingerprint?: string;
  /**
   * The permission facts behind `permissionFingerprint`, one per subject (a Redis user, an HBA
   * rule, a role, a grant), with no secret in them, so drift can name what differs. Optional.
   */
  permissionEntries?: readonly PermissionEntry[];
  /**
   * When `permissionFingerprint` and `permissionEntries` were read, if earlier than `observedAtMillis`:
   * a probing receiver reads them on their own cadence (`permissions_interval`) and on change signals,
   * and carries them in between, never longer than that interval (receivers/shared/permission-cadence.ts).
   */
  permissionObservedAtMillis?: number;
  /** Operations/s or connections, where the source knows it. */
  load?: number;
  /** Failure-domain attributes. Merged over declared dependencies from config. */
  dependencies?: Dependencies;
  /** For a replica: the member it replicates from, when the source can tell. A wrong one is divergence. */
  followsLeader?: string;
  /** Set by a source that itself detected divergence (e.g. split brain); the text says why. */
  divergedReason?: string;
  /**
   * For a replica: its replication link to the leader, where the source can tell. A link that is
   * down, or silent longer than the lag tolerance, is never converged, whatever the byte lag:
   * bytes stop growing when nothing arrives, so a small byte lag proves nothing then.
   */
  replicationLink?: ReplicationLink;
  /**
   * When `position`, `lagSeconds` and `lagBytes` were measured, if earlier than `observedAtMillis`
   * (a source that reports them apart from `reachable`, e.g. OTLP). Older than the freshness
   * window, they are no evidence of convergence.
   */
  replicationObservedAtMillis?: number;
}

/** A full copy or a catch-up without streaming under way (Observation.fullResync). */
export interface FullResync {
  /** Bytes of the copy received, or of WAL replayed since the restore began. */
  transferredBytes: number;
  /** The copy's size, or the WAL from where the restore began to the primary's current LSN. */
  totalBytes?: number;
  /** The transfer is done and the copy is being loaded (Redis): no rate tells how long that takes. */
  loading?: boolean;
  /**
   * How: absent, a copy from the leader (Redis); `archive-restore`, a standby replaying WAL its
   * restore_command fetches; `wal-replay`, one replaying WAL without streaming or restore_command
   * (a pg_wal backlog); `base-backup`, pg_basebackup copying the data directory.
   */
  method?: 'archive-restore' | 'wal-replay' | 'base-backup';
  /** The source's own name for the step, when it has one (pg_stat_progress_basebackup.phase). */
  stage?: string;
}

/** What a source says about a replica's replication link (Observation.replicationLink). */
export interface ReplicationLink {
  /** False: the link is down (Redis `master_link_status:down`, no streaming WAL receiver, missing from the primary's `pg_stat_replication`). */
  up: boolean;
  /** How long the link has been down, where known. */
  downForSeconds?: number;
  /**
   * Link up: seconds since it last carried anything the source can see (the leader's last
   * acknowledgement from this replica, or what the replica last received); the earliest sign of a
   * link that is cut but not yet timed out.
   */
  silentForSeconds?: number;
}

/** A member as declared in config before anything was observed (so it shows `unknown`, not absent). */
export interface MemberDeclaration {
  member: string;
  role?: Role;
  dependencies?: Dependencies;
}

/**
 * One subject's permissions as a source read them: `{ subject: 'user auditor', rules: 'on ~* +@read' }`.
 * `rules` holds no secret: password hashes appear only as `password:<digest>` tokens, which are
 * compared but never shown.
 */
export interface PermissionEntry {
  subject: string;
  rules: string;
}
