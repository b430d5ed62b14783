#!/usr/bin/env bash
# Several nodes (issue 12's numbers): W2 (50-item pages) and W5 (one cell updated, 100
# subscribers) on PostgreSQL, with one node, then with the three-node cluster of
# deploy/cluster (two api+realtime nodes behind HAProxy, one worker+scheduler; NATS bus,
# Redis limits), in the same run; the CPU each node spends per request (from /proc); the
# bus's commit → other-node delay; and the relay against raw JetStream (nats-bench).
# This box has 2 cores: three nodes cannot run faster than one here. The CPU per request is
# what carries over to a machine with a core per node.
#   bench/cluster.sh                       # 10 boards x 10,000 items, 10 s per run
#   BOARDS=4 ITEMS=5000 DUR=5s bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
BOARDS="${BOARDS:-10}"; ITEMS="${ITEMS:-10000}"; DUR="${DUR:-10s}"; CONNS="${CONNS:-64}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "haproxy is needed: apt-get install -y haproxy" >&2; exit 1; }
cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
WORK="$(mktemp -d)"
NATS_PORT=14222
PORT=18480
DB=sunday_bench_cluster
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
STORE="postgres://postgres@127.0.0.1:5432/$DB"
/usr/sbin/nats-server -a 127.0.0.1 -p $NATS_PORT -js -sd "$WORK/nats" >/dev/null 2>&1 & NATS=$!
export CLUSTER_BIN="$BIN/sunday" CLUSTER_DIR="$WORK/cluster" CLUSTER_PORT=$PORT STORE_URL="$STORE"
export BUS_URL="nats://127.0.0.1:$NATS_PORT" REDIS_URL="redis://127.0.0.1:6379"
export SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn
export SUNDAY_REALTIME__ROOM_BUFFER=8192 SUNDAY_REALTIME__SOCKET_BUFFER=4096 SUNDAY_REALTIME__MAX_CONNECTIONS_PER_USER=20000
cleanup() {
  deploy/cluster/cluster down >/dev/null 2>&1 || true
  kill ${SUN:-} $NATS 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

# Builds the data through the API (signup, boards by bulk creates, a hot board for W5) and
# leaves TOKEN, PAIRS and the W5 ids behind.
seed() {
  local base=$1 email=$2
  TOKEN="$(curl -sf -X POST "$base/api/v1/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"benchmark password\",\"name\":\"Bench\"}" | j 'd["token"]')"
  PAIRS="$WORK/pairs-$email.txt"
  TOKEN="$TOKEN" BOARDS="$BOARDS" WIDE=1 PAIRS="$PAIRS" "$BIN/bulk-seed" "$base" "$ITEMS" >&2
  local h=(-H "authorization: Bearer $TOKEN" -H 'content-type: application/json')
  local ws; ws="$(curl -sf -X POST "$base/api/v1/workspaces" "${h[@]}" -d '{"name":"Hot"}' | j 'd["id"]')"
  HOT="$(curl -sf -X POST "$base/api/v1/boards" "${h[@]}" -d "{\"name\":\"Hot\",\"workspace_id\":\"$ws\"}" | j 'd["id"]')"
  COL="$(curl -sf -X POST "$base/api/v1/boards/$HOT/columns" "${h[@]}" -d '{"title":"N","type":"number"}' | j 'd["id"]')"
  ITEM="$(curl -sf -X POST "$base/api/v1/boards/$HOT/items" "${h[@]}" -d '{"name":"Counter"}' | j 'd["id"]')"
}

# W2 through `base`, with the CPU the given pids spend during it: "rps cpu_us_per_request".
w2() {
  local base=$1; shift
  PAIRS="$PAIRS" TOKEN="$TOKEN" wrk -t1 -c"$CONNS" -d3s -s bench/pages.lua "$base" >/dev/null
  local before=0 after=0 pid
  for pid in "$@"; do before=$((before + $(cpu_ticks "$pid"))); done
  local out; out="$(PAIRS="$PAIRS" TOKEN="$TOKEN" wrk -t1 -c"$CONNS" -d"$DUR" --latency -s bench/pages.lua "$base")"
  for pid in "$@"; do after=$((after + $(cpu_ticks "$pid"))); done
  local rps p99 reqs
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  reqs="$(awk '/requests in/ {print $1}' <<<"$out")"
  ! grep -q Non-2xx <<<"$out" || { echo "errors: $out" >&2; exit 1; }
  echo "$rps $p99 $(python3 -c "print(round(($after - $before) / $TICK / $reqs * 1e6))")"
}

