"""A wallet (the real stellar-sdk) runs a SEP-6 deposit with SEP-12 KYC against
`reference-anchor serve` on zero configuration (SQLite, dev keys, in-process sandbox).

The `anchor` fixture (conftest.py) runs the binary of POLARIS_REFERENCE_ANCHOR_BIN.
"""

import time

import pytest
import requests

stellar_sdk = pytest.importorskip("stellar_sdk")
from stellar_sdk import Network  # noqa: E402
from wallet import login  # noqa: E402

def test_sep6_deposit_asks_for_kyc_then_gives_instructions(anchor):
    base, domain, _ = anchor
    _, auth = login(base, domain)
    deposit = {"asset_code": "SRT", "amount": "100"}

    r = requests.get(base + "/sep6/deposit", params=deposit, headers=auth)
    assert r.status_code == 403
    assert r.json() == {
        "type": "non_interactive_customer_info_needed",
        "fields": ["first_name", "last_name", "email_address"],
    }

    kyc = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    r = requests.put(base + "/kyc/customer", data=kyc, headers=auth)
    assert r.status_code == 202
    customer = r.json()["id"]
    r = requests.get(base + "/kyc/customer", headers=auth)
    assert r.json()["status"] == "ACCEPTED" and r.json()["id"] == customer

    r = requests.get(base + "/sep6/deposit", params=deposit, headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["how"].startswith("Wire to the Reference Bank")
    assert body["min_amount"] == 1 and body["max_amount"] == 10000

    r = requests.get(base + "/sep6/transaction", params={"id": body["id"]}, headers=auth)
    assert r.json()["transaction"]["status"] == "pending_user_transfer_start"


def test_another_wallet_cannot_read_the_customer(anchor):
    base, domain, _ = anchor
    _, alice = login(base, domain)
    _, bob = login(base, domain)
    r = requests.put(base + "/kyc/customer", data={"first_name": "Alice"}, headers=alice)
    customer = r.json()["id"]
    r = requests.get(base + "/kyc/customer", params={"id": customer}, headers=bob)
    assert r.status_code == 404


def test_sep6_deposit_is_paid_on_the_sandbox(anchor):
    from stellar_sdk import Asset, Server, TransactionBuilder

    base, domain, horizon_url = anchor
    wallet, auth = login(base, domain)
    requests.get(horizon_url + "/friendbot", params={"addr": wallet.public_key}).raise_for_status()
    toml = requests.get(base + "/.well-known/stellar.toml").text
    issuer = next(l.split('"')[1] for l in toml.splitlines() if l.strip().startswith("issuer"))
    srt = Asset("SRT", issuer)
    server = Server(horizon_url)
    account = server.load_account(wallet.public_key)
    trust = (
        TransactionBuilder(account, Network.TESTNET_NETWORK_PASSPHRASE, base_fee=100)
        .append_change_trust_op(srt)
        .set_timeout(60)
        .build()
    )
    trust.sign(wallet)
    server.submit_transaction(trust)

    kyc = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    requests.put(base + "/kyc/customer", data=kyc, headers=auth).raise_for_status()
    r = requests.get(base + "/sep6/deposit", params={"asset_code": "SRT", "amount": "100"}, headers=auth)
    assert r.status_code == 200, r.text
    tx_id = r.json()["id"]

    status = None
    for _ in range(120):
        status = requests.get(base + "/sep6/transaction", params={"id": tx_id}, headers=auth).json()["transaction"]
        if status["status"] == "completed":
            break
        time.sleep(0.25)
    assert status["status"] == "completed", status
    assert status["amount_in"] == "100.00" and status["amount_fee"] == "2.00" and status["amount_out"] == "98.00"
    balances = requests.get(f"{horizon_url}/accounts/{wallet.public_key}").json()["balances"]
    srt_balance = next(b["balance"] for b in balances if b.get("asset_code") == "SRT")
    assert srt_balance == "98.0000000"


def test_sep6_withdrawal_is_matched_and_paid_out(anchor):
    import base64

    from stellar_sdk import Asset, Server, TransactionBuilder
    from stellar_sdk.memo import HashMemo

    base, domain, horizon_url = anchor
    wallet, auth = login(base, domain)
    requests.get(horizon_url + "/friendbot", params={"addr": wallet.public_key}).raise_for_status()
    toml = requests.get(base + "/.well-known/stellar.toml").text
    issuer = next(l.split('"')[1] for l in toml.splitlines() if l.strip().startswith("issuer"))
    srt = Asset("SRT", issuer)
    server = Server(horizon_url)
    passphrase = Network.TESTNET_NETWORK_PASSPHRASE

    def submit(build):
        account = server.load_account(wallet.public_key)
        tx = build(TransactionBuilder(account, passphrase, base_fee=100)).set_timeout(60).build()
        tx.sign(wallet)
        server.submit_transaction(tx)

    submit(lambda b: b.append_change_trust_op(srt))
    kyc = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    requests.put(base + "/kyc/customer", data=kyc, headers=auth).raise_for_status()
    r = requests.get(base + "/sep6/deposit", params={"asset_code": "SRT", "amount": "50"}, headers=auth)
    deposit_id = r.json()["id"]
    for _ in range(120):
        tx = requests.get(base + "/sep6/transaction", params={"id": deposit_id}, headers=auth).json()["transaction"]
        if tx["status"] == "completed":
            break
        time.sleep(0.25)

    r = requests.get(
        base + "/sep6/withdraw",
        params={"asset_code": "SRT", "amount": "20", "type": "bank_account", "dest": "DE89370400440532013000"},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    w = r.json()
    memo = HashMemo(base64.b64decode(w["memo"]))
    submit(lambda b: b.append_payment_op(w["account_id"], srt, "20").add_memo(memo))

    status = None
    for _ in range(120):
        status = requests.get(base + "/sep6/transaction", params={"id": w["id"]}, headers=auth).json()["transaction"]
        if status["status"] == "completed":
            break
        time.sleep(0.25)
    assert status["status"] == "completed", status
    assert status["amount_in"] == "20.00" and status["amount_fee"] == "1.20" and status["amount_out"] == "18.80"
    assert status["from"] == wallet.public_key
