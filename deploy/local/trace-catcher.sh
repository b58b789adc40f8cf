#!/usr/bin/env bash
# A local trace receiver for `make up`: every span the services export over
# OTLP lands in .run/traces/spans.jsonl, read with `trace-catcher list` and
# `trace-catcher show TRACE_ID`. Reuses anything already listening on
# 127.0.0.1:4317 (a Jaeger or an OpenTelemetry collector, say).
#
#   trace-catcher.sh RUN_DIR TARGET_DIR
set -euo pipefail
run="$1" target="$2"
host=127.0.0.1 port=4317
say() { printf '[traces] %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

if listening; then say "an OTLP receiver already listens on $host:$port"; exit 0; fi
mkdir -p "$run/traces" "$run/logs"
nohup "$target/debug/trace-catcher" serve --addr "$host:$port" --file "$run/traces/spans.jsonl" \
  >>"$run/logs/trace-catcher.log" 2>&1 &
echo $! > "$run/trace-catcher.pid"
for _ in $(seq 1 40); do listening && { say "catching traces on $host:$port into .run/traces/"; exit 0; }; sleep 0.25; done
say "the trace catcher did not start; see $run/logs/trace-catcher.log"; exit 1
