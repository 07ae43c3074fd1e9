"""Wallet-side helpers shared by the suites: SEP-10 login, funding, trustlines, polling."""

import time

import requests
from stellar_sdk import Asset, Keypair, Network, Server, TransactionBuilder, TransactionEnvelope
from stellar_sdk.sep.stellar_web_authentication import read_challenge_transaction

PASSPHRASE = Network.TESTNET_NETWORK_PASSPHRASE


def login(base, domain, wallet=None):
    """SEP-10 with the real SDK: returns (keypair, Authorization header)."""
    wallet = wallet or Keypair.random()
    toml = requests.get(base + "/.well-known/stellar.toml").text
    server_key = next(l.split('"')[1] for l in toml.splitlines() if l.startswith("SIGNING_KEY"))
    challenge = requests.get(base + "/auth", params={"account": wallet.public_key}).json()["transaction"]
    read_challenge_transaction(challenge, server_key, domain, domain, PASSPHRASE)
    envelope = TransactionEnvelope.from_xdr(challenge, PASSPHRASE)
    envelope.sign(wallet)
    token = requests.post(base + "/auth", json={"transaction": envelope.to_xdr()}).json()["token"]
    return wallet, {"Authorization": f"Bearer {token}"}


def srt(base):
    """The anchor's SRT asset, issuer read from its stellar.toml."""
    toml = requests.get(base + "/.well-known/stellar.toml").text
    issuer = next(l.split('"')[1] for l in toml.splitlines() if l.strip().startswith("issuer"))
    return Asset("SRT", issuer)


def submit(horizon_url, wallet, build):
    """Builds, signs and submits a transaction from `wallet` on the sandbox."""
    server = Server(horizon_url)
    account = server.load_account(wallet.public_key)
    tx = build(TransactionBuilder(account, PASSPHRASE, base_fee=100)).set_timeout(60).build()
    tx.sign(wallet)
    return server.submit_transaction(tx)


def funded_with_trustline(base, horizon_url, wallet):
    """Creates `wallet` with friendbot and adds the SRT trustline."""
    requests.get(horizon_url + "/friendbot", params={"addr": wallet.public_key}).raise_for_status()
    submit(horizon_url, wallet, lambda b: b.append_change_trust_op(srt(base)))


def srt_balance(horizon_url, account):
    balances = requests.get(f"{horizon_url}/accounts/{account}").json()["balances"]
    return next(b["balance"] for b in balances if b.get("asset_code") == "SRT")


def wait_for_status(url, params, headers, status, seconds=30):
    """Polls a SEP transaction endpoint until `status`; returns the last transaction seen."""
    tx = None
    deadline = time.time() + seconds
    while time.time() < deadline:
        tx = requests.get(url, params=params, headers=headers).json()["transaction"]
        if tx["status"] == status:
            return tx
        time.sleep(0.25)
    return tx
