#!/usr/bin/env bash
# W2: a page of 50 items of one group (an indexed predicate) on 100 boards x 10,000 items
# with 10 typed columns (built through the API with bulk creates), through `GET /api/v1/boards/{id}/items?group_id=…` on a real
# `sunday serve` (SQLite, authenticated, every gateway layer on), against the raw ceiling:
# axum + the same SQL on the same driver and file (bench/harness/src/raw_items.rs).
# Servers pinned to core 0, wrk to core 1; wrk picks a random board and group per request.
#   bench/w2.sh              # 100 boards x 10,000 items, 10 s per side, 64 connections
#   BOARDS=10 ITEMS=10000 DUR=5s bench/w2.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
BOARDS="${BOARDS:-100}"; ITEMS="${ITEMS:-10000}"; DUR="${DUR:-10s}"; CONNS="${CONNS:-64}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v hey >/dev/null || { echo "hey is needed: apt-get install -y hey" >&2; exit 1; }
RATE="${RATE:-1000}"
cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
trap 'kill $SUN $RAW 2>/dev/null || true; rm -rf "$DATA"' EXIT

SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18282 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18282/ready >/dev/null && break; sleep 0.2; done
SIGNUP="$(curl -sf -X POST http://127.0.0.1:18282/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}')"
TOKEN="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$SIGNUP")"
# The boards are built through the public API, as users build them (bulk creates of 1,000).
SEED_START=$(date +%s)
TOKEN="$TOKEN" BOARDS="$BOARDS" WIDE=1 PAIRS="$DATA/pairs.txt" \
  taskset -c 1 "$BIN/bulk-seed" http://127.0.0.1:18282 "$ITEMS" >&2
echo "seeded $BOARDS x $ITEMS items through the API in $(( $(date +%s) - SEED_START ))s" >&2

taskset -c 0 "$BIN/raw-items" "$DATA/sunday.db" 127.0.0.1:18283 & RAW=$!
sleep 0.5
run() { PAIRS="$DATA/pairs.txt" TOKEN="$1" taskset -c 1 wrk -t1 -c"$CONNS" -d"$2" --latency -s bench/pages.lua "$3"; }
run "" 3s http://127.0.0.1:18283 >/dev/null
run "$TOKEN" 3s http://127.0.0.1:18282 >/dev/null
RAW_OUT="$(run "" "$DUR" http://127.0.0.1:18283)"
SUN_OUT="$(run "$TOKEN" "$DUR" http://127.0.0.1:18282)"
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {print $4}' <<<"$1"; }
[ -z "$(non2xx "$SUN_OUT")" ] || { echo "sunday answered errors:"; echo "$SUN_OUT"; exit 1; }
RATIO="$(python3 -c "print(round($(rps "$SUN_OUT") / $(rps "$RAW_OUT"), 2))")"
echo "| W2 throughput | raw axum+SQL $(rps "$RAW_OUT") req/s | sunday $(rps "$SUN_OUT") req/s | ${RATIO}x | $BOARDS x $ITEMS, $CONNS conns saturating, $DUR, $(date -u +%F) |"
# Latency below saturation: a constant $RATE req/s (20 workers), one board and group.
read -r B G < "$DATA/pairs.txt"
lat() { taskset -c 1 hey -z "$DUR" -c 20 -q "$((RATE / 20))" "$@" | awk '/99% in/ {print $3 * 1000 " ms"}'; }
RAW_P99="$(lat "http://127.0.0.1:18283/api/v1/boards/$B/items?group_id=$G&limit=50")"
SUN_P99="$(lat -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18282/api/v1/boards/$B/items?group_id=$G&limit=50")"
echo "| W2 latency at $RATE req/s | raw p99 $RAW_P99 | sunday p99 $SUN_P99 | | constant rate, hey |"
