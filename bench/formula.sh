#!/usr/bin/env bash
# A formula column at size: on a board of ITEMS (default 100,000) items with four typed columns
# built through the API, a formula `{Amount} * 2 / 2` (the same values as the number column it
# reads, so both answer the same queries with the same items) is added and timed until every
# item has its value (GET /boards/{id}/formulas/progress: the background recompute), then a
# filter and sort on it runs at 32 connections against the same query on the stored number
# column, in the same run. Before the formula is added the script waits until the search index
# holds every seeded item (`GET /search/status`, the bench user being the instance's admin) and
# the server is idle (under 20 ms of CPU in half a second), at most SETTLE seconds (default 30):
# right after a bulk seed the search index still commits the new items (it waits up to 2 s
# after a flood, then commits them at once), which otherwise shares the server's core with the
# computation in some runs and not in others. SETTLE=0 times it at once, as earlier runs did.
# The server's CPU time during the computation is read from /proc.
#   bench/formula.sh
#   ITEMS=10000 DUR=10s bench/formula.sh
#   SERVER_BINARY=/path/to/older/sunday NO_BUILD=1 bench/formula.sh   # the same run on another build
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-100000}"; DUR="${DUR:-10s}"; CONNS="${CONNS:-32}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
URL=http://127.0.0.1:18383
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  SUNDAY_AUTH__INSTANCE_ADMINS=bench@example.com \
  taskset -c 0 "${SERVER_BINARY:-$BIN/sunday}" serve --listen 127.0.0.1:18383 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf $URL/ready >/dev/null && break; sleep 0.2; done
TOKEN="$(curl -sf -X POST $URL/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
TOKEN="$TOKEN" INFO="$DATA/info.txt" taskset -c 1 "$BIN/bulk-seed" $URL "$ITEMS" >/dev/null
BOARD="$(head -1 "$DATA/info.txt" | cut -d' ' -f1)"
AUTH=(-H "Authorization: Bearer $TOKEN" -H 'content-type: application/json')
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SUN/stat"; }
TICK="$(getconf CLK_TCK)"
WAITED=0
indexed() {
  curl -sf "${AUTH[@]}" $URL/api/v1/search/status |
    python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['documents'] >= $ITEMS else 1)"
}
while [ "$WAITED" -lt "$(( ${SETTLE:-30} * 2 ))" ]; do
  BEFORE="$(cpu_ticks)"; sleep 0.5
  [ $(( ($(cpu_ticks) - BEFORE) * 1000 / TICK )) -lt 20 ] && indexed && break
  WAITED=$((WAITED + 1))
done
echo "| waited for the server to be idle | $(python3 -c "print($WAITED / 2)") s |"
AMOUNT="$(curl -sf "${AUTH[@]}" $URL/api/v1/boards/$BOARD |
  python3 -c 'import json,sys; print(next(c["id"] for c in json.load(sys.stdin)["columns"] if c["title"] == "Amount"))')"
CPU0="$(cpu_ticks)"
START="$(date +%s.%N)"
FORMULA="$(curl -sf "${AUTH[@]}" -X POST $URL/api/v1/boards/$BOARD/columns \
  -d '{"title":"Same","type":"formula","settings":{"expression":"{Amount} * 2 / 2"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
SAVED="$(date +%s.%N)"
while curl -sf "${AUTH[@]}" $URL/api/v1/boards/$BOARD/formulas/progress | grep -q '"running":true'; do sleep 0.05; done
DONE="$(date +%s.%N)"
echo "| formula saved | $(python3 -c "print(round($SAVED - $START, 3))") s |"
echo "| every item computed | $(python3 -c "print(round($DONE - $START, 3))") s | $ITEMS items, $(( ($(cpu_ticks) - CPU0) * 1000 / TICK )) ms of the server's CPU |"
run() { taskset -c 1 wrk -t1 -c"$CONNS" -d"$1" --latency "${@:2}"; }
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
for NAME in number:$AMOUNT formula:$FORMULA; do
  COL="${NAME#*:}"
  CALL=sorted COLUMN="$COL" TOKEN="$TOKEN" INFO="$DATA/info.txt" run 2s -s bench/calls.lua $URL >/dev/null
  OUT="$(CALL=sorted COLUMN="$COL" TOKEN="$TOKEN" INFO="$DATA/info.txt" run "$DUR" -s bench/calls.lua $URL)"
  echo "| filter + sort on the ${NAME%%:*} column | $(rps "$OUT") req/s | p99 $(p99 "$OUT") |"
done
