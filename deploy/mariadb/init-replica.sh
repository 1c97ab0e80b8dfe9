#!/bin/sh
# Runs once when the replica's data directory is created (docker-entrypoint-initdb.d, as root over
# the local socket): waits until the primary lets the replication account in, then replicates it
# by GTID from its first transaction. The replica's own setup (root, healthcheck users) is not
# binlogged by the image; RESET MASTER makes sure no local GTID is left that strict mode would
# see as out of order (or the collector as an errant transaction).
set -eu

: "${PRIMARY_HOST:?set PRIMARY_HOST}"
: "${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}"
PRIMARY_PORT=${PRIMARY_PORT:-3306}
REPLICATION_USER=${REPLICATION_USER:-rebound_repl}
export MYSQL_PWD="${MARIADB_ROOT_PASSWORD:-}"
# The image's init server listens on the default socket; MARIADB_SOCKET names another one (tests).
# An option, not MYSQL_UNIX_PORT: a client config file's socket= would win over that variable.
local_root() { mariadb ${MARIADB_SOCKET:+--socket="$MARIADB_SOCKET"} --protocol=socket --user=root "$@"; }

quote() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }

# The primary's own init script may still be creating the replication account.
until MYSQL_PWD="$REPLICATION_PASSWORD" mariadb --skip-ssl --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" \
    --user="$REPLICATION_USER" --connect-timeout=3 -e 'SELECT 1' >/dev/null 2>&1; do
  echo "waiting for the primary at $PRIMARY_HOST:$PRIMARY_PORT"
  sleep 1
done

local_root <<SQL
RESET MASTER;
SET GLOBAL gtid_slave_pos = '';
CHANGE MASTER TO MASTER_HOST=$(quote "$PRIMARY_HOST"), MASTER_PORT=$PRIMARY_PORT,
  MASTER_USER=$(quote "$REPLICATION_USER"), MASTER_PASSWORD=$(quote "$REPLICATION_PASSWORD"),
  MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=5;
START SLAVE;
SQL
