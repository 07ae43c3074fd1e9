#!/usr/bin/env python3
"""Fills the reference anchor's `transactions` table for the /transactions benchmark.

  seed_anchor.py DATABASE_URL ACCOUNT [TOTAL] [OWNED]

Writes TOTAL rows (default 1,000,000), OWNED of them (default 1,000) SEP-24 rows of
ACCOUNT on the asset SRT, the rest spread over 10,000 other accounts, SEP-24 and SEP-6,
on the same asset. The database must be migrated and hold the asset SRT (start the
anchor once). Rows are plain SQL in the columns of migrations/*/up.sql, with the
strings polaris-core's enums use (kind deposit/withdrawal, protocol sep24/sep6,
status completed, stage none, memo_type text). SQLite goes through Python's sqlite3,
PostgreSQL through psql; the tables are analyzed afterwards.
"""

import sqlite3
import subprocess
import sys

COLUMNS = (
    "id, kind, protocol, status, stage, asset_id, stellar_account, memo_type,"
    " refunded, claimable_balance_supported, amount_expected, amount_in, amount_out,"
    " amount_fee, stellar_transaction_id, started_at, updated_at, completed_at"
)

# One SELECT per backend producing row n of the table (n from 1 to TOTAL). Row n belongs
# to ACCOUNT when n % step == 0 (OWNED rows spread evenly through the insertion order).
SQLITE = """
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :total)
INSERT INTO transactions ({columns})
SELECT
  printf('%08x-0000-4000-8000-%012x', n, n),
  CASE WHEN n % 3 = 0 THEN 'withdrawal' ELSE 'deposit' END,
  CASE WHEN n % :step = 0 OR n % 2 = 0 THEN 'sep24' ELSE 'sep6' END,
  'completed', 'none', :asset,
  CASE WHEN n % :step = 0 THEN :account
       ELSE printf('GBENCHOTHERACCOUNT%038d', n % 10000) END,
  'text', 0, 0, '100.00', '100.00', '98.00', '2.00',
  printf('%064x', n),
  datetime('2026-01-01 00:00:00', '+' || n || ' seconds'),
  datetime('2026-01-01 00:00:00', '+' || n || ' seconds'),
  datetime('2026-01-01 00:00:00', '+' || (n + 60) || ' seconds')
FROM seq
"""

POSTGRES = """
\\set ON_ERROR_STOP on
INSERT INTO transactions ({columns})
SELECT
  lpad(to_hex(n), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'),
  CASE WHEN n % 3 = 0 THEN 'withdrawal' ELSE 'deposit' END,
  CASE WHEN n % {step} = 0 OR n % 2 = 0 THEN 'sep24' ELSE 'sep6' END,
  'completed', 'none', {asset},
  CASE WHEN n % {step} = 0 THEN '{account}'
       ELSE 'GBENCHOTHERACCOUNT' || lpad((n % 10000)::text, 38, '0') END,
  'text', false, false, '100.00', '100.00', '98.00', '2.00',
  lpad(to_hex(n), 64, '0'),
  timestamp '2026-01-01 00:00:00' + n * interval '1 second',
  timestamp '2026-01-01 00:00:00' + n * interval '1 second',
  timestamp '2026-01-01 00:00:00' + (n + 60) * interval '1 second'
FROM generate_series(1, {total}) AS n;
ANALYZE transactions;
"""


def seed_sqlite(path: str, account: str, total: int, step: int) -> None:
    db = sqlite3.connect(path)
    (asset,) = db.execute("SELECT id FROM assets WHERE code = 'SRT'").fetchone()
    with db:
        db.execute(
            SQLITE.format(columns=COLUMNS),
            {"total": total, "step": step, "asset": asset, "account": account},
        )
    db.execute("ANALYZE")
    db.close()


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "-q", "-At", url],
        input=sql,
        text=True,
        check=True,
        capture_output=True,
    ).stdout.strip()


def seed_postgres(url: str, account: str, total: int, step: int) -> None:
    asset = int(psql(url, "SELECT id FROM assets WHERE code = 'SRT';"))
    psql(
        url,
        POSTGRES.format(
            columns=COLUMNS, step=step, asset=asset, account=account, total=total
        ),
    )


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    url, account = sys.argv[1], sys.argv[2]
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    owned = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000
    step = total // owned
    if url.startswith("sqlite:"):
        seed_sqlite(url.removeprefix("sqlite:").removeprefix("//"), account, total, step)
    elif url.startswith(("postgres://", "postgresql://")):
        seed_postgres(url, account, total, step)
    else:
        sys.exit(f"unsupported DATABASE_URL {url}")


if __name__ == "__main__":
    main()
