#!/usr/bin/env bash
# `make up`: PostgreSQL and NATS (reused or started), a build, the four
# services as background processes, each migrating its own schema on start,
# and the staff console in front of them.
# Logs go to .run/logs/<service>.log; `make down` stops what this started.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
run="$root/.run"
mkdir -p "$run/logs"
target="${CARGO_TARGET_DIR:-$root/target}"

bash deploy/local/deps.sh --record "$run"
bash deploy/local/mail-catcher.sh "$run"

echo "[up] building the services (the first build takes several minutes; cargo shows its progress)"
cargo build --workspace --bins

# Traces: every service exports its spans to the local trace catcher
# (or to the receiver already on 127.0.0.1:4317) unless told otherwise.
if [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
  bash deploy/local/trace-catcher.sh "$run" "$target"
  export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317
fi

# The equality-monitoring pseudonym key intake and reporting share (R-MON-4):
# generated once per checkout, kept out of git.
if [ -z "${MONITORING_PSEUDONYM_KEY:-}" ]; then
  [ -s "$run/monitoring.key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$run/monitoring.key"
  export MONITORING_PSEUDONYM_KEY="$(cat "$run/monitoring.key")"
fi

# The secret the complainant's links are signed with (notifications) and
# checked with (complaints, intake): generated once per checkout, kept out
# of git. The links lead to the console's public pages.
if [ -z "${LINK_SECRET:-}" ]; then
  [ -s "$run/link.key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$run/link.key"
  export LINK_SECRET="$(cat "$run/link.key")"
fi
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:8081}"

# The development token secret (R-CONF-1): every call but health needs a
# bearer token. Generated once per checkout into .run/auth.env, kept out of
# git; production configures AUTH_JWKS_FILE instead.
if [ -z "${AUTH_DEV_SECRET:-}" ] && [ -z "${AUTH_JWKS_FILE:-}" ]; then
  [ -s "$run/auth.env" ] || echo "AUTH_DEV_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$run/auth.env"
  set -a; . "$run/auth.env"; set +a
fi

# Staff names for letters (R-INT-8 and after) and the console's pages: the
# sample directory, unless the environment names the organisation's own.
if [ -z "${STAFF_DIRECTORY:-}" ]; then
  export STAFF_DIRECTORY="$(cat deploy/local/staff-directory.json)"
fi

declare -A ports=([intake]=50051 [complaints]=50052 [notifications]=50053 [reporting]=50054)
for service in intake complaints notifications reporting; do
  pidfile="$run/$service.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "[up] $service already running (pid $(cat "$pidfile"))"
    continue
  fi
  log="$run/logs/$service.log"
  # The previous run's log is kept beside the new one.
  [ -s "$log" ] && mv -f "$log" "$run/logs/$service.previous.log"
  : > "$log"
  GRPC_ADDR="${GRPC_HOST:-127.0.0.1}:${ports[$service]}" \
  DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/complaints}" \
    nohup "$target/debug/$service" >>"$log" 2>&1 &
  echo $! > "$pidfile"
done

for service in intake complaints notifications reporting; do
  pid=$(cat "$run/$service.pid")
  log="$run/logs/$service.log"
  for _ in $(seq 1 120); do
    grep -q "serving gRPC" "$log" && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[up] $service stopped during start-up; the end of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  grep -q "serving gRPC" "$log" || { echo "[up] $service did not start within 60 s; see $log" >&2; exit 1; }
done

# The staff console: signs staff in with the development secret (it says so
# on every page) unless OIDC_ISSUER_URL names an identity provider.
console_addr="${CONSOLE_ADDR:-127.0.0.1:8080}"
# The public complaint and compliment forms, on a listener of their own.
public_addr="${PUBLIC_ADDR:-127.0.0.1:8081}"
pidfile="$run/console.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "[up] console already running (pid $(cat "$pidfile"))"
else
  log="$run/logs/console.log"
  [ -s "$log" ] && mv -f "$log" "$run/logs/console.previous.log"
  : > "$log"
  console_auth=()
  if [ -z "${OIDC_ISSUER_URL:-}" ]; then
    console_auth=(AUTH_ISSUER="${AUTH_ISSUER:-complaints-dev}" AUTH_AUDIENCE="${AUTH_AUDIENCE:-complaints}")
  else
    console_auth=(AUTH_DEV_SECRET=)
  fi
  env "${console_auth[@]}" CONSOLE_ADDR="$console_addr" PUBLIC_ADDR="$public_addr" \
    INTAKE_URL="http://127.0.0.1:${ports[intake]}" COMPLAINTS_URL="http://127.0.0.1:${ports[complaints]}" \
    NOTIFICATIONS_URL="http://127.0.0.1:${ports[notifications]}" REPORTING_URL="http://127.0.0.1:${ports[reporting]}" \
    STAFF_DIRECTORY="$STAFF_DIRECTORY" \
    nohup "$target/debug/console" >>"$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 60); do
    grep -q "console serving" "$log" && break
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "[up] the console stopped during start-up; the end of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  grep -q "console serving" "$log" || { echo "[up] the console did not start within 30 s; see $log" >&2; exit 1; }
fi

echo
echo "The complaints platform is up (logs in .run/logs/, emails in .run/mail/, stop with 'make down'):"
for service in intake complaints notifications reporting; do
  printf '  %-14s grpc://127.0.0.1:%s  (pid %s)\n' "$service" "${ports[$service]}" "$(cat "$run/$service.pid")"
done
printf '  %-14s http://%s  (pid %s)\n' "console" "$console_addr" "$(cat "$run/console.pid")"
echo
echo "Open the staff console in a browser: http://$console_addr"
echo "The public complaint form (what complainants use, no account): http://$public_addr"
if [ -z "${OIDC_ISSUER_URL:-}" ]; then
  echo "  Sign in with the development sign-in: pick a staff id, role and team (this works only"
  echo "  because the development secret in .run/auth.env is configured; production uses OIDC_ISSUER_URL)."
fi
echo "Traces of every call: $target/debug/trace-catcher list, then trace-catcher show TRACE_ID"

echo
echo "Every call but health needs a bearer token. A development token for each role:"
for role in portal handler manager compliance_manager head_of_customer_experience customer_service_manager committee data_protection_officer operator; do
  printf '  %-28s (set -a; . .run/auth.env; %s/debug/dev-token %s --team north)\n' "$role" "$target" "$role"
done
echo "then call with:  grpcurl -plaintext -H \"authorization: Bearer \$TOKEN\" 127.0.0.1:50052 list"
