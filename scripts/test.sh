#!/usr/bin/env bash
# Runs every test suite of the project.
#
# - Rust: unit, store (SQLite always; PostgreSQL when POLARIS_TEST_DATABASE_URL is set),
#   HTTP and sandbox tests.
# - Python: the wallet-side suites with the real stellar-sdk (a venv in .venv is created).
# - Browser: the SEP-24 pages in headless Chromium (part of the Python suites), when
#   chromium and chromedriver exist.
# - Wallet SDK: SDF's TypeScript wallet SDK drives the reference anchor (tests/wallet-sdk),
#   when node and npm exist (the anchor binds port 80, so it needs root).
#
# A suite whose dependency is missing says SKIPPED loudly; with POLARIS_REQUIRE_ALL_SUITES=1
# (set by CI) a skip is a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ -z "${POLARIS_TEST_DATABASE_URL:-}" ]; then
  echo "SKIPPED: PostgreSQL suites (set POLARIS_TEST_DATABASE_URL=postgres://USER@HOST/DB to run them)" >&2
  [ "${POLARIS_REQUIRE_ALL_SUITES:-}" = "1" ] && exit 1
else
  echo "PostgreSQL suites: on (each test creates and drops its own database)"
fi

cargo test --workspace

if command -v python3 >/dev/null 2>&1; then
  bash tests/python/run.sh
else
  echo "SKIPPED: Python wallet suites (no python3)" >&2
  [ "${POLARIS_REQUIRE_ALL_SUITES:-}" = "1" ] && exit 1
fi

if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  bash tests/wallet-sdk/run.sh
else
  echo "SKIPPED: wallet-SDK suite (no node/npm)" >&2
  [ "${POLARIS_REQUIRE_ALL_SUITES:-}" = "1" ] && exit 1
fi

echo "all suites passed"
