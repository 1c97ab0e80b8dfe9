/**
 * What the OpenTelemetry Collector contrib receivers emit, transcribed by hand from their
 * metadata.yaml (names, units, instrument, value type, attribute keys after name_override,
 * resource attributes, enabled by default). The tests build their requests from this file,
 * not from contrib-metrics.ts, so a name or unit our table gets wrong fails them.
 *
 * Versions (github.com/open-telemetry/opentelemetry-collector-contrib):
 * - redisreceiver: receiver/redisreceiver/metadata.yaml at commit 02aa22bd726d (contrib main;
 *   redis.role, redis.replication.replica_offset and the server.address/server.port resource
 *   attributes are disabled by default there).
 * - postgresqlreceiver: receiver/postgresqlreceiver/metadata.yaml at commit 009e716d98ab
 *   (≥ v0.156.0, its newest feature gate receiver.postgresql.useOTelSemconv is from v0.156.0;
 *   postgresql.wal.delay replaces postgresql.wal.lag under postgresqlreceiver.preciselagmetrics,
 *   beta since v0.89.0). The rows come from
 *   `SELECT coalesce(cast(client_addr as varchar), 'unix'), coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1), …replay_lag… FROM pg_stat_replication`
 *   (client.go); -1 (NULL) is not emitted, so an idle standby sends no wal.lag/wal.delay point.
 * - mysqlreceiver: receiver/mysqlreceiver/metadata.yaml at commit 00852ff23ed8; scraper.go
 *   emits time_behind_source only when Seconds_Behind_Source is not NULL, sql_delay always.
 * - mongodbreceiver: the replica-set metrics of recent versions, from scraper.go and
 *   scraper_test.go as stored (their metadata.yaml was not available: units are the seconds the
 *   scraper computes, the state values mdatagen's lowercase enum).
 */

export type Instrument = 'gauge' | 'updowncounter';

export interface MetricDefinition {
  unit: string;
  /** gauge; or a non-monotonic cumulative sum (an UpDownCounter in the SDK). */
  instrument: Instrument;
  valueType: 'int' | 'double';
  attributes: readonly string[];
  enabledByDefault: boolean;
}

export interface ReceiverMetadata {
  receiver: string;
  source: string;
  resourceAttributes: Readonly<Record<string, { type: 'string' | 'int'; enabledByDefault: boolean }>>;
  metrics: Readonly<Record<string, MetricDefinition>>;
}

export const REDIS_RECEIVER: ReceiverMetadata = {
  receiver: 'redisreceiver',
  source: 'receiver/redisreceiver/metadata.yaml @ 02aa22bd726d',
  resourceAttributes: {
    'redis.version': { type: 'string', enabledByDefault: true },
    'server.address': { type: 'string', enabledByDefault: false },
    'server.port': { type: 'string', enabledByDefault: false },
  },
  metrics: {
    'redis.role': { unit: '{role}', instrument: 'updowncounter', valueType: 'int', attributes: ['role'], enabledByDefault: false },
    'redis.replication.offset': { unit: 'By', instrument: 'gauge', valueType: 'int', attributes: [], enabledByDefault: true },
    'redis.replication.replica_offset': { unit: 'By', instrument: 'gauge', valueType: 'int', attributes: [], enabledByDefault: false },
    'redis.slaves.connected': { unit: '{replica}', instrument: 'updowncounter', valueType: 'int', attributes: [], enabledByDefault: true },
    'redis.uptime': { unit: 's', instrument: 'updowncounter', valueType: 'int', attributes: [], enabledByDefault: true },
  },
};

export const POSTGRESQL_RECEIVER: ReceiverMetadata = {
  receiver: 'postgresqlreceiver',
  source: 'receiver/postgresqlreceiver/metadata.yaml @ 009e716d98ab',
  resourceAttributes: {
    'server.address': { type: 'string', enabledByDefault: true },
    'server.port': { type: 'int', enabledByDefault: true },
    'service.instance.id': { type: 'string', enabledByDefault: true },
  },
  metrics: {
    'postgresql.replication.data_delay': { unit: 'By', instrument: 'gauge', valueType: 'int', attributes: ['replication_client'], enabledByDefault: true },
    'postgresql.wal.lag': { unit: 's', instrument: 'gauge', valueType: 'int', attributes: ['operation', 'replication_client'], enabledByDefault: true },
    'postgresql.wal.delay': { unit: 's', instrument: 'gauge', valueType: 'double', attributes: ['operation', 'replication_client'], enabledByDefault: false },
    'postgresql.database.count': { unit: '{databases}', instrument: 'updowncounter', valueType: 'int', attributes: [], enabledByDefault: true },
    'postgresql.connection.max': { unit: '{connections}', instrument: 'gauge', valueType: 'int', attributes: [], enabledByDefault: true },
  },
};

export const MYSQL_RECEIVER: ReceiverMetadata = {
  receiver: 'mysqlreceiver',
  source: 'receiver/mysqlreceiver/metadata.yaml @ 00852ff23ed8',
  resourceAttributes: { 'mysql.instance.endpoint': { type: 'string', enabledByDefault: true } },
  metrics: {
    'mysql.replica.time_behind_source': { unit: 's', instrument: 'updowncounter', valueType: 'int', attributes: [], enabledByDefault: false },
    'mysql.replica.sql_delay': { unit: 's', instrument: 'updowncounter', valueType: 'int', attributes: [], enabledByDefault: false },
    'mysql.uptime': { unit: 's', instrument: 'updowncounter', valueType: 'int', attributes: [], enabledByDefault: true },
  },
};

export const MONGODB_RECEIVER: ReceiverMetadata = {
  receiver: 'mongodbreceiver',
  source: 'receiver/mongodbreceiver/scraper.go, scraper_test.go (recent versions)',
  resourceAttributes: {
    'server.address': { type: 'string', enabledByDefault: true },
    'server.port': { type: 'int', enabledByDefault: false },
  },
  metrics: {
    'mongodb.replica_set.lag': {
      unit: 's',
      instrument: 'gauge',
      valueType: 'double',
      attributes: ['mongodb.replica_set.member.name', 'mongodb.replica_set.lag.type'],
      enabledByDefault: false,
    },
    'mongodb.replica_set.member.status': {
      unit: '{status}',
      instrument: 'updowncounter',
      valueType: 'int',
      attributes: ['mongodb.replica_set.member.state'],
      enabledByDefault: false,
    },
  },
};

export const RECEIVERS = [REDIS_RECEIVER, POSTGRESQL_RECEIVER, MYSQL_RECEIVER, MONGODB_RECEIVER] as const;

/** mongodb.replica_set.member.state values (scraper.go's replicaSetMemberStates). */
export const MONGO_STATES = ['startup', 'primary', 'secondary', 'recovering', 'startup2', 'unknown', 'arbiter', 'down', 'rollback', 'removed'] as const;
