#!/usr/bin/env python3
"""Seed a fresh Sunday server with real resources and write a schemathesis.toml that uses them.

Usage: fixtures.py BASE_URL OPENAPI_JSON OUT_DIR

Standard library only. Signs up Ada (an organization owner), brings Bob and Carol into her
organization, creates workspaces, boards (from a template, plus one column of every type),
items, updates, views and a personal token, then writes into OUT_DIR:

- schemathesis.toml: Ada's session token for every request (through the spec's `bearer`
  scheme), hooks.py, and per operation each id parameter (path, query, ids in bodies, CSV
  bodies) drawn from a dictionary of real ids four times in five, so the fuzzer reaches the
  handlers instead of `404`; destructive operations (`DELETE …`) get resources of their own,
  so the others keep theirs;
- fixtures.json: what hooks.py needs (columns, groups, users, ids to protect, credentials).
"""

import json
import os
import sys
import urllib.error
import urllib.request

BASE, SPEC, OUT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
API = BASE + "/api/v1"


def call(method, path, body=None, token=None, expect=(200, 201, 204)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(API + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    if status not in expect:
        sys.exit(f"fixtures: {method} {path} answered {status}: {raw[:500]!r}")
    return json.loads(raw) if raw else None


PASSWORD = "correct horse battery staple"


def spec_column_types():
    return json.load(open(SPEC))["components"]["schemas"]["ColumnType"]["enum"]


ada = call("POST", "/auth/signup", {"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})
A = ada["token"]
org = ada["org"]["id"]


def invited(email, name, role):
    inv = call("POST", f"/orgs/{org}/invites", {"email": email, "role": role}, A)
    return call("POST", "/auth/signup",
                {"email": email, "password": PASSWORD, "name": name, "invite_token": inv["token"]})


bob = invited("bob@example.com", "Bob", "member")
carol = invited("carol@example.com", "Carol", "member")
# Dave has his own organization: `POST /orgs/{org_id}/members` may add him by email.
call("POST", "/auth/signup", {"email": "dave@example.org", "password": PASSWORD, "name": "Dave"})
# An invitation nobody used, for `POST /invites/{token}/accept` (Ada is not its addressee).
spare_invite = call("POST", f"/orgs/{org}/invites", {"email": "erin@example.com", "role": "viewer"}, A)

ws = call("POST", "/workspaces", {"name": "Main"}, A)["id"]
ws_del = call("POST", "/workspaces", {"name": "To delete"}, A)["id"]
call("POST", f"/workspaces/{ws}/members", {"user_id": bob["user"]["id"]}, A)


def board(name, template="project_tracker"):
    b = call("POST", "/boards", {"name": name, "workspace_id": ws, "template": template}, A)
    return call("GET", f"/boards/{b['id']}", token=A)


main = board("Main")
board_del = board("To delete")
bid = main["id"]
# One column of every type, so typed values, filters and sorts meet each column kind.
have = {c["type"] for c in main["columns"]}
relation = None
for kind in spec_column_types():
    if kind not in have:
        settings = {
            "dropdown": {"options": [{"id": "o1", "name": "One"}, {"id": "o2", "name": "Two"}]},
            # A relation names the boards it links to (here its own), a mirror its relation.
            "board_relation": {"board_ids": [bid]},
            "mirror": {"relation_column_id": relation},
            "rollup": {"source": "subitems", "function": "count"},
        }.get(kind)
        made = call("POST", f"/boards/{bid}/columns", {"title": kind, "type": kind, "settings": settings}, A)
        if kind == "board_relation":
            relation = made["id"]
main = call("GET", f"/boards/{bid}", token=A)
call("PUT", f"/boards/{bid}/members/{bob['user']['id']}", {"permission": "edit_content"}, A)
group = main["groups"][0]["id"]
group_del = call("POST", f"/boards/{bid}/groups", {"title": "To delete"}, A)["id"]
columns = {c["type"]: c["id"] for c in main["columns"]}
column = main["columns"][0]["id"]
column_del = call("POST", f"/boards/{bid}/columns", {"title": "To delete", "type": "text"}, A)["id"]

items = call("GET", f"/boards/{bid}/items?limit=10", token=A)["data"]
item = items[0]["id"] if items else call("POST", f"/boards/{bid}/items", {"name": "First"}, A)["id"]
item_del = call("POST", f"/boards/{bid}/items", {"name": "To delete", "group_id": group}, A)["id"]
subitem = call("POST", f"/items/{item}/subitems", {"name": "Sub"}, A)["id"]
update = call("POST", f"/items/{item}/updates", {"body": f"Hello @[{bob['user']['id']}]"}, A)["id"]
update_del = call("POST", f"/items/{item}/updates", {"body": "To delete"}, A)["id"]
view = call("POST", f"/boards/{bid}/views", {"name": "Main", "type": "table"}, A)["id"]
view_del = call("POST", f"/boards/{bid}/views", {"name": "To delete", "type": "kanban"}, A)["id"]
token_del = call("POST", "/me/tokens", {"name": "to delete", "scopes": ["read"]}, A)["id"]

# A well-formed id that exists nowhere: the fuzzer's own random ids cover malformed ones.
MISSING = "01a00000-0000-7000-8000-000000000000"

dictionaries = {
    "org": [org],
    "ws": [ws],
    "ws_del": [ws_del],
    "board": [bid],
    "board_del": [board_del["id"]],
    "group": [group],
    "group_del": [group_del],
    "column": [column] + [c for c in columns.values() if c != column],
    "column_del": [column_del],
    "item": [item, subitem],
    "item_del": [item_del],
    "update": [update],
    "update_del": [update_del],
    "view": [view],
    "view_del": [view_del],
    "token_del": [token_del],
    "member": [bob["user"]["id"]],
    "member_del": [carol["user"]["id"]],
    "user": [bob["user"]["id"], carol["user"]["id"], ada["user"]["id"]],
    "invite": [spare_invite["token"]],
    "email": ["dave@example.org", "bob@example.com", "new@example.net"],
    "csv": [
        "Name,Group,Status,Due date,Budget\nLaunch,This sprint,Done,2026-11-27,12.5\n",
        "Name,Notes\n\"Quoted, with comma\",\"=1+2\"\n'@sum,\"line\nbreak\"\n",
        "Name\n\n\n",
        "Name,Name,Name\na,b,c\n",
        "Name,Timeline,Owner,Priority\nx,2026-01-01 - 2026-01-05,someone,Nope\n",
        "\ufeffName;Group\r\nsemi;colon\r\n",
    ],
}
for name in dictionaries:
    if name != "csv":
        dictionaries[name].append(MISSING)


def bindings(method, path):
    """Parameter name (schemathesis key) -> dictionary for one operation."""
    out = {}
    deleting = method == "delete"
    if path.startswith("/api/v1/boards/{id}"):
        out["path.id"] = "board_del" if deleting and path == "/api/v1/boards/{id}" else "board"
    if path.startswith("/api/v1/items/{id}"):
        out["path.id"] = "item_del" if deleting and path == "/api/v1/items/{id}" else "item"
    if path.startswith("/api/v1/updates/{id}"):
        out["path.id"] = "update_del" if deleting else "update"
    if path.startswith("/api/v1/views/{id}"):
        out["path.id"] = "view_del" if deleting else "view"
    if path.startswith("/api/v1/workspaces/{id}"):
        out["path.id"] = "ws_del" if deleting and path == "/api/v1/workspaces/{id}" else "ws"
    if path.startswith("/api/v1/me/tokens/{id}"):
        out["path.id"] = "token_del"
    if "{org_id}" in path:
        out["path.org_id"] = "org"
    if "{column_id}" in path:
        out["path.column_id"] = "column_del" if deleting else "column"
    if "{group_id}" in path:
        out["path.group_id"] = "group_del" if deleting else "group"
    if "{user_id}" in path:
        out["path.user_id"] = "member_del" if deleting and path.startswith("/api/v1/orgs/") else "member"
    if "{token}" in path:
        out["path.token"] = "invite"
    if path == "/api/v1/boards":
        out["query.workspace_id"] = "ws"
    if path == "/api/v1/workspaces":
        out["query.org_id"] = "org"
    if path == "/api/v1/boards/{id}/items":
        out["query.group_id"] = "group"
    if path == "/api/v1/boards/{id}/groups/{group_id}" and deleting:
        out["query.move_items_to"] = "group"
    if path in ("/api/v1/boards/import", "/api/v1/boards/{id}/import"):
        out["body.csv"] = "csv"
    if method in ("post", "put", "patch"):
        out["body.workspace_id"] = "ws"
        out["body.org_id"] = "org"
        out["body.group_id"] = "group"
        out["body.user_id"] = "user"
        out["body.group_by"] = "column"
        out["body.email"] = "email"
    return out


spec = json.load(open(SPEC))
lines = [
    "# Written by scripts/schemathesis.d/fixtures.py for one run; ids are this run's.",
    "hooks = %s" % json.dumps(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hooks.py")),
    # Through the spec's `bearer` scheme, not a fixed header: a fixed header would win over
    # what hooks.py sets for logout.
    'auth = { openapi = { bearer = { bearer = "%s" } } }' % A,
    "",
    "[dictionaries]",
]
for name, values in dictionaries.items():
    lines.append("%s = { values = %s }" % (name, json.dumps(values)))
real_path_ids = {}  # "METHOD /path" -> path parameter -> the real id (for hooks.py)
for path, ops in spec["paths"].items():
    for method in ops:
        if method not in ("get", "post", "put", "patch", "delete"):
            continue
        b = bindings(method, path)
        if not b:
            continue
        real_path_ids[f"{method.upper()} {path}"] = {
            key[len("path."):]: dictionaries[name][0] for key, name in b.items() if key.startswith("path.")}
        # One operation by its exact name: `include-path` with `include-method` would match
        # either of the two.
        lines += ["", "[[operations]]", "include-name = %s" % json.dumps(f"{method.upper()} {path}")]
        lines.append("parameters = { %s }" % ", ".join(
                '"%s" = { dictionary = "%s", probability = 0.8 }' % kv for kv in b.items()))

with open(OUT + "/schemathesis.toml", "w") as f:
    f.write("\n".join(lines) + "\n")
# What hooks.py needs: the main board's columns and groups for typed bodies, users, ids.
with open(OUT + "/fixtures.json", "w") as f:
    json.dump({
        "board": bid,
        "columns": [{"id": c["id"], "type": c["type"], "settings": c.get("settings") or {}}
                    for c in main["columns"]],
        "groups": [g["id"] for g in main["groups"]],
        "items": [item, subitem],
        "users": [ada["user"]["id"], bob["user"]["id"], carol["user"]["id"]],
        # Never deleted (hooks.py points a DELETE at them elsewhere): the run needs them.
        "protected": [ws, bid, group, item, subitem, update, view]
                     + [c["id"] for c in main["columns"]],
        "missing": MISSING,
        "real_path_ids": real_path_ids,
        # For hooks.py's logins before each logout.
        "base_url": BASE, "token": A, "email": "ada@example.com", "password": PASSWORD,
    }, f)
print(f"fixtures: org {org}, workspace {ws}, board {bid}, item {item}")
