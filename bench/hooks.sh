#!/usr/bin/env bash
# Outbound webhooks: 5,000 items created with the bulk API on a real `sunday serve` (SQLite,
# webhooks allowed to reach 127.0.0.1), each event delivered to a fast receiver and to a slow
# one (two seconds per answer), both run by `hook-bench` on the other core. Prints the fast
# receiver's deliveries per second and how far the slow one got meanwhile.
#   bench/hooks.sh
#   ITEMS=20000 bench/hooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-5000}"
cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
DATA="$(mktemp -d)"
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"' EXIT
SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
  SUNDAY_WEBHOOKS__ALLOWED_HOSTS=127.0.0.1 SUNDAY_WEBHOOKS__CONCURRENCY="${CONCURRENCY:-512}" \
  taskset -c 0 "$BIN/sunday" serve --listen 127.0.0.1:18294 --data-dir "$DATA" & SUN=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18294/ready >/dev/null && break; sleep 0.2; done
taskset -c 1 "$BIN/hook-bench" http://127.0.0.1:18294 "$ITEMS"
