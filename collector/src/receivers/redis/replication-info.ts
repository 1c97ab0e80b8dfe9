/** What `INFO replication` says about one node, parsed. */
export interface ReplicationInfo {
  role: 'master' | 'slave';
  /** The node's own replication offset: `master_repl_offset` on a master, `slave_repl_offset` on a replica. */
  offset: number;
  /** Replica only: where it replicates from. */
  masterHost?: string;
  masterPort?: number;
  /** Replica only: `master_link_status:up`. */
  linkUp?: boolean;
  /** Replica only: seconds the link has been down; absent when up or never connected (-1). */
  linkDownSinceSeconds?: number;
  /** Replica only: `master_last_io_seconds_ago`, seconds since it last heard from its master (a master pings every `repl-ping-replica-period`, 10 s by default); absent when -1. */
  lastIoSecondsAgo?: number;
  /** Replica only: a full sync (RDB transfer) is under way. */
  syncInProgress?: boolean;
  /** Replica in a full sync: `master_sync_total_bytes` (absent when -1: a diskless sync does not announce its size). */
  syncTotalBytes?: number;
  /** Replica in a full sync: `master_sync_read_bytes`, received so far. */
  syncReadBytes?: number;
  /** `master_replid`: the history this node's offsets count in (a replica carries its master's). */
  replicationId?: string;
  /** Master only: its `slaveN:` lines. */
  replicas: ConnectedReplica[];
}

/** One `slave0:ip=127.0.0.1,port=6380,state=online,offset=1234,lag=0` line of a master. */
export interface ConnectedReplica {
  ip: string;
  port: number;
  state: string;
  offset: number;
  /** Seconds since the replica's last acknowledgement (`lag=`; a connected replica acknowledges every second). */
  lagSeconds: number;
}

/** The INFO replication fields the parse reads; the others (backlog, failover state…) are skipped without copying them. */
const READ_FIELDS = new Set([
  'role',
  'master_repl_offset',
  'slave_repl_offset',
  'master_host',
  'master_port',
  'master_link_status',
  'master_link_down_since_seconds',
  'master_last_io_seconds_ago',
  'master_sync_in_progress',
  'master_sync_total_bytes',
  'master_sync_read_bytes',
  'master_replid',
]);

/**
 * Parse `INFO replication`, e.g.
 * `role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\nmaster_link_status:up\r\n…slave_repl_offset:50`.
 * Throws when the text is not an INFO replication answer (the probe then counts as failed).
 */
export function parseReplicationInfo(text: string): ReplicationInfo {
  const { fields, replicaLines } = fieldsOf(text);
  const role = fields.get('role');
  if (role !== 'master' && role !== 'slave') throw new Error(`INFO replication has no role:master or role:slave line (role: ${role ?? 'missing'})`);
  const masterOffset = integer(fields.get('master_repl_offset'));
  if (role === 'master') {
    if (masterOffset === undefined) throw new Error('INFO replication of a master has no master_repl_offset');
    const replicas: ConnectedReplica[] = [];
    for (const line of replicaLines.values()) {
      const replica = parseReplicaLine(line);
      if (replica !== null) replicas.push(replica);
    }
    return { role, offset: masterOffset, replicas, ...replicationIdOf(fields) };
  }
  const offset = integer(fields.get('slave_repl_offset')) ?? masterOffset;
  if (offset === undefined) throw new Error('INFO replication of a replica has no slave_repl_offset');
  const info: ReplicationInfo = {
    role,
    offset,
    linkUp: fields.get('master_link_status') === 'up',
    syncInProgress: fields.get('master_sync_in_progress') === '1',
    replicas: [],
    ...replicationIdOf(fields),
  };
  const host = fields.get('master_host');
  const port = integer(fields.get('master_port'));
  if (host !== undefined) info.masterHost = host;
  if (port !== undefined) info.masterPort = port;
  const downSince = integer(fields.get('master_link_down_since_seconds'));
  if (!info.linkUp && downSince !== undefined && downSince >= 0) info.linkDownSinceSeconds = downSince;
  if (info.syncInProgress) {
    const total = integer(fields.get('master_sync_total_bytes'));
    const read = integer(fields.get('master_sync_read_bytes'));
    if (total !== undefined && total > 0) info.syncTotalBytes = total;
    if (read !== undefined && read >= 0) info.syncReadBytes = read;
  }
  const lastIo = integer(fields.get('master_last_io_seconds_ago'));
  if (lastIo !== undefined && lastIo >= 0) info.lastIoSecondsAgo = lastIo;
  return info;
}

/**
 * The read fields and the `slaveN:` lines (by key, in order) of INFO text, one pass over it: lines
 * split on `\n` (a `\r` before it is trimmed with the value), `#` section headers skipped.
 */
function fieldsOf(text: string): { fields: Map<string, string>; replicaLines: Map<string, string> } {
  const fields = new Map<string, string>();
  const replicaLines = new Map<string, string>();
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end && text.charCodeAt(start) !== HASH) {
      const key = text.slice(start, colon);
      if (READ_FIELDS.has(key)) fields.set(key, text.slice(colon + 1, end).trim());
      else if (isReplicaKey(key)) replicaLines.set(key, text.slice(colon + 1, end).trim());
    }
    start = end + 1;
  }
  return { fields, replicaLines };
}

const HASH = '#'.charCodeAt(0);

/** `slave0`, `slave12`: a master's line per connected replica. */
function isReplicaKey(key: string): boolean {
  if (key.length <= 5 || !key.startsWith('slave')) return false;
  for (let i = 5; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function replicationIdOf(fields: ReadonlyMap<string, string>): { replicationId?: string } {
  const id = fields.get('master_replid');
  return id !== undefined && id.length > 0 ? { replicationId: id } : {};
}

/** `ip=127.0.0.1,port=6380,state=online,offset=1234,lag=0` */
function parseReplicaLine(text: string): ConnectedReplica | null {
  const parts = new Map(text.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const port = integer(parts.get('port'));
  const offset = integer(parts.get('offset'));
  const ip = parts.get('ip');
  if (ip === undefined || port === undefined || offset === undefined) return null;
  return { ip, port, state: parts.get('state') ?? 'unknown', offset, lagSeconds: integer(parts.get('lag')) ?? 0 };
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}
