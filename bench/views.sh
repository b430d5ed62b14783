#!/usr/bin/env bash
# Calendar and timeline render time over a 10,000-item board in Chromium (issue 15): the
# release binary serving the built web app, the board built through the bulk API, the time
# from a click on the tab to the first chips or bars painted, RUNS times each.
#   bench/views.sh
#   ITEMS=20000 RUNS=5 bench/views.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sunday-target}"
[ -n "${NO_BUILD:-}" ] || { (cd web && npm run build >/dev/null); cargo build --release -q -p sunday; }
cd web
SUNDAY_BIN="${SUNDAY_BIN:-$CARGO_TARGET_DIR/release/sunday}" node --test --test-reporter=spec e2e/render-bench.mjs 2>&1 | grep -E "items, runs|bars in the DOM|timeline bars|✖|Error" || true
