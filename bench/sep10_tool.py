#!/usr/bin/env python3
"""SEP-10 helpers for scripts/bench.sh, built on the Python stellar-sdk.

  keys                      print fresh keys as shell assignments
  token URL CLIENT_SEED     run a real SEP-10 exchange against URL (GET then POST /auth)
                            and print the JWT
  challenges N OUT          build N challenges signed by the server key (SIGNING_SEED)
                            and by CLIENT_SEED, and write one JSON body per line to OUT

`challenges` reads SIGNING_SEED, CLIENT_SEED, HOME_DOMAIN (e.g. localhost:8000) and
NETWORK_PASSPHRASE from the environment. The challenges are built exactly as a SEP-10
server builds them (stellar-sdk's build_challenge_transaction, which django-polaris
itself uses), so each is accepted once by any server holding SIGNING_SEED with that
home domain: the token benchmark then measures the POST /auth verification alone.
"""

import json
import os
import secrets
import sys
import urllib.parse
import urllib.request
from multiprocessing import Pool

from stellar_sdk import Keypair, TransactionEnvelope
from stellar_sdk.sep.stellar_web_authentication import build_challenge_transaction


def cmd_keys() -> None:
    signing = Keypair.random()
    client = Keypair.random()
    print(f"SIGNING_SEED={signing.secret}")
    print(f"SIGNING_KEY={signing.public_key}")
    print(f"CLIENT_SEED={client.secret}")
    print(f"CLIENT_ACCOUNT={client.public_key}")
    print(f"SERVER_JWT_KEY={secrets.token_hex(24)}")


def http_json(url: str, body: dict | None = None) -> dict:
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def cmd_token(base_url: str, client_seed: str) -> None:
    client = Keypair.from_secret(client_seed)
    base = base_url.rstrip("/")
    query = urllib.parse.urlencode({"account": client.public_key})
    challenge = http_json(f"{base}/auth?{query}")
    envelope = TransactionEnvelope.from_xdr(
        challenge["transaction"], challenge["network_passphrase"]
    )
    envelope.sign(client)
    answer = http_json(f"{base}/auth", {"transaction": envelope.to_xdr()})
    print(answer["token"])


def _build(count: int) -> list[str]:
    server = Keypair.from_secret(os.environ["SIGNING_SEED"])
    client = Keypair.from_secret(os.environ["CLIENT_SEED"])
    home = os.environ["HOME_DOMAIN"]
    passphrase = os.environ["NETWORK_PASSPHRASE"]
    lines = []
    for _ in range(count):
        xdr = build_challenge_transaction(
            server_secret=server.secret,
            client_account_id=client.public_key,
            home_domain=home,
            web_auth_domain=home,
            network_passphrase=passphrase,
            timeout=900,
        )
        envelope = TransactionEnvelope.from_xdr(xdr, passphrase)
        envelope.sign(client)
        lines.append(json.dumps({"transaction": envelope.to_xdr()}))
    return lines


def cmd_challenges(n: int, out: str) -> None:
    procs = os.cpu_count() or 1
    chunks = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    with Pool(procs) as pool, open(out, "w") as f:
        for lines in pool.imap_unordered(_build, chunks):
            for line in lines:
                f.write(line + "\n")


def main(argv: list[str]) -> None:
    if argv[:1] == ["keys"]:
        cmd_keys()
    elif argv[:1] == ["token"] and len(argv) == 3:
        cmd_token(argv[1], argv[2])
    elif argv[:1] == ["challenges"] and len(argv) == 3:
        cmd_challenges(int(argv[1]), argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
