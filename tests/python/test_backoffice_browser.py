"""The back office in headless Chromium, against `reference-anchor serve` with a password
hash made by its own `hash-password` command: sign in (a wrong password first), search
transactions, open one, press an operation's button, edit an asset (an invalid value
first) and see stellar.toml follow, match a withdrawal payment sent without its memo (the
processes then pay it out), and find the wallet's customer with its KYC status.

Screenshots of every page, at a phone and a desktop width, go to POLARIS_SCREENSHOT_DIR
(default: target/screenshots), named backoffice-*.png.
"""

import subprocess
import time

import pytest
import requests

pytest.importorskip("stellar_sdk")
pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from stellar_sdk import Keypair  # noqa: E402
from conftest import reference_anchor_binary, running_anchor  # noqa: E402
from test_sep24_browser import browser, fill, left_the_page, shoot, start, wait  # noqa: E402,F401
from wallet import funded_with_trustline, login, srt, submit as pay, wait_for_status  # noqa: E402

PASSWORD = "browser suite passphrase"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def backoffice_anchor(request):
    hashed = subprocess.run(
        [reference_anchor_binary(), "hash-password"], input=PASSWORD, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert hashed.startswith("$argon2id$"), hashed
    yield from running_anchor(request.param, {"BACKOFFICE_PASSWORD_HASH": hashed})


def submit(driver, form_id):
    """Submits the form `form_id` with its own button and waits for the next page."""
    form = driver.find_element(By.ID, form_id)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver).until(left_the_page(form))


def flash(driver):
    return wait(driver).until(ec.presence_of_element_located((By.ID, "flash")))


