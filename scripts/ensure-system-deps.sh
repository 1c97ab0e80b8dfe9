#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when missing:
# Redis, PostgreSQL and MariaDB servers (own instances on spare ports), Prometheus and promtool
# (rule tests, real scrapes), the Redis/PostgreSQL/MySQL exporters, Chromium (panel in a real browser), openssl (TLS test certificates), docker-compose
# (validates docker-compose.yml; no Docker engine needed), iproute2 and iptables (the network-partition test's
# namespaces and cuts).
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
{ [ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null; } || missing+=(mariadb-server)
command -v promtool >/dev/null || missing+=(prometheus)
command -v chromium >/dev/null || missing+=(chromium)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v openssl >/dev/null || missing+=(openssl)
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v psql >/dev/null || missing+=(postgresql-client)
# The exporters the prometheus receiver reads (its integration tests run one per node).
command -v prometheus-redis-exporter >/dev/null || missing+=(prometheus-redis-exporter)
command -v prometheus-postgres-exporter >/dev/null || missing+=(prometheus-postgres-exporter)
command -v prometheus-mysqld-exporter >/dev/null || missing+=(prometheus-mysqld-exporter)
command -v ip >/dev/null || missing+=(iproute2)
command -v iptables >/dev/null || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
