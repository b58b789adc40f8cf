#!/usr/bin/env bash
# `make down`: stops what `make up` started, services first (SIGTERM, so
# each finishes its work in flight), then PostgreSQL and NATS if `make up`
# had to start them.
set -uo pipefail
cd "$(dirname "$0")/../.."
run="$(pwd)/.run"

stop_pid() { # pid name
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$1" 2>/dev/null || { echo "[down] $2 stopped"; return 0; }; sleep 0.5; done
  echo "[down] $2 did not stop within 15 s; killing it"
  kill -KILL "$1" 2>/dev/null || true
}

for service in console intake complaints notifications reporting; do
  pidfile="$run/$service.pid"
  [ -f "$pidfile" ] || continue
  stop_pid "$(cat "$pidfile")" "$service"
  rm -f "$pidfile"
done

if [ -f "$run/trace-catcher.pid" ]; then
  stop_pid "$(cat "$run/trace-catcher.pid")" "trace catcher"
  rm -f "$run/trace-catcher.pid"
fi

if [ -f "$run/mail-catcher.pid" ]; then
  stop_pid "$(cat "$run/mail-catcher.pid")" "mail catcher"
  rm -f "$run/mail-catcher.pid"
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ -f "$run/started-nats" ]; then
  pidfile=$(cat "$run/started-nats")
  as_root start-stop-daemon --stop --oknodo --pidfile "$pidfile" --retry 10 >/dev/null && echo "[down] NATS stopped"
  rm -f "$run/started-nats"
fi
if [ -f "$run/started-postgres" ]; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(cat "$run/started-postgres")" main stop && echo "[down] PostgreSQL stopped"
  rm -f "$run/started-postgres"
fi
