#!/usr/bin/env bash
# W10: building one large board through the public API, as a user would: four typed
# columns, items created with `POST /boards/{id}/items/bulk` in chunks of 1,000, one request
# at a time, on a real `sunday serve` (SQLite, every gateway layer on, rate limits off).
# Prints the rate over each tenth of the run; a steady rate means creating an item does not
# cost more as the board grows.
#   bench/w10.sh                 # 1,000,000 items
#   ITEMS=100000 bench/w10.sh
#   SERVER_BINARY=/path/to/older/sunday NO_BUILD=1 ITEMS=100000 bench/w10.sh   # another build
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-1000000}"; CHUNK="${CHUNK:-1000}"
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  SUNDAY_ENGINE__MEMORY_MIB="${MEMORY_MIB:-4096}" \
  taskset -c 0 "${SERVER_BINARY:-$BIN/sunday}" serve --listen 127.0.0.1:18292 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18292/ready >/dev/null && break; sleep 0.2; done
taskset -c 1 "$BIN/bulk-seed" http://127.0.0.1:18292 "$ITEMS" "$CHUNK"
# The server's CPU time (user + system, since it started): its core is busy throughout a run.
echo "server CPU s: $(awk '{print ($14 + $15) / 100}' /proc/$SUN/stat)"
echo "RSS of the server after the run: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$SUN/status)"
# The WAL file only grows while writes keep coming (BENCHMARKS.md), so its size now is its largest.
echo "WAL file after the run: $(du -m "$DATA/sunday.db-wal" | cut -f1) MiB"
# The search index and the analytics follow the log below the requests' priority, so they lag
# during the run: how long after the last chunk a search finds the last item created.
TOKEN="$(curl -sf -X POST http://127.0.0.1:18292/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"email":"w10@example.com","password":"benchmark password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
LAST="Item $((ITEMS - 1))"; START="$(date +%s.%N)"
for _ in $(seq 1 6000); do
  curl -sf -G -H "Authorization: Bearer $TOKEN" --data-urlencode "q=$LAST" http://127.0.0.1:18292/api/v1/search |
    grep -q "\"$LAST\"" && break
  sleep 0.1
done
echo "search index caught up $(python3 -c "print(round($(date +%s.%N) - $START, 1))") s after the last chunk"
