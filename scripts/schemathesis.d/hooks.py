"""Schemathesis hooks for scripts/schemathesis (loaded through `hooks` in the generated config).

Reads STH_BASE_URL, STH_TOKEN, STH_EMAIL, STH_PASSWORD and STH_FIXTURES (fixtures.json), which
scripts/schemathesis sets.

`POST /auth/logout` ends the session it is called with. Every other request runs as Ada, so a
logout sent with her token would turn the rest of the run into `401`s. Each logout that carries
her token gets a session of its own instead, made by logging in just before it (so the fuzzer
still sees logout's `204`); logouts with other credentials are sent as generated.
"""

import json
import os
import random
import urllib.request

import schemathesis

BASE = os.environ["STH_BASE_URL"].rstrip("/")
TOKEN = os.environ["STH_TOKEN"]
EMAIL = os.environ["STH_EMAIL"]
PASSWORD = os.environ["STH_PASSWORD"]


def _fresh_session() -> str:
    req = urllib.request.Request(
        BASE + "/api/v1/auth/login",
        data=json.dumps({"email": EMAIL, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["token"]


# Headers the API reads but the spec does not declare (so the fuzzer never sends them):
# `Idempotency-Key` on POSTs, from a small pool so keys get reused with other bodies and paths,
# and `If-Match` on PATCHes. Each on about one request in four.
IDEMPOTENCY_KEYS = ["k1", "k2", "k3", "k 4", "x" * 256]
IF_MATCH = ['"1"', '"2"', "3", '"-1"', '"99999999999999999999"', '*', 'W/"1"', '"abc"', '""']
# Hypothesis reseeds the global `random` for every example, so it would draw the same number.
RNG = random.Random(os.environ.get("ST_SEED"))


with open(os.environ["STH_FIXTURES"]) as _f:
    FIX = json.load(_f)
PROTECTED = set(FIX["protected"])


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    method = case.method.upper()
    # The resource pool and stateful links find the main board, item… in responses and may
    # send them to a DELETE; the rest of the run needs them, so such a DELETE goes elsewhere.
    path = case.operation.path
    if method == "DELETE" and path.endswith("}") and case.path_parameters:
        name = path[path.rindex("{") + 1:-1]  # the resource the DELETE removes
        if case.path_parameters.get(name) in PROTECTED:
            case.path_parameters[name] = FIX["missing"]
    if method in ("POST", "PATCH") and RNG.random() < 0.25:
        headers = dict(case.headers or {})
        if method == "POST":
            headers["Idempotency-Key"] = RNG.choice(IDEMPOTENCY_KEYS)
        else:
            headers["If-Match"] = RNG.choice(IF_MATCH)
        case.headers = headers
    if case.operation.path != "/api/v1/auth/logout":
        return
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

_json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
JUNK = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
DATES = st.dates().map(lambda d: d.isoformat())
DATETIMES = st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(
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
        "number": st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e308, -0.0, 12.5])
                  | st.text(max_size=10),
        "status": st.sampled_from(_ids(settings, "labels")) | st.text(max_size=5),
        "dropdown": st.lists(st.sampled_from(_ids(settings, "options")) | st.text(max_size=5), max_size=4),
        "date": DATEISH,
        "timeline": st.fixed_dictionaries({"from": DATEISH, "to": DATEISH})
                    | st.fixed_dictionaries({"from": DATEISH}),
        "people": st.lists(st.sampled_from(USERS) | st.text(max_size=5) | st.uuids().map(str), max_size=4),
        "checkbox": st.booleans(),
        "rating": st.integers(min_value=-3, max_value=12) | st.floats(allow_nan=False, allow_infinity=False),
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

# operation -> field -> strategy (each field replaced with probability one half).
TYPED = {
    ("POST", "/api/v1/boards/{id}/items"): {"values": values_strategy()},
    ("POST", "/api/v1/items/{id}/subitems"): {"values": values_strategy()},
    ("PATCH", "/api/v1/items/{id}"): {"values": values_strategy(),
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
    if key == ("POST", "/api/v1/boards/{id}/items/bulk") and isinstance(body, dict) \
            and isinstance(body.get("items"), list):
        return st.lists(st.fixed_dictionaries({"name": st.text(max_size=10)},
                                              optional={"values": values_strategy()}), max_size=5).map(
            lambda extra: {**body, "items": body["items"] + extra})
    fields = TYPED.get(key)
    return _retype(body, fields) if fields else st.just(body)
