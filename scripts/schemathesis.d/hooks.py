"""Schemathesis hooks for scripts/schemathesis (loaded through `hooks` in the generated config).

Reads the file STH_FIXTURES names (fixtures.json, written by fixtures.py for this run). Before
each request (`before_call`):

- the coverage phase, which ignores the configured dictionaries and sends `0` for every id,
  gets real ids in three cases out of four, so its cases reach the handlers;
- a DELETE aimed at one of the resources the run needs (the main board, item, view…, which
  the resource pool and stateful links find in responses) is sent to a missing id instead;
- about one POST in four carries an `Idempotency-Key` and one PATCH in four an `If-Match`:
  the API reads both, the spec declares neither, so the fuzzer would never send them;
- `POST /auth/logout` ends the session it is called with, and every other request runs as
  Ada: each logout that carries her token gets a fresh session of hers instead (logging in
  just before it), so the run keeps its session and logout still answers `204`.

Bodies (`flatmap_body`): see "Typed bodies" below.
"""

import datetime
import json
import os
import random
import re
import urllib.request

import schemathesis

with open(os.environ["STH_FIXTURES"]) as _f:
    FIX = json.load(_f)
BASE, TOKEN, EMAIL, PASSWORD = FIX["base_url"], FIX["token"], FIX["email"], FIX["password"]


