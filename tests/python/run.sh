#!/usr/bin/env bash
# Runs the Python wallet tests against the Horizon sandbox.
# Creates a venv at $VENV (default: <repo>/.venv), installs the pinned
# requirements, builds the sandbox example and runs pytest. With CI=true a skipped suite fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r "$here/requirements.txt"
(cd "$root" && cargo build -q -p polaris-actix --example sandbox --example sep10_test_server && cargo build -q -p reference-anchor)
export POLARIS_REFERENCE_ANCHOR_BIN="${POLARIS_REFERENCE_ANCHOR_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/reference-anchor}"
export POLARIS_SEP10_SERVER_BIN="${POLARIS_SEP10_SERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/examples/sep10_test_server}"
export POLARIS_SANDBOX_BIN="${POLARIS_SANDBOX_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/examples/sandbox}"
log="$(mktemp)"
set +e
"$venv/bin/python" -m pytest -rs -p no:cacheprovider "$here" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "${CI:-}" = "true" ] && grep -qiE "skipped" "$log"; then
  echo "FAILED: the Python sandbox suite was skipped under CI" >&2
  exit 1
fi
exit "$status"
