#!/usr/bin/env bash
# Issue 17's numbers, on real `sunday` processes, every board built through the public API
# (`POST /boards/{id}/items/bulk`, chunks of 1,000, one request at a time; bench/ops/ops.py):
#   backup  `sunday backup` of a BACKUP_ITEMS-item board (SQLite) while WRITERS writers PATCH
#           one cell of random items at RATE writes/s in all: the backup's time and size, the
#           writes' p50/p99 against the same load without a backup; `sunday restore` timed;
#           the restored database checked (integrity_check) and compared with the original
#           row by row, table by table (items the load wrote after the backup began left out)
#   org     `sunday org export` of an ITEMS-item organization from SQLite, `sunday org import`
#           into an empty PostgreSQL database, export from there and import into an empty
#           SQLite data directory, each timed; the API's answers (every page of items, the
#           board, workspaces, members, updates, activity) compared byte for byte each time
#   web     the binary's size, web/dist's (what embedding adds), and first loads of `/` and
#           its assets from the embedded app against `web.dir=web/dist`
# Prints a markdown table for BENCHMARKS.md on stdout; progress goes to stderr. The servers
# run on core 0 and the clients on core 1; the backup, restore, export and import commands
# run on core 0 beside the server, as they would on the server's machine. The default sizes
# need about 15 GB free under $TMPDIR (the database, two backups and the restored copy).
#   bench/ops.sh                                   # 1,000,000 items for backup, 100,000 for org moves
#   ITEMS=10000 BACKUP_ITEMS=100000 DUR=10 bench/ops.sh
#   SUNDAY_BIN=/path/to/sunday ONLY="org web" bench/ops.sh
# Settings (env): SUNDAY_BIN (default $CARGO_TARGET_DIR/release/sunday), ITEMS (100000),
# BACKUP_ITEMS (1000000), WRITERS (8), RATE (1000 writes/s in all; 0 = closed loop, each
# writer as fast as it is answered), DUR (20 s of measured load), WARM (2 s), BACKUP_TIMEOUT
# (300 s), UPDATES (20), WEB_LOADS (50), PG_URL (postgres://postgres@127.0.0.1:5432),
# ONLY ("backup org web"), KEEP=1 keeps the work directory, WORK_DIR (default: mktemp -d).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
BIN="$(realpath -m "${SUNDAY_BIN:-$CARGO_TARGET_DIR/release/sunday}")"
# Sunday refuses SUNDAY_* variables that are not settings: this one is the script's.
unset SUNDAY_BIN
ITEMS="${ITEMS:-100000}"; BACKUP_ITEMS="${BACKUP_ITEMS:-1000000}"
WRITERS="${WRITERS:-8}"; RATE="${RATE:-1000}"; DUR="${DUR:-20}"; WARM="${WARM:-2}"
BACKUP_TIMEOUT="${BACKUP_TIMEOUT:-300}"; UPDATES="${UPDATES:-20}"; WEB_LOADS="${WEB_LOADS:-50}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
ONLY="${ONLY:-backup org web}"
[ -x "$BIN" ] || { echo "no sunday binary at $BIN: cargo build --release -p sunday (or set SUNDAY_BIN)" >&2; exit 1; }
OPS=(python3 "$ROOT/bench/ops/ops.py")
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  ON_SERVER=(taskset -c 0); ON_CLIENT=(taskset -c 1)
else
  ON_SERVER=(); ON_CLIENT=()
fi
WORK="${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/sunday-ops.XXXXXX")}"
mkdir -p "$WORK"
RES="$WORK/results.json"
PIDS=(); DBS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${DBS[@]}"; do dropdb --if-exists --force -h 127.0.0.1 -U postgres "$db" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The environment of every sunday command, servers and the backup alike: default settings
# but no rate limits, and warnings only except the line with the address.
SUN_ENV=(SUNDAY_LOG__LEVEL="warn,sunday_server=info" SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0
  SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0)
