#!/usr/bin/env bash
# W1: authenticated no-op call. `GET /api/v1/me` on a real `sunday serve` (SQLite store,
# session token, rate limits off) against the raw ceiling: axum alone answering a JSON
# document of the same shape (bench/harness/src/raw_axum.rs). Same box, same wrk, same
# connections; each server pinned to core 0, wrk to core 1.
#   bench/w1.sh            # 10 s per run, 64 connections
#   DUR=30s CONNS=64 bench/w1.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
DUR="${DUR:-10s}"
CONNS="${CONNS:-64}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
trap 'kill $RAW $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT

taskset -c 0 "$BIN/raw-axum" 127.0.0.1:18181 & RAW=$!
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18182 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18182/ready >/dev/null && curl -sf http://127.0.0.1:18181/api/v1/me >/dev/null && break; sleep 0.2; done

TOKEN="$(curl -sf -X POST http://127.0.0.1:18182/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

run() { taskset -c 1 wrk -t1 -c"$CONNS" -d"$DUR" --latency "$@"; }
# Warm both up, then measure.
run -d2s http://127.0.0.1:18181/api/v1/me >/dev/null
run -d2s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18182/api/v1/me >/dev/null
RAW_OUT="$(run http://127.0.0.1:18181/api/v1/me)"
SUN_OUT="$(run -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18182/api/v1/me)"

rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {print $4}' <<<"$1"; }
[ -z "$(non2xx "$SUN_OUT")" ] || { echo "sunday answered errors:"; echo "$SUN_OUT"; exit 1; }
RATIO="$(python3 -c "print(round($(rps "$SUN_OUT") / $(rps "$RAW_OUT"), 2))")"
echo "| W1 | raw axum $(rps "$RAW_OUT") req/s, p99 $(p99 "$RAW_OUT") | sunday GET /api/v1/me $(rps "$SUN_OUT") req/s, p99 $(p99 "$SUN_OUT") | ${RATIO}x | $CONNS conns, $DUR, $(date -u +%F) |"
