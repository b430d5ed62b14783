"""Schemathesis hooks for scripts/schemathesis (loaded through `hooks` in the generated config).

`POST /auth/logout` ends the session it is called with. Every other request runs as Ada, so a
logout sent with her token would turn the rest of the run into `401`s. Each logout that carries
her token gets a session of its own instead, made by logging in just before it (so the fuzzer
still sees logout's `204`); logouts with other credentials are sent as generated.
"""

import json
import os
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


@schemathesis.hook
def before_call(ctx, case, **kwargs):
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
