#!/usr/bin/env bash
# Runs the wallet-SDK suite: SDF's TypeScript wallet SDK drives `reference-anchor serve`
# (zero configuration, its in-process sandbox ledger) on SQLite, then on PostgreSQL when
# POLARIS_TEST_DATABASE_URL is set. Installs the pinned npm packages with `npm ci` and builds
# the reference anchor. With CI=true a skipped part is a failure.
#
# The SDK checks the challenge's web_auth_domain against the host of the auth endpoint
# without its port, so the anchor runs on a default port: HOST_URL http://localhost, bound on
# 127.0.0.1:80 (POLARIS_WALLET_SDK_PORT changes the port, which only works when it is 80 or
# the SDK changes). Binding port 80 needs root (or CAP_NET_BIND_SERVICE).
# Arguments name test files to run (default: every tests/wallet-sdk/test/*.test.js).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${POLARIS_WALLET_SDK_PORT:-80}"

skip() {
  echo "SKIPPED: wallet-SDK suite: $*" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: the wallet-SDK suite was skipped under CI" >&2
    exit 1
  fi
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  skip "node and npm are needed"
  exit 0
fi

if [ "$port" -lt 1024 ] && [ "$(id -u)" != 0 ]; then
  skip "the anchor must bind port $port, which needs root"
  exit 0
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root" && cargo build -q -p reference-anchor)
binary="${POLARIS_REFERENCE_ANCHOR_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/reference-anchor}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

anchor_pid=""
workdir=""
database=""
cleanup() {
  if [ -n "$anchor_pid" ]; then
    kill "$anchor_pid" 2>/dev/null || true
    wait "$anchor_pid" 2>/dev/null || true
    anchor_pid=""
  fi
  if [ -n "$database" ]; then
    psql "$POLARIS_TEST_DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
    database=""
  fi
}
trap cleanup EXIT

# Starts the anchor on a fresh working directory; $1 is a DATABASE_URL or empty for SQLite.
start_anchor() {
  local database_url="$1" sandbox_port
  sandbox_port="$(free_port)"
  workdir="$(mktemp -d -t polaris-wallet-sdk-XXXXXX)"
  export POLARIS_WALLET_HORIZON_URL="http://127.0.0.1:$sandbox_port"
  # For the operator commands the tests run as the anchor's operator: the same binary, working
  # directory and database.
  export POLARIS_WALLET_ANCHOR_BIN="$binary" POLARIS_WALLET_ANCHOR_DIR="$workdir"
  export POLARIS_WALLET_DATABASE_URL="$database_url"
  (
    cd "$workdir"
    unset HORIZON_URL DATABASE_URL
    [ -n "$database_url" ] && export DATABASE_URL="$database_url"
    HOST_URL="http://localhost$([ "$port" = 80 ] || echo ":$port")" \
      SANDBOX_BIND="127.0.0.1:$sandbox_port" BANK_DELAY_SECONDS=0 PROCESS_INTERVAL_SECONDS=1 \
      exec "$binary" serve --bind "127.0.0.1:$port"
  ) >"$workdir/anchor.log" 2>&1 &
  anchor_pid=$!
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/.well-known/stellar.toml"; then
      return 0
    fi
    if ! kill -0 "$anchor_pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "the reference anchor did not start on port $port; its log:" >&2
  cat "$workdir/anchor.log" >&2
  return 1
}

# Runs the suite against the anchor of $1 ("sqlite" or "postgres").
run_suite() {
  local engine="$1" status=0
  echo "=== wallet-SDK suite on $engine (anchor log: $workdir/anchor.log)"
  # One file at a time: the files share the sandbox's friendbot (and Node 18 has no
  # --test-concurrency).
  for file in "${@:2}"; do
    (
      cd "$here"
      POLARIS_WALLET_HOME_DOMAIN="localhost$([ "$port" = 80 ] || echo ":$port")" \
        NODE_OPTIONS="--dns-result-order=ipv4first" node --test "$file"
    ) || status=$?
  done
  if [ "$status" != 0 ]; then
    echo "FAILED: wallet-SDK suite on $engine; the anchor's log is $workdir/anchor.log" >&2
  else
    rm -rf "$workdir"
  fi
  return "$status"
}

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=()
  for file in "$here"/test/*.test.js; do tests+=("test/$(basename "$file")"); done
fi

start_anchor ""
status=0
run_suite sqlite "${tests[@]}" || status=1
cleanup

if [ -n "${POLARIS_TEST_DATABASE_URL:-}" ]; then
  database="polaris_wallet_sdk_$(date +%s)_$$"
  psql "$POLARIS_TEST_DATABASE_URL" -q -c "CREATE DATABASE $database"
  url="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$POLARIS_TEST_DATABASE_URL" "$database")"
  start_anchor "$url"
  run_suite postgres "${tests[@]}" || status=1
  cleanup
else
  skip "set POLARIS_TEST_DATABASE_URL to run it on PostgreSQL too"
fi
exit "$status"
