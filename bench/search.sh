#!/usr/bin/env bash
# W8: search at size. A board of ITEMS (default 1,000,000) items with four typed columns and
# UPDATES (default 200,000) updates, all made through the API, indexed from the event log while
# they are made. Prints how long indexing took after the last write, the index's size, the
# indexing lag under W5's write load (search-lag: 8 writers changing text cells for LAG_SECS,
# default 20, while a prober times each new word from commit to searchable), searches at CONNS
# (default 16) connections (GET /search: two words, every board the user may read, the
# permission filter on; and a typo with a prefix), the same words through today's `contains`
# filter on the board (the raw baseline), and the time to rebuild the index from the event log
# after deleting it.
#   bench/search.sh
#   ITEMS=100000 UPDATES=20000 DUR=10s bench/search.sh
#   SEARCH=postgres bench/search.sh     # the PostgreSQL index (a scratch database on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
ITEMS="${ITEMS:-1000000}"; UPDATES="${UPDATES:-200000}"; DUR="${DUR:-10s}"; CONNS="${CONNS:-16}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sunday -p sunday-bench-harness
BIN="$CARGO_TARGET_DIR/release"
SERVER="${SERVER_BINARY:-$BIN/sunday}"
DATA="$(mktemp -d)"
URL=http://127.0.0.1:18393
SUN=""
SEARCH="${SEARCH:-embedded}"
PG=postgres://postgres@127.0.0.1:5432
PGDB="sunday_bench_search_$$"
drop_db() { [ "$SEARCH" != postgres ] || [ -n "${KEEP_DB:-}" ] || psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" || true; }
trap 'kill $SUN 2>/dev/null || true; rm -rf "$DATA"; drop_db' EXIT
if [ "$SEARCH" = postgres ]; then
  psql -q "$PG/postgres" -c "CREATE DATABASE $PGDB"
  export SUNDAY_SEARCH__BACKEND=postgres SUNDAY_SEARCH__URL="$PG/$PGDB"
fi
start() {
  # The index's status (`GET /search/status`, read below) is for the instance's admins.
  SUNDAY_GATEWAY__RATE_LIMIT_IP_PER_SEC=0 SUNDAY_GATEWAY__RATE_LIMIT_USER_PER_SEC=0 SUNDAY_LOG__LEVEL=warn \
    SUNDAY_AUTH__INSTANCE_ADMINS=bench@example.com \
    taskset -c 0 "$SERVER" serve --listen 127.0.0.1:18393 --data-dir "$DATA" & SUN=$!
  for _ in $(seq 1 100); do curl -sf $URL/health >/dev/null && break; sleep 0.1; done
}
now() { date +%s.%N; }
secs() { python3 -c "print(round($2 - $1, 1))"; }
start
TOKEN="$(curl -sf -X POST $URL/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
AUTH=(-H "Authorization: Bearer $TOKEN" -H 'content-type: application/json')
TOKEN="$TOKEN" INFO="$DATA/info.txt" taskset -c 1 "$BIN/bulk-seed" $URL "$ITEMS" >/dev/null
BOARD="$(head -1 "$DATA/info.txt" | cut -d' ' -f1)"
NOTES="$(head -1 "$DATA/info.txt" | cut -d' ' -f4)"
# Updates on the seeded items (ids from the info file, round robin), through the API.
python3 - "$URL" "$TOKEN" "$DATA/info.txt" "$UPDATES" <<'PY'
import json, sys, urllib.request, concurrent.futures
url, token, info, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = [l.strip() for l in open(info).read().splitlines()[1:] if l.strip()]
def post(i):
    body = json.dumps({"body": f"minutes of meeting {i} about the venue"}).encode()
    req = urllib.request.Request(f"{url}/api/v1/items/{ids[i % len(ids)]}/updates", body,
        {"Authorization": f"Bearer {token}", "content-type": "application/json"})
    urllib.request.urlopen(req).read()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(post, range(n)))
PY
WRITTEN="$(now)"
WANT=$((ITEMS + UPDATES + 1))
status() { curl -sf "${AUTH[@]}" $URL/api/v1/search/status; }
until [ "$(status | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')" -ge "$WANT" ]; do sleep 0.5; done
INDEXED="$(now)"
STATUS="$(status)"
echo "| documents indexed | $(python3 -c "import json; print(json.loads('''$STATUS''')['documents'])") | caught up $(secs "$WRITTEN" "$INDEXED") s after the last write |"
echo "| index size | $(python3 -c "import json; print(round(json.loads('''$STATUS''')['bytes'] / 1048576))") MiB | |"
SECS="${LAG_SECS:-20}" TOKEN="$TOKEN" INFO="$DATA/info.txt" taskset -c 1 "$BIN/search-lag" $URL
run() { taskset -c 1 wrk -t1 -c"$CONNS" -d"$1" --latency -s bench/search.lua $URL; }
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
for CALL in search prefix like; do
  CALL=$CALL TOKEN="$TOKEN" BOARD="$BOARD" NOTES="$NOTES" ITEMS="$ITEMS" run 2s >/dev/null
  OUT="$(CALL=$CALL TOKEN="$TOKEN" BOARD="$BOARD" NOTES="$NOTES" ITEMS="$ITEMS" run "$DUR")"
  echo "| $CALL | $(rps "$OUT") req/s | p99 $(p99 "$OUT") |"
done
# Rebuild: stop, delete the index, start, time until it is rebuilt.
kill $SUN; wait $SUN 2>/dev/null || true
rm -rf "$DATA/search"
[ "$SEARCH" != postgres ] || psql -q "$PG/$PGDB" -c "DROP TABLE search_docs"
START="$(now)"
start
until status | grep -q '"rebuilding":false' && [ "$(status | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')" -ge "$WANT" ]; do sleep 0.5; done
echo "| rebuild from the event log | $(secs "$START" "$(now)") s | |"