echo "== one node (PostgreSQL, in-process bus)" >&2
SUNDAY_STORE__URL="$STORE" "$BIN/sunday" migrate >/dev/null
SUNDAY_STORE__URL="$STORE" "$BIN/sunday" serve --listen 127.0.0.1:$((PORT + 10)) --data-dir "$WORK/one" 2>"$WORK/one.log" & SUN=$!
ONE=http://127.0.0.1:$((PORT + 10))
for _ in $(seq 1 50); do curl -sf $ONE/ready >/dev/null && break; sleep 0.2; done
seed $ONE one@example.com
read -r ONE_RPS ONE_P99 ONE_CPU < <(w2 $ONE $SUN)
ONE_W5="$("$BIN/rt-bench" w5 $ONE "$TOKEN" "$HOT" "$ITEM" "$COL" 100 "${W5_UPDATES:-3000}" 8)"
kill $SUN; wait $SUN 2>/dev/null || true; SUN=

echo "== three nodes (deploy/cluster: HAProxy, NATS, Redis)" >&2
deploy/cluster/cluster up >&2
BASE=http://127.0.0.1:$PORT
seed $BASE three@example.com
PIDS=$(cat "$CLUSTER_DIR"/node{1,2,3}.pid)
read -r THREE_RPS THREE_P99 THREE_CPU < <(w2 $BASE $PIDS)
THREE_W5="$("$BIN/rt-bench" w5 $BASE "$TOKEN" "$HOT" "$ITEM" "$COL" 100 "${W5_UPDATES:-3000}" 8)"
LAG="$(curl -sf http://127.0.0.1:$((PORT + 2))/metrics | awk '/^bus_delivery_lag_seconds\{quantile="0.5"\}/ {p50=$2*1000} /^bus_delivery_lag_seconds\{quantile="0.99"\}/ {p99=$2*1000} END {printf "p50 %.1f ms, p99 %.1f ms", p50, p99}')"

echo "| W2 50-item pages, $BOARDS x $ITEMS, c=$CONNS | 1 node: $ONE_RPS req/s, p99 $ONE_P99, $ONE_CPU µs CPU/request | 3 nodes behind HAProxy: $THREE_RPS req/s, p99 $THREE_P99, $THREE_CPU µs CPU/request (all nodes) |"
echo "| W5 one cell, 8 writers, 100 subscribers | 1 node: $ONE_W5 | 3 nodes: $THREE_W5 |"
# The raw ceiling of W5 on PostgreSQL: a durable one-row UPDATE, 8 clients, 10 s.
psql -h 127.0.0.1 -U postgres -d $DB -qc "CREATE TABLE raw_w5 (id int PRIMARY KEY, v bigint); INSERT INTO raw_w5 VALUES (1, 0)"
echo 'UPDATE raw_w5 SET v = v + 1 WHERE id = 1;' > "$WORK/raw_w5.sql"
PG_RAW="$(pgbench -h 127.0.0.1 -U postgres -n -c 8 -j 2 -T 10 -f "$WORK/raw_w5.sql" $DB 2>/dev/null | awk '/^tps/ {tps=$3} /latency average/ {lat=$4} END {printf "%.0f updates/s, %s ms average", tps, lat}')"
echo "| raw: PostgreSQL one-row durable UPDATE (pgbench, 8 clients, 10 s) | $PG_RAW |"
echo "| bus: commit → follower on another node (node 2's bus_delivery_lag_seconds during W5) | $LAG |"
"$BIN/nats-bench" "$BUS_URL" "${NATS_EVENTS:-100000}" 100
