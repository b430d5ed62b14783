#!/usr/bin/env bash
# W11: a SIZE_MB (default 100) MiB upload through POST /api/v1/files, timed with curl on
# loopback, to the local file storage and to an S3-compatible server (moto, installed by
# scripts/moto and started here), with the server's resident memory before the upload and its
# peak during it (VmHWM, reset just before: /proc/PID/clear_refs). Then the same file is
# downloaded back and checked against its SHA-256.
#   bench/files.sh
#   SIZE_MB=20 RUNS=1 bench/files.sh
#   SERVER_BINARY=/path/to/sunday NO_BUILD=1 bench/files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
SIZE_MB="${SIZE_MB:-100}"; RUNS="${RUNS:-3}"
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday
SERVER="${SERVER_BINARY:-$CARGO_TARGET_DIR/release/sunday}"
MOTO_BIN="$(./scripts/moto)"
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
head -c "$((SIZE_MB << 20))" /dev/urandom > "$WORK/upload.bin"

"$MOTO_BIN" -H 127.0.0.1 -p 18490 >/dev/null 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18490/moto-api/ >/dev/null && break; sleep 0.2; done
curl -sf -X PUT http://127.0.0.1:18490/bench >/dev/null

kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

# run NAME PORT [SUNDAY_* settings...]: starts Sunday, uploads RUNS times, prints a row per run.
run() {
  local name="$1" port="$2"; shift 2
  mkdir -p "$WORK/$name"
  env SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn "$@" \
    "$SERVER" serve --listen "127.0.0.1:$port" --data-dir "$WORK/$name" & local pid=$!
  PIDS+=("$pid")
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 50); do curl -sf "$url/ready" >/dev/null && break; sleep 0.2; done
  local token
  token="$(curl -sf -X POST "$url/api/v1/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"bench-$name@example.com\",\"password\":\"benchmark password\",\"name\":\"Bench\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  for i in $(seq 1 "$RUNS"); do
    # A new byte each run: every upload stores its bytes (no copy shared with the last one).
    printf '%04d' "$i" | dd of="$WORK/upload.bin" bs=1 seek=0 conv=notrunc status=none
    local before; before="$(kib VmRSS "$pid")"
    echo 5 > "/proc/$pid/clear_refs"
    local out
    out="$(curl -sf -X POST "$url/api/v1/files?filename=upload.bin" -H "Authorization: Bearer $token" \
      -H 'content-type: application/octet-stream' --data-binary @"$WORK/upload.bin" -w '\n%{time_total}')"
    local peak; peak="$(kib VmHWM "$pid")"
    local secs; secs="$(tail -1 <<<"$out")"
    local id; id="$(head -1 <<<"$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
    local back; back="$(curl -sf "$url/api/v1/files/$id" -H "Authorization: Bearer $token" | sha256sum | cut -d' ' -f1)"
    local want; want="$(sha256sum "$WORK/upload.bin" | cut -d' ' -f1)"
    [ "$back" = "$want" ] || { echo "the $name download differs from the upload" >&2; exit 1; }
    echo "| $name | ${SIZE_MB} MiB | $(python3 -c "print(round($secs, 2))") s | $((before / 1024)) MiB | $((peak / 1024)) MiB | +$(((peak - before) / 1024)) MiB |"
  done
  kill "$pid"
}

echo "| storage | size | upload time | RSS before | peak RSS during | growth |"
echo "|---|---|---|---|---|---|"
run local 18491
run s3 18492 SUNDAY_FILES__URL=s3://bench/w11 SUNDAY_FILES__S3_ENDPOINT=http://127.0.0.1:18490 \
  SUNDAY_FILES__S3_ACCESS_KEY_ID=bench SUNDAY_FILES__S3_SECRET_ACCESS_KEY=bench
