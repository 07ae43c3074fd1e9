"""SEP-10 with the Python stellar-sdk as the wallet.

Needs the SEP-10 test server: built with
`cargo build -p polaris-actix --example sep10_test_server`, or named by the
environment variable POLARIS_SEP10_SERVER_BIN. The fixture starts it on a free port.
"""

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from stellar_sdk import Keypair, MuxedAccount, Network, TransactionEnvelope
from stellar_sdk.sep.stellar_web_authentication import read_challenge_transaction

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = Network.TESTNET_NETWORK_PASSPHRASE
JWT_KEY = "python-test-jwt-secret-key"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_binary():
    path = os.environ.get("POLARIS_SEP10_SERVER_BIN")
    if path:
        return Path(path)
    path = ROOT / "target" / "debug" / "examples" / "sep10_test_server"
    if not path.exists():
        subprocess.run(
            ["cargo", "build", "-p", "polaris-actix", "--example", "sep10_test_server"],
            cwd=ROOT,
            check=True,
        )
    return path


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    signing = Keypair.random()
    env = dict(
        os.environ,
        SIGNING_SEED=signing.secret,
        SERVER_JWT_KEY=JWT_KEY,
        HOST_URL=f"http://localhost:{port}",
        LOCAL_MODE="true",
        STELLAR_NETWORK_PASSPHRASE=PASSPHRASE,
        POLARIS_SEP10_PORT=str(port),
    )
    proc = subprocess.Popen([str(_server_binary())], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/auth"
    deadline = time.time() + 30
    while True:
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"test server did not start: {proc.stdout.read().decode()}")
            time.sleep(0.1)
    yield {"url": url, "signing_key": signing.public_key, "domain": f"localhost:{port}", "port": port}
    proc.terminate()
    proc.wait(timeout=10)


def get_challenge(server, **params):
    resp = requests.get(server["url"], params=params, timeout=5)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["network_passphrase"] == PASSPHRASE
    return body["transaction"]


def read(server, xdr):
    return read_challenge_transaction(
        xdr, server["signing_key"], server["domain"], server["domain"], PASSPHRASE
    )


def sign(xdr, *keypairs, passphrase=PASSPHRASE):
    envelope = TransactionEnvelope.from_xdr(xdr, passphrase)
    for kp in keypairs:
        envelope.sign(kp)
    return envelope.to_xdr()


def post(server, xdr, as_form=False):
    if as_form:
        return requests.post(server["url"], data={"transaction": xdr}, timeout=5)
    return requests.post(server["url"], json={"transaction": xdr}, timeout=5)


def claims_of(token):
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)
    assert json.loads(base64.urlsafe_b64decode(pad(header)))["alg"] == "HS256"
    expected = hmac.new(JWT_KEY.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(pad(signature)) == expected
    return json.loads(base64.urlsafe_b64decode(pad(payload)))


def assert_token(server, xdr, signed, sub):
    resp = post(server, signed)
    assert resp.status_code == 200, resp.text
    claims = claims_of(resp.json()["token"])
    envelope = TransactionEnvelope.from_xdr(xdr, PASSPHRASE)
    bounds = envelope.transaction.preconditions.time_bounds
    assert claims["sub"] == sub
    assert claims["iss"] == f"http://localhost:{server['port']}/auth"
    assert claims["iat"] == bounds.min_time
    assert claims["exp"] == bounds.min_time + 86400
    assert claims["jti"] == envelope.hash_hex()
    assert "client_domain" not in claims
    return claims


def test_plain_account(server):
    client = Keypair.random()
    xdr = get_challenge(server, account=client.public_key)
    challenge = read(server, xdr)
    assert challenge.client_account_id == client.public_key
    assert challenge.matched_home_domain == server["domain"]
    assert challenge.memo is None
    assert_token(server, xdr, sign(xdr, client), client.public_key)


def test_muxed_account(server):
    client = Keypair.random()
    muxed = MuxedAccount(client.public_key, 1234567890123).account_muxed
    xdr = get_challenge(server, account=muxed)
    assert read(server, xdr).client_account_id == muxed
    assert_token(server, xdr, sign(xdr, client), muxed)


def test_memo(server):
    client = Keypair.random()
    xdr = get_challenge(server, account=client.public_key, memo="18446744073709551615")
    assert read(server, xdr).memo == 18446744073709551615
    assert_token(server, xdr, sign(xdr, client), f"{client.public_key}:18446744073709551615")


def test_form_body_and_single_use(server):
    client = Keypair.random()
    signed = sign(get_challenge(server, account=client.public_key), client)
    assert post(server, signed, as_form=True).status_code == 200
    replay = post(server, signed)
    assert replay.status_code == 400
    assert replay.json() == {"error": "this challenge has already been used; request a new one"}


@pytest.mark.parametrize(
    "params, error",
    [
        ({"memo": "abc"}, "'memo' must be an id memo"),
        ({"muxed": True, "memo": "5"}, "'memo' cannot be used with a muxed account"),
        ({"home_domain": "evil.example"}, "'home_domain' evil.example is not served here"),
        ({"client_domain": "not a domain"}, "must be a host name"),
    ],
)
def test_refused_challenge_requests(server, params, error):
    client = Keypair.random()
    account = client.public_key
    if params.pop("muxed", False):
        account = MuxedAccount(account, 1).account_muxed
    resp = requests.get(server["url"], params={"account": account, **params}, timeout=5)
    assert resp.status_code == 400
    assert error in resp.json()["error"]


def _strip_signatures(xdr):
    envelope = TransactionEnvelope.from_xdr(xdr, PASSPHRASE)
    envelope.signatures = []
    return envelope.to_xdr()


def _alter_nonce(xdr):
    envelope = TransactionEnvelope.from_xdr(xdr, PASSPHRASE)
    envelope.transaction.operations[0].data_value = base64.b64encode(os.urandom(48))
    return envelope.to_xdr()


@pytest.mark.parametrize(
    "tamper, error",
    [
        (lambda x, c: sign(x, c, Keypair.random()), "master key and nothing else"),
        (lambda x, c: sign(x, c, passphrase=Network.PUBLIC_NETWORK_PASSPHRASE), "not from a signer"),
        (lambda x, c: sign(_strip_signatures(x), c), "not signed by this server"),
        (lambda x, c: sign(_alter_nonce(x), c), "not signed by this server"),
        (lambda x, c: "AAAAAgAAAAA=", "not a valid transaction envelope"),
        (lambda x, c: "garbage!", "not base64"),
    ],
)
def test_refused_tokens(server, tamper, error):
    client = Keypair.random()
    xdr = get_challenge(server, account=client.public_key)
    resp = post(server, tamper(xdr, client))
    assert resp.status_code == 400, resp.text
    assert error in resp.json()["error"]
    # Nothing was stored: the untampered challenge still works.
    assert post(server, sign(xdr, client)).status_code == 200


def test_oversized_body(server):
    resp = requests.post(server["url"], json={"transaction": "A" * 20000}, timeout=5)
    assert resp.status_code == 413
    assert resp.json() == {"error": "request body too large"}
