"""The demo wallet script (scripts/demo_wallet.py) runs a SEP-24 deposit and withdrawal to
completed against `reference-anchor serve`, so the demo in the docs stays true."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("stellar_sdk")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_demo_wallet_completes_a_deposit_and_a_withdrawal(anchor):
    base, _, horizon_url = anchor
    run = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "demo_wallet.py"), "--anchor", base, "--horizon", horizon_url],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "page asks for amount" in out and "page asks for first_name, last_name, email_address" in out
    assert out.count(": completed") == 2, out
    assert "wallet balance: 98.0000000 SRT" in out
    assert "wallet balance: 78.0000000 SRT" in out
