#!/usr/bin/env bash
# Makes sure PostgreSQL and NATS with JetStream are listening on localhost.
# Reuses servers already running; otherwise installs them with apt-get
# (Debian) where missing and starts them. Safe to run again and again.
#
#   deps.sh [--record DIR]   with --record, notes in DIR what it started,
#                            so `make down` stops only that.
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 NATS_HOST=127.0.0.1 NATS_PORT=4222
record=""
if [ "${1:-}" = "--record" ]; then record="$2"; mkdir -p "$record"; fi

say() { printf '[deps] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { # host port name
  for _ in $(seq 1 60); do listening "$1" "$2" && return 0; sleep 0.5; done
  say "$3 is not listening on $1:$2 after 30 s"; return 1
}
apt_install() {
  say "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if listening "$PG_HOST" "$PG_PORT"; then say "PostgreSQL already listening on $PG_HOST:$PG_PORT"; return; fi
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -z "$version" ]; then say "no PostgreSQL cluster found under /etc/postgresql"; exit 1; fi
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for "$PG_HOST" "$PG_PORT" PostgreSQL
  # The local stack connects as postgres over TCP without a password; a fresh
  # Debian install asks for one, so trust local TCP for postgres there.
  if ! psql "postgres://postgres@$PG_HOST:$PG_PORT/postgres" -Atqc "SELECT 1" >/dev/null 2>&1; then
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    say "allowing local TCP connections as postgres without a password in $hba"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
  [ -z "$record" ] || echo "$version" > "$record/started-postgres"
}

ensure_nats() {
  if listening "$NATS_HOST" "$NATS_PORT"; then say "NATS already listening on $NATS_HOST:$NATS_PORT"; return; fi
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  local bin
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  as_root mkdir -p /var/lib/nats-server
  say "starting NATS with JetStream"
  as_root start-stop-daemon --start --oknodo --background --make-pidfile --pidfile /run/complaints-nats.pid \
    --exec "$bin" -- -a "$NATS_HOST" -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_for "$NATS_HOST" "$NATS_PORT" NATS
  [ -z "$record" ] || echo /run/complaints-nats.pid > "$record/started-nats"
}

ensure_database() { # name
  local url="postgres://postgres@$PG_HOST:$PG_PORT/postgres"
  if ! psql "$url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; then
    say "creating database $1"
    psql "$url" -qc "CREATE DATABASE \"$1\"" >/dev/null
  fi
}

ensure_postgres
ensure_nats
command -v psql >/dev/null || apt_install postgresql-client
# The print-ready letters' tests read the PDFs with poppler's pdfinfo and pdftotext.
command -v pdftotext >/dev/null || apt_install poppler-utils
ensure_database "${COMPLAINTS_DATABASE:-complaints}"