sunday() { env "${SUN_ENV[@]}" "${ON_SERVER[@]}" "$BIN" "$@"; }
# How the backup under load runs: plainly by default; BACKUP_NICE="nice -n 19 ionice -c 3"
# runs it at the lowest priorities (measured worse: the backup starves and the writes wait).
read -r -a NICE <<<"${BACKUP_NICE-}"
put() { "${OPS[@]}" put "$RES" "$1" "$2"; }
say() { echo "== $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# The CPU time (user + system, in clock ticks) a process has used so far, and the share of a
# core it used since an earlier reading: `cpu_share PID TICKS_BEFORE SECS_BEFORE`.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cpu_share() { awk -v t="$(ticks "$1")" -v t0="$2" -v s0="$3" -v s="$(now)" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.3f", (t - t0) / hz / (s - s0) }'; }
jget() { python3 -c $'import json, sys\nv = json.loads(sys.argv[1])\nfor k in sys.argv[2:]: v = v[k]\nprint(v)' "$@"; }

# start_server NAME DATA_DIR [VAR=value…]: sets ADDR and NAME's pid in SRV_<NAME>.
start_server() {
  local name=$1 data=$2; shift 2
  mkdir -p "$data"
  env "${SUN_ENV[@]}" "$@" "${ON_SERVER[@]}" "$BIN" serve --listen 127.0.0.1:0 --log-format json \
    --data-dir "$data" 2>"$WORK/$name.log" &
  local pid=$!
  PIDS+=("$pid"); printf -v "SRV_$name" '%s' "$pid"
  ADDR="$("${OPS[@]}" wait-addr "$WORK/$name.log" "$pid")"
  say "$name listening on $ADDR (pid $pid)"
}
stop_server() {
  local pid="SRV_$1" p rest=()
  pid="${!pid}"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  PIDS=("${rest[@]}")
}

put date "$(date -u +%F)"
put binary "$BIN"
ARGS="ITEMS=$ITEMS BACKUP_ITEMS=$BACKUP_ITEMS WRITERS=$WRITERS RATE=$RATE DUR=$DUR"
[ "$ONLY" = "backup org web" ] || ARGS="ONLY=\"$ONLY\" $ARGS"
put command "$ARGS bench/ops.sh"   # (put stores what does not parse as JSON as text)
case "$BIN" in */debug/*) put notes '["Debug binary: these figures only show that the script works; the debug build reads web/dist from disk even when \"embedded\"."]' ;; esac

# ---------------------------------------------------------------------------------------------
if [[ " $ONLY " == *" backup "* ]]; then
  say "backup: seeding $BACKUP_ITEMS items through the API"
  DATA="$WORK/backup-data"
  start_server live "$DATA"
  LIVE="http://$ADDR"
  TOKEN="$(jget "$("${OPS[@]}" signup "$LIVE" backup@example.com "benchmark password")" token)"
  "${ON_CLIENT[@]}" "${OPS[@]}" seed "$LIVE" "$TOKEN" "$BACKUP_ITEMS" "$WORK/backup-seed" >"$WORK/backup-seed.json"
  put backup_seed "$(cat "$WORK/backup-seed.json")"
  LOAD=("${ON_CLIENT[@]}" "${OPS[@]}" load "$LIVE" "$TOKEN" "$WORK/backup-seed.json" --writers "$WRITERS"
    --rate "$RATE" --warm "$WARM" --dur "$DUR")
  say "backup: $WRITERS writers, ${RATE}/s, ${DUR}s without a backup"
  C0=$(ticks "$SRV_live"); T0=$(now)
  "${LOAD[@]}" --out "$WORK/load-base.json" >/dev/null
  put server_cpu_base "$(cpu_share "$SRV_live" "$C0" "$T0")"
  put load_base "$(cat "$WORK/load-base.json")"
  say "backup: the same load while sunday backup runs (timeout ${BACKUP_TIMEOUT}s)"
  C0=$(ticks "$SRV_live"); T0=$(now)
  "${LOAD[@]}" --out "$WORK/load-backup.json" --timeout "$BACKUP_TIMEOUT" --db "$DATA/sunday.db" \
    --excluded "$WORK/excluded.txt" -- env "${SUN_ENV[@]}" "${ON_SERVER[@]}" "${NICE[@]}" "$BIN" backup \
    --to "$WORK/backup.tar" --data-dir "$DATA" >/dev/null
  put server_cpu_backup "$(cpu_share "$SRV_live" "$C0" "$T0")"
  put load_backup "$(cat "$WORK/load-backup.json")"
  # The same backup with the server idle, for reference; when the one under load did not
  # finish, this is the one restored and compared (then with no item left out).
  say "backup: the same backup with the server idle"
  T0=$(now); sunday backup --to "$WORK/backup-idle.tar" --data-dir "$DATA" >&2; put backup_idle_secs "$(since "$T0")"
  put backup_idle_bytes "$(stat -c %s "$WORK/backup-idle.tar")"
  stop_server live
  if [ -f "$WORK/backup.tar" ]; then
    put backup_file_bytes "$(stat -c %s "$WORK/backup.tar")"
    FILE="$WORK/backup.tar"; EXCLUDED="$WORK/excluded.txt"; put restored_from '"load"'
  else
    FILE="$WORK/backup-idle.tar"; EXCLUDED="$WORK/none.txt"; : >"$EXCLUDED"; put restored_from '"idle"'
  fi
  say "backup: restore $(basename "$FILE") into an empty data directory"
  mkdir -p "$WORK/restored"
  T0=$(now); sunday restore --from "$FILE" --data-dir "$WORK/restored" >&2; put restore_secs "$(since "$T0")"
  say "backup: comparing the restored database with the original, table by table"
  put compare "$("${OPS[@]}" compare-db "$DATA/sunday.db" "$WORK/restored/sunday.db" "$EXCLUDED")"
  rm -rf "$WORK/restored" "$WORK"/backup*.tar "$DATA"
fi

# ---------------------------------------------------------------------------------------------
if [[ " $ONLY " == *" org "* ]]; then
  EMAIL=org@example.com; PASS="benchmark password"
  say "org: an organization with $ITEMS items on SQLite (A)"
  start_server a "$WORK/a"
  A="http://$ADDR"
  SIGNUP="$("${OPS[@]}" signup "$A" "$EMAIL" "$PASS")"
  TOKEN_A="$(jget "$SIGNUP" token)"; ORG="$(jget "$SIGNUP" org_id)"
  "${ON_CLIENT[@]}" "${OPS[@]}" seed "$A" "$TOKEN_A" "$ITEMS" "$WORK/org-seed" --updates "$UPDATES" >"$WORK/org-seed.json"
  put org_seed "$(cat "$WORK/org-seed.json")"
  put snap_a "$("${ON_CLIENT[@]}" "${OPS[@]}" api-snapshot "$A" "$TOKEN_A" "$WORK/org-seed.json" "$WORK/answers-a.txt")"

  say "org: export from SQLite (A running)"
  T0=$(now); sunday org export "$ORG" --to "$WORK/a.tar" --data-dir "$WORK/a" >&2; put export_sqlite_secs "$(since "$T0")"
  put archive_sqlite_bytes "$(stat -c %s "$WORK/a.tar")"

  PGDB="sunday_bench_ops_$$"
  createdb -h 127.0.0.1 -U postgres "$PGDB"; DBS+=("$PGDB")
  PG="$PG_URL/$PGDB"
  say "org: migrate and import into PostgreSQL ($PGDB)"
  T0=$(now); SUNDAY_STORE__URL="$PG" sunday migrate --data-dir "$WORK/b" >&2; put migrate_pg_secs "$(since "$T0")"
  T0=$(now); SUNDAY_STORE__URL="$PG" sunday org import --from "$WORK/a.tar" --data-dir "$WORK/b" >&2; put import_pg_secs "$(since "$T0")"
  start_server b "$WORK/b" SUNDAY_STORE__URL="$PG"
  B="http://$ADDR"
  TOKEN_B="$(jget "$("${OPS[@]}" login "$B" "$EMAIL" "$PASS")" token)"
  "${ON_CLIENT[@]}" "${OPS[@]}" api-snapshot "$B" "$TOKEN_B" "$WORK/org-seed.json" "$WORK/answers-b.txt" >/dev/null
  put same_pg "$("${OPS[@]}" same-answers "$WORK/answers-a.txt" "$WORK/answers-b.txt")"

  say "org: export from PostgreSQL (B running), import into an empty SQLite data directory (C)"
  T0=$(now); SUNDAY_STORE__URL="$PG" sunday org export "$ORG" --to "$WORK/b.tar" --data-dir "$WORK/b" >&2; put export_pg_secs "$(since "$T0")"
  put archive_pg_bytes "$(stat -c %s "$WORK/b.tar")"
  T0=$(now); sunday migrate --data-dir "$WORK/c" >&2; put migrate_sqlite_secs "$(since "$T0")"
  T0=$(now); sunday org import --from "$WORK/b.tar" --data-dir "$WORK/c" >&2; put import_sqlite_secs "$(since "$T0")"
  start_server c "$WORK/c"
  C="http://$ADDR"
  TOKEN_C="$(jget "$("${OPS[@]}" login "$C" "$EMAIL" "$PASS")" token)"
  "${ON_CLIENT[@]}" "${OPS[@]}" api-snapshot "$C" "$TOKEN_C" "$WORK/org-seed.json" "$WORK/answers-c.txt" >/dev/null
  put same_sqlite "$("${OPS[@]}" same-answers "$WORK/answers-a.txt" "$WORK/answers-c.txt")"
  stop_server a; stop_server b; stop_server c
  dropdb --if-exists --force -h 127.0.0.1 -U postgres "$PGDB"
  rm -rf "$WORK/a" "$WORK/b" "$WORK/c" "$WORK"/*.tar "$WORK"/answers-*.txt
fi

# ---------------------------------------------------------------------------------------------
if [[ " $ONLY " == *" web "* ]]; then
  say "web: sizes, and $WEB_LOADS first loads from the embedded app and from web.dir"
  put binary_bytes "$(stat -c %s "$BIN")"
  [ -f web/dist/index.html ] || { echo "web/dist is not built (cd web && npm ci && npm run build)" >&2; exit 1; }
  put dist "$("${OPS[@]}" dist-size web/dist)"
  start_server embedded "$WORK/web-embedded" SUNDAY_WEB__DIR=
  E="http://$ADDR"
  start_server dir "$WORK/web-dir" SUNDAY_WEB__DIR="$ROOT/web/dist"
  D="http://$ADDR"
  put web "$("${ON_CLIENT[@]}" "${OPS[@]}" web "$E" "$D" --n "$WEB_LOADS")"
  stop_server embedded; stop_server dir
fi

"${OPS[@]}" report "$RES"
