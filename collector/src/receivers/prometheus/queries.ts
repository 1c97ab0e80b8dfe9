import type { ExporterKind } from './config';

/**
 * The metric names each exporter is read through: the Debian packages'
 * (prometheus-redis-exporter 1.45, prometheus-postgres-exporter 0.11.1,
 * prometheus-mysqld-exporter 0.14) first, then newer upstream spellings.
 */
export const EXPORTER_METRICS: Readonly<Record<ExporterKind, readonly string[]>> = {
  redis_exporter: [
    'redis_up',
    'redis_instance_info',
    'redis_master_repl_offset',
    'redis_slave_repl_offset',
    'redis_master_link_up',
    'redis_master_sync_in_progress',
    'redis_connected_slave_offset_bytes',
    'redis_connected_slave_lag_seconds',
  ],
  postgres_exporter: [
    'pg_up',
    'pg_settings_in_hot_standby',
    // Newer upstream (0.12+, replication collector).
    'pg_replication_is_replica',
    'pg_stat_replication_pg_wal_lsn_diff',
    'pg_stat_replication_pg_current_wal_lsn_bytes',
    'pg_exporter_last_scrape_error',
  ],
  mysqld_exporter: [
    'mysql_up',
    'mysql_exporter_last_scrape_error',
    'mysql_global_variables_read_only',
    'mysql_slave_status_slave_io_running',
    'mysql_slave_status_slave_sql_running',
    'mysql_slave_status_seconds_behind_master',
    'mysql_slave_status_last_io_errno',
    'mysql_slave_status_last_sql_errno',
    // MySQL 8.0.22+ SHOW REPLICA STATUS column names, as newer exporters expose them.
    'mysql_slave_status_replica_io_running',
    'mysql_slave_status_replica_sql_running',
    'mysql_slave_status_seconds_behind_source',
  ],
};

/** The queries of one round: the scrape health of every target, and the exporter's metrics in one regex selector. */
export interface RoundQueries {
  up: string;
  metrics: string;
}

/**
 * Range selectors over the last `windowSeconds`, not plain instant selectors: an instant
 * query returns a series' last sample up to 5 minutes old (Prometheus' lookback), e.g. a
 * row that left pg_stat_replication while no staleness marker was written (Prometheus
 * restarted in between). With the window, only samples scraped within it count, and each
 * comes with its scrape time.
 */
export function roundQueries(exporter: ExporterKind, matchers: string, windowSeconds: number): RoundQueries {
  const extra = matchers === '' ? '' : `, ${matchers}`;
  const window = `[${Math.max(1, Math.round(windowSeconds))}s]`;
  return {
    up: `up{${matchers}}${window}`,
    metrics: `{__name__=~"${EXPORTER_METRICS[exporter].join('|')}"${extra}}${window}`,
  };
}