def test_backoffice_in_chromium(browser, backoffice_anchor):  # noqa: F811
    base, domain, horizon_url = backoffice_anchor
    wallet = Keypair.random()
    funded_with_trustline(base, horizon_url, wallet)
    _, auth = login(base, domain, wallet)
    started = start(base, auth, "deposit", {"asset_code": "SRT", "amount": "25"})
    other = Keypair.random()
    funded_with_trustline(base, horizon_url, other)
    _, other_auth = login(base, domain, other)
    start(base, other_auth, "deposit", {"asset_code": "SRT"})

    # A SEP-6 withdrawal whose payment comes without its memo: the watcher cannot match it.
    kyc = {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}
    requests.put(base + "/kyc/customer", data=kyc, headers=auth).raise_for_status()
    r = requests.get(base + "/sep6/deposit", params={"asset_code": "SRT", "amount": "50"}, headers=auth)
    sep6_tx = f"{base}/sep6/transaction"
    assert wait_for_status(sep6_tx, {"id": r.json()["id"]}, auth, "completed")["status"] == "completed"
    params = {"asset_code": "SRT", "amount": "20", "type": "bank_account", "dest": "DE89370400440532013000"}
    withdrawal = requests.get(base + "/sep6/withdraw", params=params, headers=auth).json()
    pay(horizon_url, wallet, lambda b: b.append_payment_op(withdrawal["account_id"], srt(base), "20"))

    # Signed out: sent to the sign-in page; a wrong password is refused.
    browser.delete_all_cookies()
    browser.get(f"{base}/admin/transactions")
    assert browser.current_url.endswith("/admin/login")
    fill(browser, {"password": "not the password"})
    submit(browser, "login")
    assert browser.find_element(By.ID, "login-error").text == "Sign-in refused."
    shoot(browser, "backoffice-1-login-refused")
    fill(browser, {"password": PASSWORD})
    submit(browser, "login")
    table = wait(browser).until(ec.presence_of_element_located((By.ID, "transactions")))
    assert started["id"][:8] in table.text
    shoot(browser, "backoffice-2-transactions")

    # Search by the wallet's account: its three transactions, none of the other wallet's.
    fill(browser, {"account": wallet.public_key})
    submit(browser, "search")
    rows = browser.find_elements(By.CSS_SELECTOR, "#transactions tbody tr")
    assert len(rows) == 3, [r.text for r in rows]
    assert started["id"][:8] in browser.find_element(By.ID, "transactions").text
    shoot(browser, "backoffice-3-search")
    fill(browser, {"account": "';--"})
    submit(browser, "search")
    assert "account:" in browser.find_element(By.ID, "filter-errors").text
    browser.get(f"{base}/admin/transactions?account={wallet.public_key}&kind=deposit&status=incomplete")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#transactions tbody tr")) == 1

    # Open the SEP-24 deposit and press an operation's button.
    browser.find_element(By.CSS_SELECTOR, f"#transactions a[href$='{started['id']}']").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "history")))
    assert browser.find_element(By.ID, "transaction-id").text == started["id"]
    assert "incomplete" in browser.find_element(By.ID, "status").text
    shoot(browser, "backoffice-4-transaction")
    form = browser.find_element(By.ID, "op-fail")
    form.find_element(By.NAME, "message").send_keys("Refused by the compliance team")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "Failed: the transaction is now error." in flash(browser).text
    assert "error" in browser.find_element(By.ID, "status").text
    assert "Refused by the compliance team" in browser.find_element(By.ID, "history").text
    shoot(browser, "backoffice-5-operation-done")
    tx = requests.get(f"{base}/sep24/transaction", params={"id": started["id"]}, headers=auth).json()
    assert tx["transaction"]["status"] == "error"

    # Edit the asset: an invalid value is shown on its field, a valid edit reaches stellar.toml.
    browser.find_element(By.LINK_TEXT, "Assets").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "assets")))
    shoot(browser, "backoffice-6-assets")
    browser.find_element(By.ID, "edit-SRT").click()
    fill(browser, {"significant_decimals": "9", "name": "Stellar Reference Token"})
    submit(browser, "asset-form")
    assert "0 to 7" in browser.find_element(By.ID, "error-significant_decimals").text
    assert "at most 20 characters" in browser.find_element(By.ID, "error-name").text
    shoot(browser, "backoffice-7-asset-errors")
    fill(browser, {"significant_decimals": "3", "name": "Stellar Ref Token", "deposit_fee_fixed": "1.5"})
    submit(browser, "asset-form")
    assert "Asset SRT saved." in flash(browser).text
    toml = requests.get(f"{base}/.well-known/stellar.toml").text
    assert 'name = "Stellar Ref Token"' in toml and "display_decimals = 3" in toml, toml
    browser.find_element(By.ID, "edit-SRT").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "asset-form")))
    shoot(browser, "backoffice-8-asset-form")

    # The payment without memo is listed; matched to its withdrawal, which is then paid out.
    for _ in range(60):
        browser.find_element(By.LINK_TEXT, "Unmatched payments").click()
        if "the payment has no memo" in browser.page_source:
            break
        time.sleep(0.5)
    payment = browser.find_element(By.ID, "payment-1")
    assert "the payment has no memo" in payment.text and "open" in payment.text
    shoot(browser, "backoffice-9-payments")
    match = payment.find_element(By.CSS_SELECTOR, "form[action$='/payments/match']")
    match.find_element(By.NAME, "transaction_id").send_keys(withdrawal["id"])
    match.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "Payment matched to" in flash(browser).text
    assert "matched" in browser.find_element(By.ID, "payment-1").text
    shoot(browser, "backoffice-10-payment-matched")
    done = wait_for_status(sep6_tx, {"id": withdrawal["id"]}, auth, "completed")
    assert done["status"] == "completed" and done["amount_in"] == "20.000", done  # 3 decimals now

    browser.find_element(By.LINK_TEXT, "Customers").click()
    row = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#customers tbody tr")))
    assert "ACCEPTED" in row.text
    shoot(browser, "backoffice-11-customers")

    browser.find_element(By.CSS_SELECTOR, ".bo-logout button").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "password")))
    browser.get(f"{base}/admin/transactions")
    assert browser.current_url.endswith("/admin/login")
