#!/usr/bin/env bash
# Analytics at size (issue 15, W12's data): BOARDS (10) boards of ITEMS (100,000) items each,
# built through the bulk API (four typed columns), then a dashboard's six questions asked of
# `POST /analytics/query` together (first loads, p50/p95), the time from a PATCH to an answer
# holding it, the follower's lag under a write load, and the same grouped question in SQL on
# the store (SQLite `json_extract` over the items), to compare.
#   bench/analytics.sh
#   BOARDS=2 ITEMS=10000 bench/analytics.sh
# The ingest micro-benchmark is separate:
#   cargo run --release -p sunday-analytics --example ingest
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
BOARDS="${BOARDS:-10}"; ITEMS="${ITEMS:-100000}"
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
URL=http://127.0.0.1:18386
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
# The bench user is an instance admin: it reads `/analytics/status`.
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  SUNDAY_ENGINE__MEMORY_MIB="${MEMORY_MIB:-4096}" SUNDAY_AUTH__INSTANCE_ADMINS=bench@example.com \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18386 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf $URL/ready >/dev/null && break; sleep 0.2; done
TOKEN="$(curl -sf -X POST $URL/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
start=$(date +%s)
TOKEN="$TOKEN" BOARDS="$BOARDS" PAIRS="$DATA/pairs.txt" taskset -c 1 "$BIN/bulk-seed" $URL "$ITEMS" >/dev/null
echo "seeded $BOARDS boards x $ITEMS items through the bulk API in $(( $(date +%s) - start )) s"
echo "RSS of the server after seeding: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$SUN/status)"
URL=$URL TOKEN="$TOKEN" PAIRS="$DATA/pairs.txt" DB="$DATA/sunday.db" taskset -c 1 python3 bench/analytics.py
echo "RSS of the server at the end: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$SUN/status)"
kill -TERM $SUN; wait $SUN 2>/dev/null || true
echo "snapshots on disk: $(du -sh "$DATA/analytics" | cut -f1) for $BOARDS boards"
