#!/bin/sh
# Chaos for the docker-compose demo: breaks the real Redis, PostgreSQL and MariaDB members in the
# ways Rebound is built to show, then lets them recover — in-band, with redis-cli, psql and the
# mariadb client only (no Docker socket). Every scenario logs one line when it starts and when it restores.
#
#   chaos.sh            loop over the scenarios forever, CHAOS_PAUSE_SECONDS apart
#   chaos.sh once       run every scenario once, then exit
#   chaos.sh restore    undo what an interrupted scenario left behind (also done at every start)
#   chaos.sh SCENARIO   run one scenario (redis_replica_sleep, redis_replica_restart,
#                       redis_acl_drift, pg_replay_pause, pg_hba_drift, pg_standby_restart,
#                       mysql_sql_thread_stop, mysql_grant_drift)
set -eu

REDIS_PRIMARY=${REDIS_PRIMARY:-redis-primary:6379}
REDIS_REPLICA_1=${REDIS_REPLICA_1:-redis-replica-1:6379}
REDIS_REPLICA_2=${REDIS_REPLICA_2:-redis-replica-2:6379}
PG_PRIMARY_URL=${PG_PRIMARY_URL:?set PG_PRIMARY_URL to the primary, as a superuser}
PG_STANDBY_URL=${PG_STANDBY_URL:?set PG_STANDBY_URL to the standby, as a superuser}
# The standby's pg_hba.conf (its data volume is mounted into this container).
STANDBY_HBA_FILE=${STANDBY_HBA_FILE:-/standby-data/pg_hba.conf}
MYSQL_PRIMARY=${MYSQL_PRIMARY:-mariadb-primary:3306}
MYSQL_REPLICA=${MYSQL_REPLICA:-mariadb-replica:3306}
MYSQL_CHAOS_USER=${MYSQL_CHAOS_USER:-root}
# The client reads the password from MYSQL_PWD (not on the command line, where ps shows it).
export MYSQL_PWD="${MYSQL_CHAOS_PASSWORD:?set MYSQL_CHAOS_PASSWORD to the MariaDB root password}"
HOLD=${CHAOS_HOLD_SECONDS:-90}
PAUSE=${CHAOS_PAUSE_SECONDS:-60}
# How long a stopped member's restart is watched before the next scenario.
RESTART_HOLD=${CHAOS_RESTART_HOLD_SECONDS:-20}
MARK='rebound-chaos'

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) chaos: $*"; }
redis() { addr=$1; shift; redis-cli -h "${addr%:*}" -p "${addr##*:}" "$@"; }
pg() { url=$1; shift; psql "$url" -v ON_ERROR_STOP=1 -qAtX -c "$*"; }
# --skip-ssl: the demo servers have no certificates, and newer clients would insist on TLS.
my() { addr=$1; shift; mariadb --skip-ssl -h "${addr%:*}" -P "${addr##*:}" -u "$MYSQL_CHAOS_USER" --connect-timeout=5 -NBe "$*"; }
# The drifted grant, and its undo. sql_log_bin=0: a grant on this node only — replicated it would
# not be drift, and binlogged on the replica it would be an errant transaction.
MYSQL_DRIFT_GRANT="SELECT ON rebound_demo.* TO 'rebound_monitor'@'%'"
MYSQL_DRIFT_REVOKE="SELECT ON rebound_demo.* FROM 'rebound_monitor'@'%'"

# Writes keep replication positions moving, so a paused or restarted member has real catching up
# to do. A primary that is briefly away (restarting) is not a reason to stop the chaos.
write_load() {
  redis "$REDIS_PRIMARY" EVAL "for i = 1, 500 do redis.call('SET', 'demo:' .. i, ARGV[1]) end" 0 "$(date +%s)" >/dev/null 2>&1 \
    || log "redis: write to $REDIS_PRIMARY failed"
  pg "$PG_PRIMARY_URL" "INSERT INTO demo_orders (payload) SELECT md5(random()::text) FROM generate_series(1, 500)" >/dev/null 2>&1 \
    || log "postgresql: write to the primary failed"
  my "$MYSQL_PRIMARY" "INSERT INTO rebound_demo.demo_orders (payload) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) SELECT MD5(RAND()) FROM n" >/dev/null 2>&1 \
    || log "mysql: write to $MYSQL_PRIMARY failed"
}

# Undo whatever a scenario interrupted by a restart of this container left behind.
restore_all() {
  redis "$REDIS_REPLICA_2" ACL DELUSER "$MARK" >/dev/null 2>&1 || true
  if grep -q "# $MARK\$" "$STANDBY_HBA_FILE" 2>/dev/null; then
    grep -v "# $MARK\$" "$STANDBY_HBA_FILE" > /tmp/pg_hba.conf || true
    cat /tmp/pg_hba.conf > "$STANDBY_HBA_FILE"
  fi
  pg "$PG_STANDBY_URL" "SELECT pg_reload_conf(), pg_wal_replay_resume()" >/dev/null 2>&1 || true
  my "$MYSQL_REPLICA" "SET sql_log_bin=0; REVOKE $MYSQL_DRIFT_REVOKE" >/dev/null 2>&1 || true
  my "$MYSQL_REPLICA" "START SLAVE SQL_THREAD" >/dev/null 2>&1 || true
}

hold() {
  end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do write_load; sleep 1; done
}

