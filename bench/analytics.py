"""Driver of bench/analytics.sh: asks a running Sunday the questions a dashboard over the seeded
boards would, in parallel as a browser does (first loads), measures how soon a change is in an
answer and how far the follower lags under writes, and times the same grouped question in SQL on
the store's SQLite file. Environment: URL, TOKEN, PAIRS (board_id group_id lines), DB."""

import json
import os
import sqlite3
import statistics
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

URL, TOKEN, DB = os.environ["URL"], os.environ["TOKEN"], os.environ["DB"]
BOARDS = sorted({line.split()[0] for line in open(os.environ["PAIRS"]) if line.strip()})


def call(method, path, body=None):
    req = urllib.request.Request(URL + "/api/v1" + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("authorization", "Bearer " + TOKEN)
    req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round((len(values) - 1) * p))]


board = call("GET", f"/boards/{BOARDS[0]}")
col = {c["title"]: c for c in board["columns"]}
state, amount, due = col["State"]["id"], col["Amount"]["id"], col["Due"]["id"]
label = col["State"]["settings"]["labels"][0]["id"]
ids = {"board_ids": BOARDS}
QUESTIONS = [
    {**ids, "metric": {"fn": "count"}},
    {**ids, "metric": {"fn": "sum", "column_id": "Amount"}, "group_by": {"column_id": "State"}},
    {**ids, "metric": {"fn": "count"}, "group_by": {"column_id": "State"}},
    {**ids, "metric": {"fn": "avg", "column_id": "Amount"}, "group_by": {"period": "month", "column_id": "Due"}},
    {**ids, "metric": {"fn": "count"}, "group_by": {"period": "week"}},
    {**ids, "metric": {"fn": "count"}, "filter": {"and": [{"column": "State", "op": "any_of", "value": [label]}, {"column": "Amount", "op": "gt", "value": 500}]}},
]

t = time.perf_counter()
first = call("POST", "/analytics/query", QUESTIONS[0])
print(f"first question after seeding (it folds in whatever the follower had not yet): {1000 * (time.perf_counter() - t):.0f} ms, {first['data'][0]['count']} items")
status = call("GET", "/analytics/status")
print(f"aggregates: {status['boards']} boards, {status['items']} items, {status['events']} events folded")

pool = ThreadPoolExecutor(max_workers=6)
loads, each = [], {i: [] for i in range(len(QUESTIONS))}


def timed(i):
    t = time.perf_counter()
    call("POST", "/analytics/query", QUESTIONS[i])
    each[i].append(1000 * (time.perf_counter() - t))


for _ in range(int(os.environ.get("RUNS", "30"))):
    t = time.perf_counter()
    list(pool.map(timed, range(len(QUESTIONS))))
    loads.append(1000 * (time.perf_counter() - t))
print(f"dashboard of {len(QUESTIONS)} questions over {len(BOARDS)} boards, asked together: first load p50 {pct(loads, 0.5):.0f} ms, p95 {pct(loads, 0.95):.0f} ms ({len(loads)} loads)")
for i, q in enumerate(QUESTIONS):
    print(f"  q{i + 1} {json.dumps({k: v for k, v in q.items() if k != 'board_ids'})}: p50 {pct(each[i], 0.5):.0f} ms")

# A change, then the answer holding it (a question reads whatever its boards' logs gained first).
items = call("POST", f"/boards/{BOARDS[0]}/items/query", {"limit": 200})["data"]
labels = [l["id"] for l in col["State"]["settings"]["labels"]]
seen = []
for n, item in enumerate(items[:100]):
    before = {b["key"]: b["count"] for b in call("POST", "/analytics/query", QUESTIONS[2])["data"]}
    new = labels[(labels.index(item["values"].get(state, labels[0])) + 1) % len(labels)] if item["values"].get(state) in labels else labels[1]
    t = time.perf_counter()
    call("PATCH", f"/items/{item['id']}", {"values": {state: new}})
    after = {b["key"]: b["count"] for b in call("POST", "/analytics/query", QUESTIONS[2])["data"]}
    seen.append(1000 * (time.perf_counter() - t))
    assert after != before, "the change is in the next answer"
print(f"PATCH then an answer holding it: p50 {pct(seen, 0.5):.1f} ms, p99 {pct(seen, 0.99):.1f} ms")

# The follower's own lag (no question asked): a write, then /analytics/status counting it, while
# another thread keeps writing.
stop = threading.Event()


def load():
    n = 0
    while not stop.is_set():
        item = items[100 + n % 100]
        call("PATCH", f"/items/{item['id']}", {"values": {amount: n}})
        n += 1


writer = threading.Thread(target=load)
writer.start()
lags = []
for n in range(100):
    item = items[n]
    before = call("GET", "/analytics/status")["events"]
    t = time.perf_counter()
    call("PATCH", f"/items/{item['id']}", {"name": f"renamed {n}"})
    while call("GET", "/analytics/status")["events"] <= before:
        time.sleep(0.001)
    lags.append(1000 * (time.perf_counter() - t))
stop.set()
writer.join()
print(f"follower lag from a write's response to its event folded in, under writes: p50 {pct(lags, 0.5):.1f} ms, p99 {pct(lags, 0.99):.1f} ms")

# The same grouped question in SQL on the store.
db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
marks = ",".join("?" * len(BOARDS))
sql = f"""SELECT json_extract(item_values, '$."{state}"') AS k, count(*),
          sum(json_extract(item_values, '$."{amount}"'))
          FROM items WHERE board_id IN ({marks}) AND archived_at IS NULL GROUP BY k"""
runs = []
for _ in range(3):
    t = time.perf_counter()
    rows = db.execute(sql, BOARDS).fetchall()
    runs.append(1000 * (time.perf_counter() - t))
print(f"SQL on the store (SQLite json_extract, sum by state over {len(BOARDS)} boards): median {statistics.median(runs):.0f} ms ({len(rows)} groups)")
print(f"the same from the aggregates (q2): p50 {pct(each[1], 0.5):.0f} ms")
