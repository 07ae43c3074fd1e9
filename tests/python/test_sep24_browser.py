"""SEP-24 end to end: the real stellar-sdk plays the wallet, headless Chromium plays the
user on the anchor's pages, against `reference-anchor serve` and its sandbox ledger.

A deposit goes through the amount form (with its live fee table) and the KYC form to
pending_user_transfer_start, then the simulated bank and the processes complete it; a second
deposit starts without an amount and the user types it into the page; a
withdrawal goes through the amount form, the wallet pays with the memo shown, and the
processes complete it. Balances are checked on the sandbox.

Screenshots of every page, at a phone and a desktop width, go to POLARIS_SCREENSHOT_DIR
(default: target/screenshots).
"""

import os
import shutil

import pytest
import requests

pytest.importorskip("stellar_sdk")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from stellar_sdk import Keypair  # noqa: E402
from stellar_sdk.memo import HashMemo  # noqa: E402
from wallet import funded_with_trustline, login, srt, srt_balance, submit, wait_for_status  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHOTS = os.environ.get("POLARIS_SCREENSHOT_DIR", os.path.join(ROOT, "target", "screenshots"))
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return browser, driver


@pytest.fixture(scope="module")
def browser():
    path, driver_path = chromium_paths()
    if not path or not driver_path:
        pytest.skip("SKIPPED: chromium and chromedriver are needed for the SEP-24 browser suite")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = path
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]:
        options.add_argument(flag)
    options.add_argument("--window-size=%d,%d" % SIZES["desktop"])
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    os.makedirs(SHOTS, exist_ok=True)
    yield driver
    driver.quit()


def shoot(driver, name):
    """Saves the page at every width, then restores the desktop width."""
    for size, (w, h) in SIZES.items():
        driver.set_window_size(w, h)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(w, max(h, height))
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{size}.png"))
    driver.set_window_size(*SIZES["desktop"])


def wait(driver):
    return WebDriverWait(driver, 15)


def fill(driver, values):
    for name, value in values.items():
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def left_the_page(element):
    """True once `element` is no longer in the document. While the next page replaces the
    old one, chromedriver can also answer that the node "does not belong to the document"
    (a generic WebDriverException rather than a stale-element one): that is gone too."""

    def check(_driver):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    return check


def submit_form(driver):
    old = driver.find_element(By.TAG_NAME, "form")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver).until(left_the_page(old))


def amount_step(driver, amount, expect_out):
    """Types the amount, checks the live fee table, submits."""
    field = wait(driver).until(ec.presence_of_element_located((By.NAME, "amount")))
    field.clear()
    field.send_keys(amount)
    wait(driver).until(ec.visibility_of_element_located((By.ID, "polaris-fees")))
    wait(driver).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-fee=amount_out]"), expect_out)
    )


def start(base, auth, kind, body):
    r = requests.post(f"{base}/sep24/transactions/{kind}/interactive", json=body, headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_sep24_deposit_and_withdrawal_in_chromium(anchor, browser):
    base, domain, horizon_url = anchor
    wallet = Keypair.random()
    funded_with_trustline(base, horizon_url, wallet)
    _, auth = login(base, domain, wallet)

    # Deposit: amount (pre-filled by the wallet) with the live fee table, then KYC.
    started = start(base, auth, "deposit", {"asset_code": "SRT", "amount": "100"})
    browser.get(started["url"])
    assert browser.find_element(By.NAME, "amount").get_attribute("value") == "100"
    amount_step(browser, "100", "98.00")
    shoot(browser, "1-deposit-amount")
    submit_form(browser)
    assert browser.find_element(By.NAME, "first_name")
    submit_form(browser)  # empty: the form comes back with errors
    assert "This field is required." in browser.page_source
    shoot(browser, "2-deposit-kyc-errors")
    fill(browser, {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"})
    submit_form(browser)
    status = wait(browser).until(ec.presence_of_element_located((By.ID, "status")))
    shoot(browser, "3-deposit-more-info")
    tx_url = f"{base}/sep24/transaction"
    first = requests.get(tx_url, params={"id": started["id"]}, headers=auth).json()["transaction"]
    assert status.get_attribute("data-status") in ("pending_user_transfer_start", "pending_anchor", "pending_stellar", "completed")
    assert first["amount_in"] == "100.00" and first["amount_fee"] == "2.00"

    done = wait_for_status(tx_url, {"id": started["id"]}, auth, "completed")
    assert done["status"] == "completed", done
    assert done["amount_out"] == "98.00" and done["stellar_transaction_id"]
    assert srt_balance(horizon_url, wallet.public_key) == "98.0000000"

    # Deposit as most wallets start it: no amount; the user types it into the page, and the
    # amount typed is the amount the bank must pay for the deposit to complete.
    started = start(base, auth, "deposit", {"asset_code": "SRT"})
    browser.get(started["url"])
    assert browser.find_element(By.NAME, "amount").get_attribute("value") in ("", None)
    amount_step(browser, "50", "48.50")
    shoot(browser, "3b-deposit-typed-amount")
    submit_form(browser)
    wait(browser).until(ec.presence_of_element_located((By.ID, "status")))
    done = wait_for_status(tx_url, {"id": started["id"]}, auth, "completed")
    assert done["status"] == "completed", done
    assert done["amount_in"] == "50.00" and done["amount_out"] == "48.50"
    assert srt_balance(horizon_url, wallet.public_key) == "146.5000000"

    # Withdrawal: KYC is known now, so the amount is the only form.
    started = start(base, auth, "withdraw", {"asset_code": "SRT", "lang": "es"})
    browser.get(started["url"])
    assert "Monto" in browser.page_source
    amount_step(browser, "20", "18.80")
    shoot(browser, "4-withdraw-amount-es")
    submit_form(browser)
    status = wait(browser).until(ec.presence_of_element_located((By.ID, "status")))
    assert status.get_attribute("data-status") == "pending_user_transfer_start"
    shoot(browser, "5-withdraw-more-info-es")
    tx = requests.get(tx_url, params={"id": started["id"]}, headers=auth).json()["transaction"]
    assert tx["status"] == "pending_user_transfer_start" and tx["withdraw_memo_type"] == "hash"
    assert tx["withdraw_anchor_account"] in browser.page_source
    assert tx["withdraw_memo"] in browser.page_source

    import base64

    memo = HashMemo(base64.b64decode(tx["withdraw_memo"]))
    asset = srt(base)
    submit(horizon_url, wallet, lambda b: b.append_payment_op(tx["withdraw_anchor_account"], asset, "20").add_memo(memo))
    done = wait_for_status(tx_url, {"id": started["id"]}, auth, "completed")
    assert done["status"] == "completed", done
    assert done["amount_in"] == "20.00" and done["amount_out"] == "18.80"
    assert srt_balance(horizon_url, wallet.public_key) == "126.5000000"

    # The wallet's more_info_url opens without any cookie.
    browser.delete_all_cookies()
    browser.get(done["more_info_url"])
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "completed"
    shoot(browser, "6-withdraw-completed")
