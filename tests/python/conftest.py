"""Starts the Polaris Horizon sandbox for the Python wallet tests.

The sandbox binary is taken from POLARIS_SANDBOX_BIN, or built with
`cargo build -p polaris-actix --example sandbox` from the repository root.
"""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def sandbox_binary() -> str:
    explicit = os.environ.get("POLARIS_SANDBOX_BIN")
    if explicit:
        return explicit
    subprocess.run(
        ["cargo", "build", "-q", "-p", "polaris-actix", "--example", "sandbox"],
        cwd=ROOT,
        check=True,
    )
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "debug" / "examples" / "sandbox")


@pytest.fixture(scope="session")
def horizon_url():
    proc = subprocess.Popen(
        [sandbox_binary(), "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on "), f"sandbox did not start: {line!r}"
        yield line.removeprefix("listening on ")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
