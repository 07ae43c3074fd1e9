#!/usr/bin/env python3
"""Plays a wallet through a SEP-24 deposit and withdrawal against a running anchor,
printing each step. Start the reference anchor first (`cargo run -p reference-anchor -- serve`),
then, with the packages of tests/python/requirements.txt installed:

    python3 scripts/demo_wallet.py [--anchor http://localhost:8000] [--horizon http://127.0.0.1:8001]

The user's part of the interactive flow (the web pages) is played over plain HTTP here:
the script reads each form from the page and posts it, as a browser would.
"""

import argparse
import base64
import re
import sys
import time
from urllib.parse import urlparse

import requests
from stellar_sdk import Asset, Keypair, Network, Server, TransactionBuilder, TransactionEnvelope
from stellar_sdk.memo import HashMemo
from stellar_sdk.sep.stellar_web_authentication import read_challenge_transaction

PASSPHRASE = Network.TESTNET_NETWORK_PASSPHRASE


def step(text):
    print(f"\n==> {text}", flush=True)


def info(text):
    print(f"    {text}", flush=True)


def toml_value(toml, key):
    match = re.search(rf'^{key}\s*=\s*"([^"]*)"', toml, re.M)
    if not match:
        sys.exit(f"stellar.toml has no {key}")
    return match.group(1)


def submit(server, wallet, build):
    account = server.load_account(wallet.public_key)
    tx = build(TransactionBuilder(account, PASSPHRASE, base_fee=100)).set_timeout(60).build()
    tx.sign(wallet)
    return server.submit_transaction(tx)


def login(auth_url, server_key, domain, wallet):
    challenge = requests.get(auth_url, params={"account": wallet.public_key}).json()["transaction"]
    read_challenge_transaction(challenge, server_key, domain, domain, PASSPHRASE)
    envelope = TransactionEnvelope.from_xdr(challenge, PASSPHRASE)
    envelope.sign(wallet)
    token = requests.post(auth_url, json={"transaction": envelope.to_xdr()}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def form_of(html):
    """The action, hidden fields and visible field names of the page's form, or None."""
    form = re.search(r'<form method="post" action="([^"]+)"', html)
    if not form:
        return None
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    names = re.findall(r'<(?:input|select|textarea) id="field-[^"]+" name="([^"]+)"', html)
    return form.group(1), hidden, names


def play_pages(browser, url, answers):
    """Opens the interactive URL and fills every form with `answers` until the flow ends."""
    page = browser.get(url)
    while True:
        form = form_of(page.text)
        if form is None:
            status = re.search(r'data-status="([^"]+)"', page.text)
            info(f"the flow ended on the more-info page: status {status.group(1) if status else '?'}")
            return
        action, hidden, names = form
        values = {name: answers[name] for name in names}
        info(f"page asks for {', '.join(names)}; sending {values}")
        page = browser.post(action, data={**hidden, **values})
        if page.status_code >= 400:
            errors = re.findall(r'<ul class="errors[^"]*">(.*?)</ul>', page.text, re.S)
            sys.exit(f"the anchor refused the form: {errors}")


def wait_for(tx_url, headers, tx_id, status, seconds=60):
    seen = None
    deadline = time.time() + seconds
    while time.time() < deadline:
        tx = requests.get(tx_url, params={"id": tx_id}, headers=headers).json()["transaction"]
        if tx["status"] != seen:
            seen = tx["status"]
            info(f"transaction {tx_id[:8]}: {seen}")
        if seen == status:
            return tx
        time.sleep(0.5)
    sys.exit(f"the transaction did not reach {status} in {seconds} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchor", default="http://localhost:8000")
    parser.add_argument("--horizon", default="http://127.0.0.1:8001")
    args = parser.parse_args()
    anchor = args.anchor.rstrip("/")
    server = Server(args.horizon)

    step(f"reading {anchor}/.well-known/stellar.toml")
    toml = requests.get(anchor + "/.well-known/stellar.toml").text
    server_key = toml_value(toml, "SIGNING_KEY")
    sep24 = toml_value(toml, "TRANSFER_SERVER_SEP0024")
    auth_url = toml_value(toml, "WEB_AUTH_ENDPOINT")
    issuer = re.search(r'code = "SRT"\s*\n\s*issuer = "([^"]+)"', toml) or re.search(r'issuer = "([^"]+)"', toml)
    srt = Asset("SRT", issuer.group(1))
    domain = urlparse(auth_url).netloc
    info(f"SEP-24 at {sep24}, SEP-10 at {auth_url}, asset SRT issued by {srt.issuer[:8]}...")

    step("creating a wallet account with friendbot and trusting SRT")
    wallet = Keypair.random()
    requests.get(args.horizon + "/friendbot", params={"addr": wallet.public_key}).raise_for_status()
    submit(server, wallet, lambda b: b.append_change_trust_op(srt))
    info(f"wallet {wallet.public_key}")

    step("signing in with SEP-10")
    headers = login(auth_url, server_key, domain, wallet)
    info("got a JWT")

    step("SEP-24 deposit of 100 SRT")
    r = requests.post(sep24 + "/transactions/deposit/interactive", json={"asset_code": "SRT", "amount": "100"}, headers=headers)
    r.raise_for_status()
    deposit = r.json()
    info(f"interactive URL: {deposit['url'][:70]}...")
    answers = {"amount": "100", "first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    play_pages(requests.Session(), deposit["url"], answers)
    step("waiting for the (simulated) bank and the anchor's payment")
    done = wait_for(sep24 + "/transaction", headers, deposit["id"], "completed")
    info(f"paid {done['amount_out']} SRT in Stellar transaction {done['stellar_transaction_id'][:16]}...")
    balance = next(b["balance"] for b in server.accounts().account_id(wallet.public_key).call()["balances"] if b.get("asset_code") == "SRT")
    info(f"wallet balance: {balance} SRT")

    step("SEP-24 withdrawal of 20 SRT")
    r = requests.post(sep24 + "/transactions/withdraw/interactive", json={"asset_code": "SRT", "amount": "20"}, headers=headers)
    r.raise_for_status()
    withdrawal = r.json()
    play_pages(requests.Session(), withdrawal["url"], {**answers, "amount": "20"})
    tx = requests.get(sep24 + "/transaction", params={"id": withdrawal["id"]}, headers=headers).json()["transaction"]
    info(f"send {tx['amount_in']} SRT to {tx['withdraw_anchor_account'][:8]}... with memo {tx['withdraw_memo']}")
    memo = HashMemo(base64.b64decode(tx["withdraw_memo"]))
    submit(server, wallet, lambda b: b.append_payment_op(tx["withdraw_anchor_account"], srt, tx["amount_in"]).add_memo(memo))
    info("payment sent")
    done = wait_for(sep24 + "/transaction", headers, withdrawal["id"], "completed")
    info(f"the bank paid out {done['amount_out']} (fee {done['amount_fee']})")
    balance = next(b["balance"] for b in server.accounts().account_id(wallet.public_key).call()["balances"] if b.get("asset_code") == "SRT")
    info(f"wallet balance: {balance} SRT")
    step("done: a deposit and a withdrawal, both completed")


if __name__ == "__main__":
    main()
