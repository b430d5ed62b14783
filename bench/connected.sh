#!/usr/bin/env bash
# Connected boards at size (W4 and the fan-out of issue 14), everything built through the API:
# a board of ITEMS (default 100,000) items (bulk-seed), a board of 50 projects each linked to 20
# of its items with 3 mirror and 2 rollup columns over the link, and a page of those 50
# projects read at 32 connections (p99); then a board of FANOUT (default 1,000) items all
# linked to one item whose number they roll up: the time from the PATCH of that number until
# every dependent holds the new value (polled through the query API every 5 ms).
#   bench/connected.sh
#   ITEMS=10000 bench/connected.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-100000}"; DUR="${DUR:-10s}"; CONNS="${CONNS:-32}"; FANOUT="${FANOUT:-1000}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
URL=http://127.0.0.1:18384
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18384 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf $URL/ready >/dev/null && break; sleep 0.2; done
TOKEN="$(curl -sf -X POST $URL/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
TOKEN="$TOKEN" INFO="$DATA/info.txt" taskset -c 1 "$BIN/bulk-seed" $URL "$ITEMS" >/dev/null
# The projects board, its links and mirrors; writes $DATA/projects.txt for wrk.
URL=$URL TOKEN="$TOKEN" INFO="$DATA/info.txt" OUT="$DATA/projects.txt" FANOUT="$FANOUT" \
  taskset -c 1 python3 bench/connected.py setup
run() { taskset -c 1 wrk -t1 -c"$CONNS" -d"$1" --latency "${@:2}"; }
CALL=page TOKEN="$TOKEN" INFO="$DATA/projects.txt" run 2s -s bench/calls.lua $URL >/dev/null
OUT="$(CALL=page TOKEN="$TOKEN" INFO="$DATA/projects.txt" run "$DUR" -s bench/calls.lua $URL)"
echo "| W4: page of 50 projects, 3 mirrors + 2 rollups, 20 links each, linked board of $ITEMS items |" \
  "$(awk '/Requests\/sec/ {print $2}' <<<"$OUT") req/s | p99 $(awk '$1 == "99%" {print $2}' <<<"$OUT") |"
URL=$URL TOKEN="$TOKEN" INFO="$DATA/info.txt" OUT="$DATA/projects.txt" FANOUT="$FANOUT" \
  taskset -c 1 python3 bench/connected.py fanout
