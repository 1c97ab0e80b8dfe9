#!/bin/sh
# Runs once when the primary's data directory is created (docker-entrypoint-initdb.d).
# Creates the streaming-replication role, the collector's read-only monitoring role and the
# table the chaos service writes to, and lets the standby connect for replication.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v replication_password="$REPLICATION_PASSWORD" -v monitor_password="$MONITOR_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
-- pg_monitor reads pg_stat_replication and the WAL positions; the host-based auth rules are
-- superuser-only by default, so the permission fingerprint needs these two grants.
CREATE ROLE rebound_monitor WITH LOGIN PASSWORD :'monitor_password' IN ROLE pg_monitor;
GRANT SELECT ON pg_hba_file_rules TO rebound_monitor;
GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO rebound_monitor;
CREATE TABLE demo_orders (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
SQL

echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
