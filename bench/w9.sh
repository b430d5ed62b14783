#!/usr/bin/env bash
# W9: a burst of 10,000 item changes that each trigger one automation ("When Notes changes,
# set Flag to done"), on a real `sunday serve` (SQLite, every gateway layer on, rate limits
# off), built and driven through the API by `auto-bench` (32 connections). The server runs on
# core 0 and the client on core 1. Prints the burst's PATCH rate, when all runs were done, runs
# per minute and trigger→action latency, measured on the server's clock from the event log.
#   bench/w9.sh
#   ITEMS=20000 WRITERS=64 bench/w9.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-10000}"; WRITERS="${WRITERS:-32}"
cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18293 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18293/ready >/dev/null && break; sleep 0.2; done
taskset -c 1 "$BIN/auto-bench" http://127.0.0.1:18293 "$ITEMS" "$WRITERS"
