#!/usr/bin/env python3
"""Helpers for bench/ops.sh (issue 17's numbers: backup under write load, moving an
organization between stores, the embedded web app). Python 3 standard library only.

Subcommands (each prints one JSON object on stdout, progress on stderr):
  wait-addr LOG PID               the address a `sunday serve --log-format json` logged
  signup BASE EMAIL PASSWORD      {token, org_id, user_id}
  login BASE EMAIL PASSWORD       {token}
  seed BASE TOKEN ITEMS OUT_DIR   a workspace, a board with four typed columns (text, number,
                                  status, date; the values bench/harness/src/bulk_seed.rs
                                  writes), ITEMS items by `POST /boards/{id}/items/bulk` in
                                  chunks of --chunk (1,000), one request at a time; --updates K
                                  posts an update on each of the first K items. Writes
                                  OUT_DIR/ids.txt and prints {board, text_column, ...}.
  load BASE TOKEN SEED_JSON       one-cell PATCHes of random items by --writers processes, at
                                  --rate writes/s in all (0: each writer as fast as it is
                                  answered), for --warm + --dur seconds; with `-- CMD…` the
                                  command (the backup) starts after --warm and the load lasts
                                  until it ends (or --timeout). Latency is measured from each
                                  request's scheduled send time, so a stalled server shows.
  compare-db ORIGINAL RESTORED EXCLUDED_IDS   integrity of RESTORED and every table against
                                  ORIGINAL, row by row (items written after the backup started
                                  excluded)
  api-snapshot BASE TOKEN SEED_JSON OUT       the API's answers about the org, canonical JSON
                                  lines in OUT, with their hashes
  same-answers A B                compare two api-snapshot files
  web URL_A URL_B                 first loads of `/` and its assets, alternating between servers
  put FILE KEY VALUE              record a result (VALUE as JSON when it parses)
  report FILE                     the markdown table
"""

import argparse
import gzip
import hashlib
import http.client
import itertools
import json
import math
import multiprocessing as mp
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse

def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# HTTP


