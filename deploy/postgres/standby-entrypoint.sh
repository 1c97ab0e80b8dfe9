#!/bin/sh
# The standby: on first start, clone the primary with pg_basebackup (-R writes
# standby.signal and primary_conninfo), then run PostgreSQL as a streaming standby.
# Arguments are passed on to postgres (the tests add a port and a socket directory).
set -eu

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready --host="$PRIMARY_HOST" --port="${PRIMARY_PORT:-5432}" --username=replicator --dbname=postgres >/dev/null 2>&1; do
    echo "waiting for the primary at $PRIMARY_HOST"
    sleep 1
  done
  # The primary's init script may still be creating the replication role.
  until PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup --host="$PRIMARY_HOST" --port="${PRIMARY_PORT:-5432}" --username=replicator \
      --pgdata="$PGDATA" --wal-method=stream --write-recovery-conf --checkpoint=fast; do
    echo "pg_basebackup failed; retrying in 2 s"
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 700 "$PGDATA"
fi

exec postgres -c hot_standby=on -c hot_standby_feedback=on "$@"
