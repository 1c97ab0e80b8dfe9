#!/bin/sh
# Runs once when the primary's data directory is created (docker-entrypoint-initdb.d, as root over
# the local socket). Creates the replication account, the collector's least-privilege monitoring
# account (docs/monitoring-roles.md) and the table the chaos service writes to. These statements
# are binlogged on purpose: the replica starts from the primary's first GTID and gets them too,
# so both nodes have the same grants (the permission fingerprint agrees until chaos drifts it).
set -eu

: "${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}"
: "${MONITOR_PASSWORD:?set MONITOR_PASSWORD}"
REPLICATION_USER=${REPLICATION_USER:-rebound_repl}
export MYSQL_PWD="${MARIADB_ROOT_PASSWORD:-}"
# The image's init server listens on the default socket; MARIADB_SOCKET names another one (tests).
# An option, not MYSQL_UNIX_PORT: a client config file's socket= would win over that variable.
local_root() { mariadb ${MARIADB_SOCKET:+--socket="$MARIADB_SOCKET"} --protocol=socket --user=root "$@"; }

# A SQL string literal: backslashes and quotes doubled, so any password works.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }

local_root <<SQL
CREATE USER '$REPLICATION_USER'@'%' IDENTIFIED BY $(quote "$REPLICATION_PASSWORD");
GRANT REPLICATION SLAVE ON *.* TO '$REPLICATION_USER'@'%';
-- The monitoring account of docs/monitoring-roles.md (collector/src/receivers/mysql/testdata/monitor-account.ts).
CREATE USER 'rebound_monitor'@'%' IDENTIFIED BY $(quote "$MONITOR_PASSWORD");
GRANT SLAVE MONITOR, REPLICATION CLIENT ON *.* TO 'rebound_monitor'@'%';
GRANT SELECT ON mysql.* TO 'rebound_monitor'@'%';
CREATE DATABASE rebound_demo;
CREATE TABLE rebound_demo.demo_orders (id bigint AUTO_INCREMENT PRIMARY KEY, payload text NOT NULL, created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);
SQL