class Api:
    """One keep-alive HTTP/1.1 connection to a Sunday server, JSON in and out."""

    def __init__(self, base, token=None, timeout=600):
        u = urllib.parse.urlsplit(base if "://" in base else "http://" + base)
        self.host, self.port = u.hostname, u.port or 80
        self.token = token
        self.timeout = timeout
        self.conn = None
        self.used = False

    def _connect(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        self.used = False

    def raw(self, method, path, body=None, headers=None):
        """(status, headers, bytes). A request on a reused connection that the server closed
        meanwhile (idle keep-alive) is sent again once on a new one."""
        h = {"accept": "application/json"}
        if self.token:
            h["authorization"] = "Bearer " + self.token
        if body is not None:
            body = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["content-type"] = "application/json"
        h.update(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self._connect()
            reused = self.used
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                self.used = True
                if r.getheader("connection", "").lower() == "close":
                    self.close()
                return r.status, r, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt or not reused:
                    raise
        raise AssertionError("unreachable")

    def call(self, method, path, body=None, ok=(200, 201)):
        status, _, data = self.raw(method, path, body)
        if status not in ok:
            raise SystemExit(f"{method} {path}: {status} {data[:500]!r}")
        return json.loads(data) if data else None

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def canon(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    # Nearest rank: the smallest value with at least p% of the values at or below it.
    k = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


# ---------------------------------------------------------------------------------------------
# Server address, accounts


def cmd_wait_addr(a):
    deadline = time.monotonic() + a.timeout
    pos = 0
    while time.monotonic() < deadline:
        try:
            with open(a.log, "rb") as f:
                f.seek(pos)
                chunk = f.read()
        except FileNotFoundError:
            chunk = b""
        lines = chunk.split(b"\n")
        # Keep a partial last line for the next read.
        pos += len(chunk) - len(lines[-1])
        for line in lines[:-1]:
            try:
                v = json.loads(line)
            except ValueError:
                continue
            if v.get("fields", {}).get("message") == "sunday is listening":
                print(v["fields"]["addr"])
                return
        try:
            os.kill(a.pid, 0)
        except ProcessLookupError:
            sys.stderr.write(open(a.log, errors="replace").read()[-3000:])
            raise SystemExit(f"the server (pid {a.pid}) exited before listening; log: {a.log}")
        time.sleep(0.05)
    raise SystemExit(f"no 'sunday is listening' in {a.log} after {a.timeout}s")


def cmd_signup(a):
    api = Api(a.base)
    r = api.call("POST", "/api/v1/auth/signup", {"email": a.email, "password": a.password, "name": "Ops"})
    print(json.dumps({"token": r["token"], "org_id": r["org"]["id"], "user_id": r["user"]["id"]}))


def cmd_login(a):
    api = Api(a.base)
    r = api.call("POST", "/api/v1/auth/login", {"email": a.email, "password": a.password})
    print(json.dumps({"token": r["token"]}))


# ---------------------------------------------------------------------------------------------
# Seeding through the API (the same board bench/harness/src/bulk_seed.rs builds)

COLUMNS = [("Notes", "text"), ("Amount", "number"), ("State", "status"), ("Due", "date")]


def value(ty, i, labels):
    if ty == "text":
        return f"note {i}"
    if ty == "number":
        return i % 1000
    if ty == "status":
        return labels[i % len(labels)]
    return f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"


def cmd_seed(a):
    api = Api(a.base, a.token)
    me = api.call("GET", "/api/v1/me")
    ws = api.call("POST", "/api/v1/workspaces", {"name": "Bench"})
    board = api.call("POST", "/api/v1/boards", {"name": "Ops", "workspace_id": ws["id"]})
    groups = [g["id"] for g in board.get("groups", [])]
    columns = []
    for title, ty in COLUMNS:
        c = api.call("POST", f"/api/v1/boards/{board['id']}/columns", {"title": title, "type": ty})
        columns.append((c["id"], ty, c))
    labels = [l["id"] for c in columns if c[1] == "status" for l in c[2]["settings"]["labels"]]
    if not labels:
        raise SystemExit("the status column has no labels")
    os.makedirs(a.out_dir, exist_ok=True)
    ids_path = os.path.join(a.out_dir, "ids.txt")
    started = time.monotonic()
    done, tenth_start, tenth_done = 0, started, 0
    width = None
    with open(ids_path, "w") as ids:
        while done < a.items:
            n = min(a.chunk, a.items - done)
            items = []
            for i in range(done, done + n):
                item = {"name": f"Item {i}", "values": {cid: value(ty, i, labels) for cid, ty, _ in columns}}
                if groups:
                    item["group_id"] = groups[i % len(groups)]
                items.append(item)
            created = api.call("POST", f"/api/v1/boards/{board['id']}/items/bulk", {"items": items})
            for it in created["data"]:
                width = width or len(it["id"])
                if len(it["id"]) != width:
                    raise SystemExit(f"item ids of different lengths: {it['id']}")
                ids.write(it["id"] + "\n")
            done += n
            if done - tenth_done >= -(-a.items // 10) or done == a.items:
                now = time.monotonic()
                log(f"  {done:>9} items  {(done - tenth_done) / (now - tenth_start):>8.0f} items/s over the last {done - tenth_done}")
                tenth_start, tenth_done = now, done
    secs = time.monotonic() - started
    with open(ids_path) as f:
        first = [next(f).strip() for _ in range(min(a.updates, a.items))]
    for k, item_id in enumerate(first):
        api.call("POST", f"/api/v1/items/{item_id}/updates", {"body": f"Update {k}: checked by the ops benchmark."})
    text_col = next(cid for cid, ty, _ in columns if ty == "text")
    print(json.dumps({
        "board": board["id"], "workspace": ws["id"], "user": me["user"]["id"], "text_column": text_col,
        "ids": ids_path, "id_width": width, "items": a.items, "updated_items": first,
        "seed_secs": round(secs, 2), "seed_rate": round(a.items / secs),
    }))


# ---------------------------------------------------------------------------------------------
# Write load (W5-like: one-cell PATCHes of random items by several writers)


def writer(w, writers, base, token, path_ids, width, count, text_col, interval, start_at, stop_at, out):
    """One writer process: PATCH a random item's text cell, on a schedule of one request per
    `interval` seconds (0: back to back), until `stop_at` (a shared value) passes. Records
    (scheduled, sent, done, status, item index) per request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    with open(path_ids, "rb") as f:
        blob = f.read()
    stride = width + 1  # each id is followed by "\n"
    rnd = random.Random(w * 7919 + int(time.time()))
    api = Api(base, token, timeout=120)
    recs = []
    k = 0
    next_at = start_at + interval * w / writers  # the writers' schedules interleave
    while True:
        now = time.monotonic()
        if now >= stop_at.value or os.getppid() != parent:
            break
        if interval:
            if next_at > now:
                time.sleep(next_at - now)
            scheduled = next_at
            next_at += interval
        else:
            scheduled = now
        if scheduled >= stop_at.value:
            break
        i = rnd.randrange(count)
        item_id = blob[i * stride:i * stride + width].decode()
        body = ('{"values":{"%s":"edit %d-%d"}}' % (text_col, w, k)).encode()
        k += 1
        sent = time.monotonic()
        try:
            status, _, _ = api.raw("PATCH", f"/api/v1/items/{item_id}", body)
        except (OSError, http.client.HTTPException):
            status = 0
            api.close()
            time.sleep(0.01)  # a server that is gone must not make this spin
        recs.append((scheduled, sent, time.monotonic(), status, i))
    with open(out, "w") as f:
        json.dump(recs, f)


def stats(recs, lo, hi):
    """Latency (from the scheduled send) of the requests scheduled in [lo, hi)."""
    sel = [r for r in recs if lo <= r[0] < hi]
    ok = sorted((r[2] - r[0]) * 1000 for r in sel if 200 <= r[3] < 300)
    service = sorted((r[2] - r[1]) * 1000 for r in sel if 200 <= r[3] < 300)
    span = max(1e-9, min(hi, max((r[2] for r in sel), default=lo)) - lo)
    return {
        "requests": len(sel), "errors": sum(1 for r in sel if not 200 <= r[3] < 300),
        "rate": round(len(ok) / span, 1),
        "p50_ms": round(percentile(ok, 50), 2) if ok else None,
        "p99_ms": round(percentile(ok, 99), 2) if ok else None,
        "max_ms": round(ok[-1], 2) if ok else None,
        "service_p99_ms": round(percentile(service, 99), 2) if service else None,
        "window_s": round(hi - lo, 2),
    }


def cmd_load(a):
    seed = json.load(open(a.seed))
    count = seed["items"]
    interval = a.writers / a.rate if a.rate > 0 else 0.0
    work = os.path.dirname(os.path.abspath(a.out))
    t0 = time.monotonic() + 0.2
    # Under a command (the backup) the load lasts until the command ends, however long.
    stop_at = mp.Value("d", float("inf") if a.cmd else t0 + a.warm + a.dur, lock=False)
    procs = []
    outs = []
    for w in range(a.writers):
        out = os.path.join(work, f"writer-{os.getpid()}-{w}.json")
        outs.append(out)
        p = mp.Process(target=writer, args=(w, a.writers, a.base, a.token, seed["ids"], seed["id_width"], count,
                                            seed["text_column"], interval, t0, stop_at, out))
        p.start()
        procs.append(p)
    result = {"writers": a.writers, "target_rate": a.rate, "items": count}
    try:
        backup, b0, b1 = run_command(a, result, t0, stop_at)
        for p in procs:
            p.join()
    except BaseException:
        stop_at.value = 0  # the writers stop with us (they ignore SIGINT)
        for p in procs:
            p.join(timeout=5)
        raise
    recs = []
    for out in outs:
        recs.extend(json.load(open(out)))
        os.unlink(out)
    summarize(a, seed, result, recs, backup, b0, b1, t0)


def run_command(a, result, t0, stop_at):
    """Runs the command under the load (if any) and sets when the load stops."""
    backup, b0, b1 = None, None, None
    if a.cmd:
        cmd = a.cmd
        time.sleep(max(0, t0 + a.warm - time.monotonic()))
        if a.db:
            result["db_bytes"] = sum(os.path.getsize(p) for p in (a.db, a.db + "-wal") if os.path.exists(p))
        b0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=a.timeout)
            finished = proc.returncode == 0
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            finished = False
        b1 = time.monotonic()
        backup = {"finished": finished, "rc": proc.returncode, "secs": round(b1 - b0, 3),
                  "stdout": out.decode(errors="replace").strip(), "stderr": err.decode(errors="replace").strip()[-2000:]}
        if not finished:
            log(f"  the backup did not finish (rc {proc.returncode}, {b1 - b0:.1f}s): {backup['stderr'][-500:]}")
        stop_at.value = b1 + 0.5
    return backup, b0, b1


def summarize(a, seed, result, recs, backup, b0, b1, t0):
    if backup:
        result["backup"] = backup
        result["during"] = stats(recs, b0, b1)
        # Every item a request touched that was not answered before the backup started may
        # differ between the backup and the database as it is now.
        excluded = sorted({r[4] for r in recs if r[2] >= b0 or not 200 <= r[3] < 300})
        with open(seed["ids"], "rb") as f:
            blob = f.read()
        stride = seed["id_width"] + 1
        with open(a.excluded, "w") as f:
            for i in excluded:
                f.write(blob[i * stride:i * stride + seed["id_width"]].decode() + "\n")
        result["items_written_after_backup_start"] = len(excluded)
        result["items_written_before"] = len({r[4] for r in recs if r[2] < b0 and 200 <= r[3] < 300})
    else:
        result["steady"] = stats(recs, t0 + a.warm, t0 + a.warm + a.dur)
    result["all"] = stats(recs, t0, float("inf"))
    # Each second's latencies (from the scheduled send), to see whether a slow tail is steady
    # or a few stalls: [second since the start, requests, p50 ms, max ms].
    by = {}
    for r in recs:
        by.setdefault(int(r[0] - t0), []).append((r[2] - r[0]) * 1000)
    result["by_second"] = [[s, len(v), round(sorted(v)[len(v) // 2], 2), round(max(v), 2)] for s, v in sorted(by.items())]
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------
# Restored database against the original


def cmd_compare_db(a):
    res = {"tables": {}}
    rc = sqlite3.connect(f"file:{a.restored}?mode=ro", uri=True)
    res["integrity"] = rc.execute("PRAGMA integrity_check").fetchone()[0]
    rc.close()
    c = sqlite3.connect(f"file:{a.original}", uri=True)
    c.execute("ATTACH DATABASE ? AS r", (f"file:{a.restored}?mode=ro",))
    c.execute("CREATE TEMP TABLE excluded (id TEXT PRIMARY KEY)")
    with open(a.excluded) as f:
        c.executemany("INSERT OR IGNORE INTO temp.excluded VALUES (?)", ((l.strip(),) for l in f if l.strip()))
    tables = [r[0] for r in c.execute(
        "SELECT name FROM r.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    orig_tables = {r[0] for r in c.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    ok = res["integrity"] == "ok"
    for t in tables:
        q = '"' + t.replace('"', '""') + '"'
        info = list(c.execute(f"PRAGMA r.table_info({q})"))
        cols = [r[1] for r in info]
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0]
        qc = lambda col: '"' + col.replace('"', '""') + '"'
        n_r = c.execute(f"SELECT count(*) FROM r.{q}").fetchone()[0]
        if t not in orig_tables:
            res["tables"][t] = {"restored": n_r, "original": None}
            ok = False
            continue
        n_o = c.execute(f"SELECT count(*) FROM main.{q}").fetchone()[0]
        row = {"restored": n_r, "original": n_o}
        skip = " AND x.id NOT IN (SELECT id FROM temp.excluded)" if t == "items" else ""
        if pk:
            on = " AND ".join(f"y.{qc(k)} = x.{qc(k)}" for k in pk)
            neq = " OR ".join(f"x.{qc(k)} IS NOT y.{qc(k)}" for k in cols if k not in pk) or "0"
            row["missing_in_original"] = c.execute(
                f"SELECT count(*) FROM r.{q} x WHERE NOT EXISTS (SELECT 1 FROM main.{q} y WHERE {on})").fetchone()[0]
            row["differ"] = c.execute(f"SELECT count(*) FROM r.{q} x JOIN main.{q} y ON {on} WHERE ({neq}){skip}").fetchone()[0]
            if t == "items":
                row["excluded"] = c.execute(
                    "SELECT count(*) FROM r.items x WHERE x.id IN (SELECT id FROM temp.excluded)").fetchone()[0]
                row["excluded_that_differ"] = c.execute(
                    f"SELECT count(*) FROM r.items x JOIN main.items y ON {on} WHERE ({neq}) "
                    "AND x.id IN (SELECT id FROM temp.excluded)").fetchone()[0]
        else:
            row["missing_in_original"] = c.execute(
                f"SELECT count(*) FROM (SELECT * FROM r.{q} EXCEPT SELECT * FROM main.{q})").fetchone()[0]
            row["differ"] = 0
        row["identical"] = n_r - row["missing_in_original"] - row["differ"] - row.get("excluded", 0)
        res["tables"][t] = row
    # What the load changes legitimately after the backup: the board's counters (last_seq,
    # version, updated_at) and the notifier's cursors; every other row must be as backed up.
    may_change = {"boards", "event_cursors"}
    # Leases are held by running nodes and let go when they stop: the backup, taken while the
    # server ran, has the ones it held then; the original, read after it stopped, has none.
    held_while_running = {"leases"}
    bad = []
    for t, row in res["tables"].items():
        if row.get("original") is None:
            bad.append(f"{t}: not in the original")
        elif t in held_while_running:
            continue
        elif row["missing_in_original"]:
            bad.append(f"{t}: {row['missing_in_original']} rows not in the original")
        elif row["differ"] and t not in may_change:
            bad.append(f"{t}: {row['differ']} rows differ")
    # The snapshot is consistent: each board's event log ends at its last_seq.
    if "boards" in res["tables"] and "board_events" in res["tables"]:
        gaps = c.execute(
            "SELECT count(*) FROM r.boards b WHERE b.last_seq != "
            "(SELECT COALESCE(max(seq), 0) FROM r.board_events e WHERE e.board_id = b.id)").fetchone()[0]
        res["boards_whose_log_ends_elsewhere"] = gaps
        if gaps:
            bad.append(f"{gaps} boards whose last_seq is not their last event")
    res["problems"] = bad
    res["ok"] = ok and not bad
    for t, row in res["tables"].items():
        log(f"  {t:<24} {json.dumps(row)}")
    print(json.dumps(res))


# ---------------------------------------------------------------------------------------------
# API answers


def cmd_api_snapshot(a):
    seed = json.load(open(a.seed))
    api = Api(a.base, a.token)
    board = seed["board"]
    parts = {}
    started = time.monotonic()
    with open(a.out, "w") as out:
        def emit(part, path):
            body = api.call("GET", path)
            line = canon(body)
            out.write(f"{part}\t{path}\t{line}\n")
            parts.setdefault(part, hashlib.sha256())
            parts[part].update(line.encode() + b"\n")
            return body

        spaces = emit("workspaces", "/api/v1/workspaces")
        org = spaces["data"][0]["org_id"]
        emit("members", f"/api/v1/orgs/{org}/members")
        emit("board", f"/api/v1/boards/{board}")
        cursor, pages, items = None, 0, 0
        while True:
            path = f"/api/v1/boards/{board}/items?limit=500"
            if cursor:
                path += "&cursor=" + urllib.parse.quote(cursor, safe="")
            page = emit("items", path)
            pages += 1
            items += len(page["data"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        for item in seed["updated_items"]:
            emit("updates", f"/api/v1/items/{item}/updates")
        emit("activity", f"/api/v1/boards/{board}/activity?limit=500")
    total = hashlib.sha256()
    for k in sorted(parts):
        total.update(parts[k].hexdigest().encode())
    print(json.dumps({"pages": pages, "items": items, "secs": round(time.monotonic() - started, 2),
                      "hashes": {k: v.hexdigest() for k, v in parts.items()}, "sha256": total.hexdigest()}))


def cmd_same_answers(a):
    """Line by line; prints {same, lines, first_difference}."""
    with open(a.a) as fa, open(a.b) as fb:
        n = 0
        for la, lb in itertools.zip_longest(fa, fb):
            n += 1
            if la is None or lb is None:
                print(json.dumps({"same": False, "lines": n, "first_difference": "one server gave more answers"}))
                return
            if la != lb:
                pa, pb = la.split("\t", 2), lb.split("\t", 2)
                diff = next((i for i, (x, y) in enumerate(zip(pa[2], pb[2])) if x != y), min(len(pa[2]), len(pb[2])))
                print(json.dumps({"same": False, "lines": n, "first_difference": {
                    "path": pa[1], "other_path": pb[1],
                    "a": pa[2][max(0, diff - 120):diff + 120], "b": pb[2][max(0, diff - 120):diff + 120]}}))
                return
    print(json.dumps({"same": True, "lines": n}))


# ---------------------------------------------------------------------------------------------
# The web app's first load


BROWSER = {
    "accept-encoding": "gzip, deflate, br, zstd",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) sunday-ops-bench",
}


def assets_of(base):
    api = Api(base)
    status, r, html = api.raw("GET", "/", headers={"accept": "text/html", "accept-encoding": "identity"})
    if status != 200:
        raise SystemExit(f"GET / on {base}: {status}")
    text = html.decode()
    if "<html" not in text.lower():
        raise SystemExit(f"GET / on {base} is not the web app: {text[:200]}")
    refs = re.findall(r'(?:src|href)="(/[^"]+)"', text)
    return hashlib.sha256(html).hexdigest(), [r for r in refs if not r.startswith("//")]


def page_load(base, paths):
    """One first load: a new connection, `/` and then every asset on it, no cache."""
    t = time.perf_counter()
    api = Api(base)
    total = 0
    for p in paths:
        status, r, body = api.raw("GET", p, headers=dict(BROWSER, accept="text/html" if p == "/" else "*/*"))
        if status != 200:
            raise SystemExit(f"GET {p}: {status}")
        total += len(body)
    api.close()
    return (time.perf_counter() - t) * 1000, total


def cmd_web(a):
    bases = {"embedded": a.url_a, "dir": a.url_b}
    found = {k: assets_of(v) for k, v in bases.items()}
    res = {"same_index_html": found["embedded"][0] == found["dir"][0], "assets": found["embedded"][1]}
    times = {k: [] for k in bases}
    sizes = {}
    order = list(bases)
    for i in range(a.warm + a.n):
        for k in (order if i % 2 == 0 else order[::-1]):
            ms, size = page_load(bases[k], ["/"] + found[k][1])
            if i >= a.warm:
                times[k].append(ms)
                sizes[k] = size
    for k, v in times.items():
        v.sort()
        res[k] = {"loads": len(v), "p50_ms": round(percentile(v, 50), 2), "p90_ms": round(percentile(v, 90), 2),
                  "min_ms": round(v[0], 2), "max_ms": round(v[-1], 2), "bytes_on_the_wire": sizes[k],
                  "files": 1 + len(found[k][1])}
    print(json.dumps(res))


def cmd_dist_size(a):
    files, raw, gz = 0, 0, 0
    for root, _, names in os.walk(a.dir):
        for n in names:
            data = open(os.path.join(root, n), "rb").read()
            files += 1
            raw += len(data)
            gz += len(gzip.compress(data, 9))
    print(json.dumps({"files": files, "bytes": raw, "gzip_bytes": gz}))


# ---------------------------------------------------------------------------------------------
# Results


def cmd_put(a):
    try:
        data = json.load(open(a.file))
    except (FileNotFoundError, ValueError):
        data = {}
    try:
        v = json.loads(a.value)
    except ValueError:
        v = a.value
    data[a.key] = v
    with open(a.file, "w") as f:
        json.dump(data, f, indent=1)


def n(x):
    return f"{x:,}"


def secs(x):
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def mib(b):
    return f"{b / 1048576:,.1f} MiB"


def cmd_report(a):
    r = json.load(open(a.file))
    rows = []
    add = lambda *cells: rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    print(f"Measured {r.get('date', '?')} with `{r.get('command', 'bench/ops.sh')}` (binary: {r.get('binary', '?')}).")
    print()
    print("| measure | result | goal |")
    print("|---|---|---|")
    if "backup_seed" in r:
        s, base, dur = r["backup_seed"], r["load_base"], r["load_backup"]
        b = dur["backup"]
        st, du = base["steady"], dur["during"]
        w = f"{base['writers']} writers" + (f" at {base['target_rate']:,.0f} writes/s" if base["target_rate"] else ", each as fast as answered")
        add(f"backup board ({n(s['items'])} items, built through the API at {n(s['seed_rate'])} items/s)",
            f"database {mib(dur.get('db_bytes', 0))}", "")
        cpu = lambda k: f", the server using {float(r[k]) * 100:.0f}% of its core" if k in r else ""
        add(f"one-cell PATCH, {w}, no backup ({st['window_s']:.0f} s)",
            f"p50 {st['p50_ms']} ms, **p99 {st['p99_ms']} ms**, max {st['max_ms']} ms, {st['rate']:,} writes/s, {st['errors']} errors"
            + cpu("server_cpu_base"), "")
        if b["finished"]:
            ratio = du["p99_ms"] / st["p99_ms"] if du["p99_ms"] and st["p99_ms"] else None
            add("`sunday backup` while the same load runs",
                f"**{secs(b['secs'])}**, file {mib(r.get('backup_file_bytes', 0))}", "")
            add("one-cell PATCH during the backup",
                f"p50 {du['p50_ms']} ms, **p99 {du['p99_ms']} ms** ({f'{ratio:.2f}x the baseline' if ratio else 'no baseline'}), max {du['max_ms']} ms, "
                f"{du['rate']:,} writes/s, {du['requests']} requests, {du['errors']} errors" + cpu("server_cpu_backup"),
                "p99 < 2x " + ("✔" if ratio is not None and ratio < 2 else "✘"))
        else:
            add("`sunday backup` while the same load runs",
                f"**did not finish** in {secs(b['secs'])} (stopped: rc {b['rc']})", "✘")
            ratio = du["p99_ms"] / st["p99_ms"] if du["p99_ms"] and st["p99_ms"] else None
            add("one-cell PATCH during the backup attempt",
                f"p50 {du['p50_ms']} ms, p99 {du['p99_ms']} ms ({f'{ratio:.2f}x the baseline' if ratio else 'no baseline'}), "
                f"max {du['max_ms']} ms, {du['rate']:,} writes/s, "
                f"{du['requests']} requests, {du['errors']} errors", "")
        if "backup_idle_secs" in r:
            add("`sunday backup` with the server idle (after the load)",
                f"{secs(r['backup_idle_secs'])}, file {mib(r['backup_idle_bytes'])}", "")
        if "restore_secs" in r:
            src = "the backup taken under load" if r.get("restored_from") == "load" else "the idle backup"
            add(f"`sunday restore` of {src} into an empty data directory", f"**{secs(r['restore_secs'])}**", "")
        if "compare" in r:
            c = r["compare"]
            it = c["tables"].get("items", {})
            ev = c["tables"].get("board_events", {})
            add("restored database against the original, row by row",
                f"integrity_check {c['integrity']}; items: {n(it.get('identical', 0))} of {n(it.get('restored', 0))} identical, "
                + (f"{n(it.get('excluded', 0))} written after the backup started left out, " if r.get("restored_from") == "load" else "")
                + f"{it.get('differ', '?')} differ; "
                f"events: {n(ev.get('identical', 0))} of {n(ev.get('restored', 0))} identical; "
                f"{len(c['tables'])} tables, problems: {', '.join(c['problems']) or 'none'}",
                "✔" if c["ok"] else "✘")
    if "org_seed" in r:
        s = r["org_seed"]
        add(f"org on SQLite: one board of {n(s['items'])} items, {len(s['updated_items'])} updates",
            f"built through the API at {n(s['seed_rate'])} items/s", "")
        add("`sunday org export` from SQLite", f"**{secs(r['export_sqlite_secs'])}**, archive {mib(r['archive_sqlite_bytes'])}", "")
        add("`sunday migrate` on an empty PostgreSQL database", secs(r["migrate_pg_secs"]), "")
        add("`sunday org import` into PostgreSQL", f"**{secs(r['import_pg_secs'])}**", "")
        same = r["same_pg"]
        add("API answers on PostgreSQL against SQLite",
            f"identical: **{'yes' if same['same'] else 'no'}** ({n(r['snap_a']['items'])} items in {r['snap_a']['pages']} pages of 500, "
            f"board, workspaces, members, updates, activity; sha256 {r['snap_a']['sha256'][:12]}…)", "✔" if same["same"] else "✘")
        add("`sunday org export` from PostgreSQL", f"**{secs(r['export_pg_secs'])}**, archive {mib(r['archive_pg_bytes'])}", "")
        add("`sunday org import` into an empty SQLite data directory",
            f"**{secs(r['import_sqlite_secs'])}** (after `sunday migrate`: {secs(r['migrate_sqlite_secs'])})", "")
        same = r["same_sqlite"]
        add("API answers back on SQLite against the original", f"identical: **{'yes' if same['same'] else 'no'}**",
            "✔" if same["same"] else "✘")
    if "binary_bytes" in r:
        add("the binary (web app embedded)", f"{n(r['binary_bytes'])} bytes ({mib(r['binary_bytes'])})", "")
    if "dist" in r:
        d = r["dist"]
        add("`web/dist`, what embedding adds (stored uncompressed)",
            f"{n(d['bytes'])} bytes in {d['files']} files ({n(d['gzip_bytes'])} bytes gzipped)", "")
    if "web" in r:
        wb = r["web"]
        e, d = wb["embedded"], wb["dir"]
        add(f"first load of `/` + {len(wb['assets'])} assets, new connection, no cache, p50 of {e['loads']}",
            f"embedded **{e['p50_ms']} ms** (p90 {e['p90_ms']}); `web.dir` **{d['p50_ms']} ms** (p90 {d['p90_ms']}); "
            f"{n(e['bytes_on_the_wire'])} bytes on the wire" + ("" if wb["same_index_html"] else "; **the two index.html differ**"), "")
    print("\n".join(rows))
    notes = list(r.get("notes", []))
    b = r.get("load_backup", {}).get("backup")
    if b and not b["finished"]:
        notes.append(f"The backup under load was stopped after {secs(b['secs'])}; the restore and the comparison used "
                     "the backup taken after the load, with the server idle (so no item was left out).")
    for key in ("same_pg", "same_sqlite"):
        if key in r and not r[key]["same"]:
            notes.append(f"First difference ({key}): `{json.dumps(r[key].get('first_difference'))[:600]}`")
    for note in notes:
        print()
        print(note)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd_name", required=True)

    s = sub.add_parser("wait-addr"); s.add_argument("log"); s.add_argument("pid", type=int)
    s.add_argument("--timeout", type=float, default=300); s.set_defaults(f=cmd_wait_addr)
    s = sub.add_parser("signup"); s.add_argument("base"); s.add_argument("email"); s.add_argument("password")
    s.set_defaults(f=cmd_signup)
    s = sub.add_parser("login"); s.add_argument("base"); s.add_argument("email"); s.add_argument("password")
    s.set_defaults(f=cmd_login)
    s = sub.add_parser("seed"); s.add_argument("base"); s.add_argument("token"); s.add_argument("items", type=int)
    s.add_argument("out_dir"); s.add_argument("--chunk", type=int, default=1000); s.add_argument("--updates", type=int, default=0)
    s.set_defaults(f=cmd_seed)
    s = sub.add_parser("load"); s.add_argument("base"); s.add_argument("token"); s.add_argument("seed")
    s.add_argument("--writers", type=int, default=8); s.add_argument("--rate", type=float, default=1000)
    s.add_argument("--warm", type=float, default=2); s.add_argument("--dur", type=float, default=20)
    s.add_argument("--timeout", type=float, default=600); s.add_argument("--db")
    s.add_argument("--excluded"); s.add_argument("--out", required=True); s.set_defaults(f=cmd_load)
    s = sub.add_parser("compare-db"); s.add_argument("original"); s.add_argument("restored"); s.add_argument("excluded")
    s.set_defaults(f=cmd_compare_db)
    s = sub.add_parser("api-snapshot"); s.add_argument("base"); s.add_argument("token"); s.add_argument("seed")
    s.add_argument("out"); s.set_defaults(f=cmd_api_snapshot)
    s = sub.add_parser("same-answers"); s.add_argument("a"); s.add_argument("b"); s.set_defaults(f=cmd_same_answers)
    s = sub.add_parser("web"); s.add_argument("url_a"); s.add_argument("url_b")
    s.add_argument("--n", type=int, default=50); s.add_argument("--warm", type=int, default=5); s.set_defaults(f=cmd_web)
    s = sub.add_parser("dist-size"); s.add_argument("dir"); s.set_defaults(f=cmd_dist_size)
    s = sub.add_parser("put"); s.add_argument("file"); s.add_argument("key"); s.add_argument("value"); s.set_defaults(f=cmd_put)
    s = sub.add_parser("report"); s.add_argument("file"); s.set_defaults(f=cmd_report)
    argv = sys.argv[1:]
    # `load … -- CMD…`: what follows `--` is the command to run under the load.
    cmd = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    a = p.parse_args(argv)
    a.cmd = cmd
    a.f(a)


if __name__ == "__main__":
    main()