def _fresh_session() -> str:
    req = urllib.request.Request(
        BASE + "/api/v1/auth/login",
        data=json.dumps({"email": EMAIL, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["token"]


# A small pool, so keys get reused with other bodies and paths (`409 idempotency_key_reused`).
IDEMPOTENCY_KEYS = ["k1", "k2", "k3", "k 4", "x" * 256]
IF_MATCH = ['"1"', '"2"', "3", '"-1"', '"99999999999999999999"', '*', 'W/"1"', '"abc"', '""']
# Hypothesis reseeds the global `random` for every example, so it would draw the same number.
RNG = random.Random(os.environ.get("ST_SEED"))

PROTECTED = set(FIX["protected"])  # ids no DELETE may remove
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    method = case.method.upper()
    path = case.operation.path
    params = case.path_parameters
    meta = getattr(case, "_meta", None)
    real = FIX["real_path_ids"].get(f"{case.operation.method.upper()} {path}")
    if real and params and meta is not None and meta.phase.name.value == "coverage" and RNG.random() < 0.75:
        for name, value in real.items():
            if name in params and not UUID.fullmatch(str(params[name])):
                params[name] = value
    if method == "DELETE" and path.endswith("}") and params:
        name = path[path.rindex("{") + 1:-1]  # the resource the DELETE removes
        if params.get(name) in PROTECTED:
            params[name] = FIX["missing"]
    if method in ("POST", "PATCH") and RNG.random() < 0.25:
        headers = dict(case.headers or {})
        if method == "POST":
            headers["Idempotency-Key"] = RNG.choice(IDEMPOTENCY_KEYS)
        else:
            headers["If-Match"] = RNG.choice(IF_MATCH)
        case.headers = headers
    if path == "/api/v1/auth/logout":
        headers = dict(case.headers or {})
        names = [name for name in headers if name.lower() == "authorization"]
        if not names:  # the session's default header would send Ada's token
            headers["Authorization"] = "Bearer " + _fresh_session()
        for name in names:
            if headers[name] == "Bearer " + TOKEN:
                headers[name] = "Bearer " + _fresh_session()
        case.headers = headers


# ---------------------------------------------------------------------------------------------
# Typed bodies. The spec types item values, filters and sorts as free-form objects, so the
# fuzzer alone almost never names a real column. For the operations below, half of the bodies
# it generates get (some of) `values`, `filter`, `sort`, `group_by` or `hidden_columns` rebuilt
# from the main board's real columns (fixtures.json): right-typed values, wrong-typed values
# and junk, per column kind.

from hypothesis import strategies as st  # noqa: E402

COLUMNS = FIX["columns"]
COLUMN_IDS = [c["id"] for c in COLUMNS]
USERS = FIX["users"]
GROUPS = FIX["groups"]
PSEUDO = ["name", "group", "created_at", "updated_at", "created_by"]

FLOATS = st.floats(allow_nan=False, allow_infinity=False)  # JSON has neither
_json_leaf = st.none() | st.booleans() | st.integers() | FLOATS | st.text(max_size=20)
JUNK = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
DATES = st.dates().map(lambda d: d.isoformat())
DATETIMES = st.datetimes(timezones=st.just(datetime.timezone.utc)).map(
    lambda d: d.isoformat().replace("+00:00", "Z"))
DATEISH = DATES | DATETIMES | st.sampled_from(["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31",
                                               "2026-11-27T25:00:00Z", "today", ""])


def _ids(settings, key):
    return [x.get("id") for x in settings.get(key) or [] if isinstance(x, dict)] or ["l1"]


def value_strategy(column):
    kind, settings = column["type"], column.get("settings") or {}
    typed = {
        "text": st.text(max_size=40) | st.text(min_size=1990, max_size=2010),
        "long_text": st.text(max_size=200),
        "number": st.integers() | FLOATS | st.sampled_from([1e308, -0.0, 12.5])
                  | st.text(max_size=10),
        "status": st.sampled_from(_ids(settings, "labels")) | st.text(max_size=5),
        "dropdown": st.lists(st.sampled_from(_ids(settings, "options")) | st.text(max_size=5), max_size=4),
        "date": DATEISH,
        "timeline": st.fixed_dictionaries({"from": DATEISH, "to": DATEISH})
                    | st.fixed_dictionaries({"from": DATEISH}),
        "people": st.lists(st.sampled_from(USERS) | st.text(max_size=5) | st.uuids().map(str), max_size=4),
        "checkbox": st.booleans(),
        "rating": st.integers(min_value=-3, max_value=12) | FLOATS,
        "link": st.fixed_dictionaries({"url": st.sampled_from(["https://example.com/a", "ftp://x", "", "javascript:alert(1)"])
                                       | st.text(max_size=20)},
                                      optional={"text": st.text(max_size=20) | st.none()}),
        "email": st.sampled_from(["a@b.co", "not an email", "@", "a@b"]) | st.emails(),
        "phone": st.sampled_from(["+4930123456", "+1", "0049 30 1234", "+123456789012345678"])
                 | st.from_regex(r"\+[0-9]{0,17}", fullmatch=True),
        "tags": st.lists(st.text(max_size=60), max_size=6),
    }.get(kind, JUNK)
    # Mostly values shaped for the column; the rest null (clears) or anything at all.
    return st.one_of(typed, typed, typed, st.none(), JUNK)


def values_strategy():
    return st.lists(st.sampled_from(COLUMNS), max_size=6, unique_by=lambda c: c["id"]).flatmap(
        lambda cols: st.fixed_dictionaries({c["id"]: value_strategy(c) for c in cols}))


OPERATORS = ["eq", "neq", "contains", "not_contains", "starts_with", "gt", "gte", "lt", "lte",
             "between", "any_of", "none_of", "before", "after", "within", "is_empty", "is_not_empty", "me"]
WITHIN = ["today", "yesterday", "tomorrow", "this_week", "last_week", "next_week", "this_month",
          "past_7_days", "next_7_days", "overdue", "upcoming", "someday"]
COLUMN_REF = st.sampled_from(COLUMN_IDS + PSEUDO) | st.text(max_size=6)


def operand(column_id):
    column = next((c for c in COLUMNS if c["id"] == column_id), None)
    single = value_strategy(column) if column else JUNK
    return st.one_of(single, st.lists(single, max_size=4), st.sampled_from(WITHIN),
                     st.lists(DATEISH | st.integers(), min_size=2, max_size=2), st.just("me"),
                     st.sampled_from(USERS + GROUPS))


CONDITION = COLUMN_REF.flatmap(lambda col: st.fixed_dictionaries(
    {"column": st.just(col), "op": st.sampled_from(OPERATORS)}, optional={"value": operand(col)}))
FILTER = st.recursive(CONDITION, lambda inner: st.fixed_dictionaries({"and": st.lists(inner, max_size=4)})
                      | st.fixed_dictionaries({"or": st.lists(inner, max_size=4)}), max_leaves=12)
SORT = st.lists(st.fixed_dictionaries({"column": COLUMN_REF},
                                      optional={"dir": st.sampled_from(["asc", "desc"]) | st.none()}), max_size=4)
GROUP_BY = st.sampled_from(COLUMN_IDS + ["group", "name"]) | st.none()
TZ = st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns", "Mars/Olympus", ""]) | st.none()

# A name the API accepts (the fuzzer's own mostly hold control characters).
NAME = st.text(st.characters(categories=["L", "N", "P", "Zs", "So"]), min_size=1, max_size=30).filter(str.strip)

# operation -> field -> strategy (each field replaced with probability one half).
TYPED = {
    ("POST", "/api/v1/boards/{id}/items"): {"values": values_strategy(), "name": NAME},
    ("POST", "/api/v1/items/{id}/subitems"): {"values": values_strategy(), "name": NAME},
    ("PATCH", "/api/v1/items/{id}"): {"values": values_strategy(), "name": NAME,
                                      "group_id": st.sampled_from(GROUPS)},
    ("POST", "/api/v1/boards/{id}/items/query"): {"filter": FILTER, "sort": SORT, "group_by": GROUP_BY,
                                                  "tz": TZ},
    ("POST", "/api/v1/boards/{id}/views"): {"filter": FILTER, "sort": SORT, "group_by": GROUP_BY,
                                            "hidden_columns": st.lists(st.sampled_from(COLUMN_IDS), max_size=3)},
    ("PATCH", "/api/v1/views/{id}"): {"filter": FILTER, "sort": SORT, "group_by": GROUP_BY,
                                      "hidden_columns": st.lists(st.sampled_from(COLUMN_IDS), max_size=3)},
}


def _retype(body, fields):
    if not isinstance(body, dict):
        return st.just(body)
    draws = {name: st.one_of(st.just(None), strategy) for name, strategy in fields.items()}

    def apply(chosen):
        out = dict(body)
        for name, value in chosen.items():
            if value is not None:
                out[name] = value
        return out

    return st.fixed_dictionaries(draws).map(apply)


@schemathesis.hook
def flatmap_body(ctx, body):
    op = ctx.operation
    if op is None:
        return st.just(body)
    key = (op.method.upper(), op.path)
    if key == ("POST", "/api/v1/boards/{id}/items/bulk") and isinstance(body, dict):
        # All or nothing: one bad value refuses the batch, so half the items carry none.
        item = st.fixed_dictionaries({"name": NAME}, optional={"values": st.just({}) | values_strategy(),
                                                               "group_id": st.sampled_from(GROUPS)})
        return st.just(body) | st.lists(item, min_size=1, max_size=3).map(lambda items: {**body, "items": items})
    fields = TYPED.get(key)
    return _retype(body, fields) if fields else st.just(body)
