"""Starts the Polaris Horizon sandbox for the Python wallet tests.

The sandbox binary is taken from POLARIS_SANDBOX_BIN, or built with
`cargo build -p polaris-actix --example sandbox` from the repository root.
"""

import os
import pathlib
import subprocess

import pytest
import requests

import schemas

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


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_database():
    """A new, empty database on the server of POLARIS_TEST_DATABASE_URL: (URL, drop function)."""
    import urllib.parse
    import uuid

    admin = os.environ.get("POLARIS_TEST_DATABASE_URL")
    if not admin:
        pytest.skip("SKIPPED: set POLARIS_TEST_DATABASE_URL to run the wallet suites on PostgreSQL")
    name = "polaris_e2e_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    url = urllib.parse.urlsplit(admin)._replace(path="/" + name).geturl()

    def drop():
        subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)

    return url, drop


def reference_anchor_binary():
    binary = os.environ.get("POLARIS_REFERENCE_ANCHOR_BIN")
    if not binary:
        subprocess.run(["cargo", "build", "-q", "-p", "reference-anchor"], cwd=ROOT, check=True)
        target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        binary = str(target / "debug" / "reference-anchor")
    return binary


def running_anchor(backend, extra_env=None):
    """Generator: `reference-anchor serve` on `backend` ("sqlite" or "postgres") with its
    zero-configuration defaults plus `extra_env`; yields (base URL, home domain, sandbox
    Horizon URL), stops it afterwards."""
    import tempfile
    import time

    binary = reference_anchor_binary()
    port, sandbox_port = free_port(), free_port()
    workdir = tempfile.mkdtemp(prefix="polaris-anchor-")
    env = dict(
        os.environ,
        HOST_URL=f"http://localhost:{port}",
        SANDBOX_BIND=f"127.0.0.1:{sandbox_port}",
        BANK_DELAY_SECONDS="0",
        PROCESS_INTERVAL_SECONDS="1",
    )
    env.pop("DATABASE_URL", None)
    env.pop("HORIZON_URL", None)
    env.update(extra_env or {})
    drop = None
    if backend == "postgres":
        env["DATABASE_URL"], drop = postgres_database()
    log = open(os.path.join(workdir, "anchor.log"), "w")
    proc = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}"], cwd=workdir, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/.well-known/stellar.toml", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    try:
        yield base, f"localhost:{port}", f"http://127.0.0.1:{sandbox_port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        if drop:
            drop()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def anchor(request):
    """`reference-anchor serve` with its zero-configuration defaults (dev keys, in-process
    sandbox) on SQLite, then on PostgreSQL: (base URL, home domain, sandbox Horizon URL).
    HOST_URL is http://localhost:<port>."""
    yield from running_anchor(request.param)


@pytest.fixture(autouse=True)
def sep_answers_follow_the_schemas(monkeypatch):
    """Every SEP answer a test receives through `requests` is checked against its schema."""
    send = requests.Session.request

    def checked(self, *args, **kwargs):
        response = send(self, *args, **kwargs)
        schemas.check(response)
        return response

    monkeypatch.setattr(requests.Session, "request", checked)
