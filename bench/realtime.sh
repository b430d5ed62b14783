#!/usr/bin/env bash
# W5, W6, W7: real-time workloads against a real `sunday serve` (SQLite), with the raw
# ceilings measured in the same rt-bench process (bench/harness/src/rt_bench.rs).
# The server runs on core 0, the clients on core 1.
#   bench/realtime.sh                 # all three
#   ONLY=w7 W7_CONNS=18000 bench/realtime.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
ulimit -n 20000
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
SUNDAY_WEB__DIR= SUNDAY_REALTIME__MAX_CONNECTIONS_PER_USER=20000 SUNDAY_REALTIME__ROOM_BUFFER=8192 SUNDAY_REALTIME__SOCKET_BUFFER=4096 \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18382 --data-dir "$DATA" & SUN=$!
BASE=http://127.0.0.1:18382
for _ in $(seq 1 50); do curl -sf $BASE/ready >/dev/null && break; sleep 0.2; done
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
TOKEN="$(curl -sf -X POST $BASE/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"rt@example.com","password":"benchmark password","name":"RT"}' | j 'd["token"]')"
H=(-H "authorization: Bearer $TOKEN" -H 'content-type: application/json')
WS="$(curl -sf -X POST $BASE/api/v1/workspaces "${H[@]}" -d '{"name":"Bench"}' | j 'd["id"]')"
BOARD="$(curl -sf -X POST $BASE/api/v1/boards "${H[@]}" -d "{\"name\":\"Hot\",\"workspace_id\":\"$WS\"}" | j 'd["id"]')"
COL="$(curl -sf -X POST $BASE/api/v1/boards/$BOARD/columns "${H[@]}" -d '{"title":"N","type":"number"}' | j 'd["id"]')"
ITEM="$(curl -sf -X POST $BASE/api/v1/boards/$BOARD/items "${H[@]}" -d '{"name":"Counter"}' | j 'd["id"]')"
RT=(taskset -c 1 "$BIN/rt-bench")
ONLY="${ONLY:-w5 w6 w7}"
[[ " $ONLY " == *" w5 "* ]] && "${RT[@]}" w5 $BASE "$TOKEN" "$BOARD" "$ITEM" "$COL" "${W5_CLIENTS:-100}" "${W5_UPDATES:-5000}" "${W5_WRITERS:-8}"
[[ " $ONLY " == *" w6 "* ]] && "${RT[@]}" w6 $BASE "$TOKEN" "$BOARD" "$ITEM" "$COL" "${W6_CLIENTS:-1000}" "${W6_EVENTS:-200}"
# Run one W7 size per server start for a clean memory baseline: W7_CONNS=18000 ONLY=w7 …
[[ " $ONLY " == *" w7 "* ]] && for n in ${W7_CONNS:-10000}; do
  "${RT[@]}" w7 $BASE "$TOKEN" "$BOARD" "$SUN" "$n"
done
