#!/usr/bin/env bash
# `make reset`: stops the services `make up` started and clears the local
# platform's data: the four schemas in the `complaints` database and the
# JetStream streams of the `complaints` bus namespace (events and dead
# letters, with their consumers), so the next `make up` starts empty. The
# emails caught in .run/mail are kept. PostgreSQL and NATS keep running.
set -euo pipefail
cd "$(dirname "$0")/../.."
run="$(pwd)/.run"
database_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/complaints}"
namespace="${BUS_NAMESPACE:-complaints}"
nats_host="${NATS_HOST:-127.0.0.1}"
nats_port="${NATS_PORT:-4222}"

for service in intake complaints notifications reporting; do
  pidfile="$run/$service.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    echo "[reset] $service stopped"
  fi
  rm -f "$pidfile"
done

for schema in intake complaints notifications reporting; do
  if out=$(PGOPTIONS='--client-min-messages=warning' psql --quiet --no-psqlrc \
      --set ON_ERROR_STOP=1 "$database_url" -c "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" 2>&1); then
    echo "[reset] schema $schema dropped"
  else
    echo "[reset] could not drop schema $schema: $out" >&2
    exit 1
  fi
done

# One JetStream API request over the NATS protocol, answered on an inbox.
delete_stream() { # name
  local stream="$1" reply=""
  exec 3<>"/dev/tcp/$nats_host/$nats_port"
  read -r -t 5 _info <&3
  printf 'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.reset 1\r\nPUB $JS.API.STREAM.DELETE.%s _INBOX.reset 0\r\n\r\n' "$stream" >&3
  while read -r -t 5 line <&3; do
    case "$line" in
      MSG*) read -r -t 5 reply <&3; break ;;
      PING*) printf 'PONG\r\n' >&3 ;;
    esac
  done
  exec 3<&- 3>&-
  case "$reply" in
    *'"success":true'*) echo "[reset] stream $stream deleted" ;;
    *'stream not found'*) echo "[reset] stream $stream was not there" ;;
    *) echo "[reset] stream $stream: ${reply:-no answer from NATS at $nats_host:$nats_port}" >&2; return 1 ;;
  esac
}
delete_stream "${namespace}_events"
delete_stream "${namespace}_dead_letters"
echo "[reset] done: 'make up' starts on empty schemas and streams"
