/**
 * The OpenTelemetry Collector contrib receivers' metrics Rebound reads over OTLP (DESIGN.md §3.1,
 * "Also read"), exactly as their `metadata.yaml` define them: name, unit, instrument and the
 * attribute keys. One table; the OTLP receiver README lists the same names. Sources (the
 * transcriptions the tests check against are in `testdata/contrib-metadata.ts`):
 *
 * - receiver/redisreceiver/metadata.yaml, opentelemetry-collector-contrib commit 02aa22bd
 * - receiver/postgresqlreceiver/metadata.yaml, commit 009e716d (≥ v0.156.0)
 * - receiver/mysqlreceiver/metadata.yaml, commit 00852ff2
 * - receiver/mongodbreceiver scraper and tests (the replica-set metrics of recent versions; their
 *   metadata.yaml was not available to us, so their units are not checked)
 *
 * Names only here; what they mean for a member is in derive.ts.
 */

/** Which contrib receiver a metric comes from: its members are derived by that system's rules. */
export type ContribSystem = 'redis' | 'postgresql' | 'mysql' | 'mongodb';

/** What a contrib metric tells Rebound. `alive`: the receiver reached the database at that time (nothing else). */
export type ContribField =
  | 'alive'
  | 'redisRole'
  | 'redisOffset'
  | 'redisReplicaOffset'
  | 'redisReplicasConnected'
  | 'pgDataDelay'
  | 'pgWalLag'
  | 'pgWalDelay'
  | 'mysqlBehindSource'
  | 'mysqlSqlDelay'
  | 'mongoLag'
  | 'mongoMemberStatus';

export interface ContribMetric {
  system: ContribSystem;
  field: ContribField;
  /** The unit the receiver sets; another one is refused (a renamed or converted metric is not what we know). Absent: not checked. */
  unit?: string;
}

export const CONTRIB_METRICS: ReadonlyMap<string, ContribMetric> = new Map<string, ContribMetric>([
  // redisreceiver. redis.role and redis.replication.replica_offset are disabled by default.
  ['redis.role', { system: 'redis', field: 'redisRole', unit: '{role}' }],
  ['redis.replication.offset', { system: 'redis', field: 'redisOffset', unit: 'By' }],
  ['redis.replication.replica_offset', { system: 'redis', field: 'redisReplicaOffset', unit: 'By' }],
  ['redis.slaves.connected', { system: 'redis', field: 'redisReplicasConnected', unit: '{replica}' }],
  ['redis.uptime', { system: 'redis', field: 'alive', unit: 's' }],
  // postgresqlreceiver: the replication rows come from the primary's pg_stat_replication.
  ['postgresql.replication.data_delay', { system: 'postgresql', field: 'pgDataDelay', unit: 'By' }],
  ['postgresql.wal.lag', { system: 'postgresql', field: 'pgWalLag', unit: 's' }],
  ['postgresql.wal.delay', { system: 'postgresql', field: 'pgWalDelay', unit: 's' }],
  // Instance-level, one point per scrape, on the same resource as the replication rows.
  ['postgresql.database.count', { system: 'postgresql', field: 'alive', unit: '{databases}' }],
  ['postgresql.connection.max', { system: 'postgresql', field: 'alive', unit: '{connections}' }],
  // mysqlreceiver. Both replica metrics are disabled by default.
  ['mysql.replica.time_behind_source', { system: 'mysql', field: 'mysqlBehindSource', unit: 's' }],
  ['mysql.replica.sql_delay', { system: 'mysql', field: 'mysqlSqlDelay', unit: 's' }],
  ['mysql.uptime', { system: 'mysql', field: 'alive', unit: 's' }],
  // mongodbreceiver (recent versions, disabled by default).
  ['mongodb.replica_set.lag', { system: 'mongodb', field: 'mongoLag' }],
  ['mongodb.replica_set.member.status', { system: 'mongodb', field: 'mongoMemberStatus' }],
]);

/** Point attributes, as the metadata.yaml files name them (after `name_override`). */
export const REDIS_ROLE_ATTRIBUTE = 'role'; // primary | replica
export const PG_OPERATION_ATTRIBUTE = 'operation'; // wal_operation_lag: flush | replay | write
export const PG_REPLICATION_CLIENT_ATTRIBUTE = 'replication_client'; // client_addr of the walsender, or "unix"
export const MONGO_MEMBER_NAME_ATTRIBUTE = 'mongodb.replica_set.member.name';
export const MONGO_LAG_TYPE_ATTRIBUTE = 'mongodb.replica_set.lag.type'; // applied | durable
export const MONGO_MEMBER_STATE_ATTRIBUTE = 'mongodb.replica_set.member.state';

/** Resource attributes naming the database instance a point is about. */
export const SERVER_ADDRESS_ATTRIBUTE = 'server.address';
export const SERVER_PORT_ATTRIBUTE = 'server.port';
export const MYSQL_ENDPOINT_ATTRIBUTE = 'mysql.instance.endpoint';
