#!/usr/bin/env bash
# The calls people make all day, on one 10,000-item board with four typed columns (text,
# number, status, date) built through the API, each at 32 connections on a real
# `sunday serve` (SQLite, every gateway layer on, rate limits off), with W1's no-op call
# (`GET /me`) measured in the same run as the yardstick: a 50-item page, a get by id, a
# status filter, a title search and a one-cell PATCH (durable setting: SYNC=full). Also
# CALLS=status: a PATCH of one status cell (no searched text changes).
#   bench/calls.sh
#   ITEMS=10000 DUR=10s CONNS=32 SYNC=full bench/calls.sh
#   SERVER_BINARY=/path/to/older/sunday NO_BUILD=1 bench/calls.sh   # the same calls on another build
#   BOARDS=5000 ITEMS=10 CALLS="get status" bench/calls.sh   # a node holding 5,000 boards: the
#     calls on the first board made, the one used least lately (bulk-seed makes BOARDS boards)
#   SETTLE=60 …   # wait 60 s after building the boards (the search index and the analytics
#     take the new items in meanwhile) before measuring
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-10000}"; DUR="${DUR:-10s}"; CONNS="${CONNS:-32}"; SYNC="${SYNC:-normal}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  SUNDAY_STORE__SQLITE_SYNCHRONOUS="$SYNC" \
  taskset -c 0 "${SERVER_BINARY:-$BIN/sunday}" serve --listen 127.0.0.1:18382 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18382/ready >/dev/null && break; sleep 0.2; done
TOKEN="$(curl -sf -X POST http://127.0.0.1:18382/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
TOKEN="$TOKEN" INFO="$DATA/info.txt" taskset -c 1 "$BIN/bulk-seed" http://127.0.0.1:18382 "$ITEMS" >/dev/null
sleep "${SETTLE:-0}"
run() { taskset -c 1 wrk -t1 -c"$CONNS" -d"$1" --latency "${@:2}"; }
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {print $4}' <<<"$1"; }
run 2s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18382/api/v1/me >/dev/null
NOOP="$(run "$DUR" -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18382/api/v1/me)"
echo "| no-op GET /me | $(rps "$NOOP") req/s | 1.00x | p99 $(p99 "$NOOP") |"
for CALL in ${CALLS:-page get filter search patch}; do
  CALL=$CALL TOKEN="$TOKEN" INFO="$DATA/info.txt" run 2s -s bench/calls.lua http://127.0.0.1:18382 >/dev/null
  OUT="$(CALL=$CALL TOKEN="$TOKEN" INFO="$DATA/info.txt" run "$DUR" -s bench/calls.lua http://127.0.0.1:18382)"
  [ -z "$(non2xx "$OUT")" ] || { echo "$CALL answered errors:"; echo "$OUT"; exit 1; }
  RATIO="$(python3 -c "print(round($(rps "$OUT") / $(rps "$NOOP"), 2))")"
  echo "| $CALL | $(rps "$OUT") req/s | ${RATIO}x | p99 $(p99 "$OUT") |"
done
# Where the event-log followers' reads were answered (the event tail in memory, or the store).
curl -s http://127.0.0.1:18382/metrics | grep -E '^store_event_reads_total' || true
