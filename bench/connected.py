"""Setup and the fan-out timing of bench/connected.sh, through the HTTP API only."""
import json
import os
import random
import sys
import time
import urllib.request

URL, TOKEN = os.environ["URL"], os.environ["TOKEN"]


def call(method, path, body=None):
    req = urllib.request.Request(URL + "/api/v1" + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None


def linked_board():
    with open(os.environ["INFO"]) as f:
        board = f.readline().split()[0]
        ids = [line.strip() for line in f if line.strip()]
    return board, ids


def new_board(name, workspace):
    return call("POST", "/boards", {"name": name, "workspace_id": workspace})


def column(board, body):
    return call("POST", f"/boards/{board}/columns", body)["id"]


def wait(board, column, want, count, limit=60.0, every=0.005):
    """Seconds until `count` items of `board` hold `want` in `column`."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        q = {"filter": {"column": column, "op": "eq", "value": want}, "limit": 1}
        if call("POST", f"/boards/{board}/items/query", q)["total"] >= count:
            return time.monotonic() - start
        time.sleep(every)
    raise SystemExit(f"{count} items of {board} did not reach {want} in {limit} s")


def setup():
    linked, ids = linked_board()
    b = call("GET", f"/boards/{linked}")
    amount = next(c["id"] for c in b["columns"] if c["title"] == "Amount")
    status = next(c["id"] for c in b["columns"] if c["type"] == "status")
    projects = new_board("Projects", b["workspace_id"])["id"]
    rel = column(projects, {"title": "Links", "type": "board_relation", "settings": {"board_ids": [linked]}})
    for title, settings, ty in [
        ("Names", {"relation_column_id": rel}, "mirror"),
        ("Amounts", {"relation_column_id": rel, "column_id": amount}, "mirror"),
        ("Statuses", {"relation_column_id": rel, "column_id": status, "function": "count_by_label"}, "mirror"),
        ("Total", {"relation_column_id": rel, "column_id": amount}, "rollup"),
        ("Done", {"relation_column_id": rel, "column_id": status, "function": "percent_done"}, "rollup"),
    ]:
        column(projects, {"title": title, "type": ty, "settings": settings})
    random.seed(7)
    items = [{"name": f"Project {n}", "values": {rel: random.sample(ids, 20)}} for n in range(50)]
    created = call("POST", f"/boards/{projects}/items/bulk", {"items": items})["data"]
    count = next(c["id"] for c in call("GET", f"/boards/{projects}")["columns"] if c["title"] == "Names")
    start = time.monotonic()
    while call("POST", f"/boards/{projects}/items/query",
               {"filter": {"column": count, "op": "is_not_empty"}, "limit": 1})["total"] < 50:
        time.sleep(0.01)
    print(f"| 50 projects' mirrors computed after their bulk create | {time.monotonic() - start:.3f} s |")
    with open(os.environ["OUT"], "w") as f:
        f.write(f"{projects} - - -\n")
        f.write("\n".join(i["id"] for i in created) + "\n")


def fanout():
    linked, ids = linked_board()
    b = call("GET", f"/boards/{linked}")
    amount = next(c["id"] for c in b["columns"] if c["title"] == "Amount")
    source = ids[0]
    n = int(os.environ["FANOUT"])
    deps = new_board("Dependents", b["workspace_id"])["id"]
    rel = column(deps, {"title": "Source", "type": "board_relation", "settings": {"board_ids": [linked], "two_way": False}})
    total = column(deps, {"title": "Total", "type": "rollup", "settings": {"relation_column_id": rel, "column_id": amount}})
    for at in range(0, n, 500):
        call("POST", f"/boards/{deps}/items/bulk",
             {"items": [{"name": f"Dependent {k}", "values": {rel: [source]}} for k in range(at, min(n, at + 500))]})
    call("PATCH", f"/items/{source}", {"values": {amount: 1}})
    wait(deps, total, 1, n)
    timings = []
    for value in (123457, 223457, 323457):
        start = time.monotonic()
        call("PATCH", f"/items/{source}", {"values": {amount: value}})
        timings.append(time.monotonic() - start + wait(deps, total, value, n))
    print(f"| one number changed, {n} items rolling it up all updated | "
          f"{', '.join(f'{t * 1000:.0f} ms' for t in timings)} (three runs) |")


if __name__ == "__main__":
    {"setup": setup, "fanout": fanout}[sys.argv[1]]()