# A replica stops answering (DEBUG SLEEP blocks it) while the primary keeps writing: unreachable, then lagging, then converged.
redis_replica_sleep() {
  log "redis: $REDIS_REPLICA_2 sleeps for ${HOLD}s"
  redis "$REDIS_REPLICA_2" DEBUG SLEEP "$HOLD" >/dev/null &
  hold "$HOLD"
  wait
  log "redis: $REDIS_REPLICA_2 is awake and catching up"
}

# A replica process dies; its container's restart policy brings it back and it resyncs from scratch.
redis_replica_restart() {
  log "redis: $REDIS_REPLICA_1 shuts down (restart policy brings it back)"
  redis "$REDIS_REPLICA_1" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  hold "$RESTART_HOLD"
  log "redis: $REDIS_REPLICA_1 should be resyncing"
}

# Redis ACLs are not replicated: a user added on one node only is permission drift.
redis_acl_drift() {
  log "redis: ACL user $MARK added on $REDIS_REPLICA_2 only (permission drift)"
  redis "$REDIS_REPLICA_2" ACL SETUSER "$MARK" on '>chaos-demo-only' '~demo:*' +get >/dev/null
  hold "$HOLD"
  redis "$REDIS_REPLICA_2" ACL DELUSER "$MARK" >/dev/null
  log "redis: ACL user $MARK removed; permissions in sync again"
}

# The standby stops replaying WAL while the primary writes: replay lag grows, then shrinks after resume.
pg_replay_pause() {
  log "postgresql: standby pauses WAL replay for ${HOLD}s"
  pg "$PG_STANDBY_URL" "SELECT pg_wal_replay_pause()" >/dev/null
  hold "$HOLD"
  pg "$PG_STANDBY_URL" "SELECT pg_wal_replay_resume()" >/dev/null
  log "postgresql: standby replays again"
}

# pg_hba.conf is per node: one extra rule on the standby is permission drift. The address is from
# TEST-NET-1 (192.0.2.0/24), which no real client has, so the demo opens nothing.
pg_hba_drift() {
  log "postgresql: extra pg_hba rule on the standby only (permission drift)"
  echo "host all $MARK 192.0.2.1/32 trust # $MARK" >> "$STANDBY_HBA_FILE"
  pg "$PG_STANDBY_URL" "SELECT pg_reload_conf()" >/dev/null
  hold "$HOLD"
  # Rewrite in place (not sed -i) so the file keeps its owner, the postgres user.
  grep -v "# $MARK\$" "$STANDBY_HBA_FILE" > /tmp/pg_hba.conf || true
  cat /tmp/pg_hba.conf > "$STANDBY_HBA_FILE"
  pg "$PG_STANDBY_URL" "SELECT pg_reload_conf()" >/dev/null
  log "postgresql: pg_hba rule removed; permissions in sync again"
}

# The standby's postmaster gets a fast shutdown; its container's restart policy starts it again
# and it catches up from the primary.
pg_standby_restart() {
  log "postgresql: standby shuts down (restart policy brings it back)"
  pg "$PG_STANDBY_URL" "COPY (SELECT 1) TO PROGRAM 'kill -INT \$(head -1 \"\$PGDATA/postmaster.pid\")'" >/dev/null 2>&1 || true
  hold "$RESTART_HOLD"
  log "postgresql: standby should be catching up"
}

# The replica's SQL thread stops while its IO thread keeps receiving: "connected, not applying" —
# lag grows with no Seconds_Behind_Master to read, then it applies the backlog.
mysql_sql_thread_stop() {
  log "mysql: $MYSQL_REPLICA stops its SQL thread for ${HOLD}s (the IO thread keeps receiving)"
  my "$MYSQL_REPLICA" "STOP SLAVE SQL_THREAD" >/dev/null
  hold "$HOLD"
  my "$MYSQL_REPLICA" "START SLAVE SQL_THREAD" >/dev/null
  log "mysql: $MYSQL_REPLICA applies again and catches up"
}

# Grants replicate on MariaDB, so drift is a grant made on one node only, outside the binlog.
mysql_grant_drift() {
  log "mysql: GRANT $MYSQL_DRIFT_GRANT on $MYSQL_REPLICA only (permission drift)"
  my "$MYSQL_REPLICA" "SET sql_log_bin=0; GRANT $MYSQL_DRIFT_GRANT" >/dev/null
  hold "$HOLD"
  my "$MYSQL_REPLICA" "SET sql_log_bin=0; REVOKE $MYSQL_DRIFT_REVOKE" >/dev/null
  log "mysql: grant revoked on $MYSQL_REPLICA; permissions in sync again"
}

SCENARIOS="redis_replica_sleep redis_acl_drift pg_replay_pause mysql_sql_thread_stop redis_replica_restart pg_hba_drift mysql_grant_drift pg_standby_restart"

case "${1:-loop}" in
  loop)
    log "starting; scenarios: $SCENARIOS"
    restore_all
    while true; do
      for scenario in $SCENARIOS; do
        $scenario
        hold "$PAUSE"
      done
    done
    ;;
  restore)
    restore_all
    ;;
  once)
    restore_all
    for scenario in $SCENARIOS; do $scenario; done
    ;;
  *)
    case " $SCENARIOS " in
      *" $1 "*) "$1" ;;
      *) echo "unknown scenario \"$1\"; one of: $SCENARIOS" >&2; exit 2 ;;
    esac
    ;;
esac
