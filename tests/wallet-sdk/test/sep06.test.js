// SEP-6 through the SDK's Sep6 client, as a wallet runs it: /info, a deposit and a
// withdrawal that first ask for KYC, the KYC sent through SEP-12, then transfers that the
// reference anchor's simulated bank completes, with the balances read from the sandbox.
// The tests of this file run in order and share one wallet account.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const w = require("../lib/wallet");

const client = w.connect();
const sep6 = client.anchor.sep6();
const BANK_ACCOUNT = "DE89370400440532013000";
const state = {};

/** The HTTP status of an error the SDK let through (an axios error). */
function statusOf(e) {
  return e.response?.status ?? e.error?.response?.status;
}

/** fee_details as SEP-6 4.x requires it: `total` (equal to the deprecated amount_fee) and `asset`. */
function assertFeeDetails(tx) {
  assert.ok(tx.fee_details, `no fee_details in ${JSON.stringify(tx)}`);
  assert.equal(Number(tx.fee_details.total), Number(tx.amount_fee));
  assert.equal(typeof tx.fee_details.asset, "string");
}

test("SEP-6 /info: SRT deposits and withdrawals, with the withdraw type and its fields", async () => {
  const info = await sep6.info();
  const deposit = info.deposit.SRT;
  const withdraw = info.withdraw.SRT;
  assert.equal(deposit.enabled, true);
  assert.equal(withdraw.enabled, true);
  assert.equal(typeof deposit.min_amount, "number");
  assert.equal(typeof withdraw.max_amount, "number");
  assert.ok(withdraw.types.bank_account, "withdraw types list bank_account");
  assert.equal(withdraw.types.bank_account.fields.dest.optional, false);
});

test("SEP-6: deposit and withdrawal ask for KYC before anything else", async () => {
  state.account = await w.fundedWithTrustline(client);
  state.token = await w.login(client.anchor, state.account);
  state.asset = await w.srt(client.anchor);

  const deposit = await sep6.deposit({
    authToken: state.token,
    params: { asset_code: "SRT", account: state.account.publicKey, amount: "100" },
  });
  assert.equal(deposit.type, "non_interactive_customer_info_needed");
  assert.deepEqual([...deposit.fields].sort(), ["email_address", "first_name", "last_name"]);

  const withdraw = await sep6.withdraw({
    authToken: state.token,
    params: { asset_code: "SRT", type: "bank_account", dest: BANK_ACCOUNT, amount: "20" },
  });
  assert.equal(withdraw.type, "non_interactive_customer_info_needed");
  assert.ok(withdraw.fields.includes("first_name"));
});

test("SEP-6: after KYC through SEP-12, the deposit is paid on the sandbox", async () => {
  const kyc = await client.anchor.sep12(state.token);
  await kyc.add({ sep9Info: w.KYC });
  assert.equal((await kyc.getCustomer({})).status, "ACCEPTED");

  const deposit = await sep6.deposit({
    authToken: state.token,
    params: { asset_code: "SRT", account: state.account.publicKey, amount: "100" },
  });
  assert.equal(typeof deposit.id, "string");
  assert.match(deposit.how, /Reference Bank/);

  const pending = await sep6.getTransactionBy({ authToken: state.token, id: deposit.id });
  assert.equal(pending.kind, "deposit");
  assert.equal(pending.to, state.account.publicKey);

  const tx = await w.waitForStatus(sep6, state.token, deposit.id, "completed");
  assert.equal(tx.amount_in, "100.00");
  assert.equal(tx.amount_fee, "2.00");
  assert.equal(tx.amount_out, "98.00");
  assert.match(tx.stellar_transaction_id, /^[0-9a-f]{64}$/);
  assert.equal(await w.srtBalance(state.account.publicKey), "98.0000000");
  state.deposit = deposit.id;
});

test("SEP-6: a memo user and a muxed user of the KYC'd account are asked for their own KYC", async () => {
  assert.ok(state.deposit, "the deposit test ran first");
  const memoUser = await w.login(client.anchor, state.account, "5");
  const muxedUser = await w.login(client.anchor, w.muxedKeypair(state.account, 5));
  for (const authToken of [memoUser, muxedUser]) {
    const answer = await sep6.deposit({ authToken, params: { asset_code: "SRT", amount: "10" } });
    assert.equal(answer.type, "non_interactive_customer_info_needed", JSON.stringify(answer));
    assert.ok(answer.fields.includes("first_name"));
  }
});

test("SEP-6: a withdrawal type the asset does not declare is refused with a 400", async () => {
  await assert.rejects(
    sep6.withdraw({
      authToken: state.token,
      params: { asset_code: "SRT", type: "cash_pickup", dest: BANK_ACCOUNT, amount: "20" },
    }),
    (e) => statusOf(e) === 400 && typeof e.response.data.error === "string",
  );
});

test("SEP-6: the withdrawal is matched by its memo and paid out", async () => {
  assert.ok(state.token, "the deposit test ran first");
  const withdraw = await sep6.withdraw({
    authToken: state.token,
    params: { asset_code: "SRT", type: "bank_account", dest: BANK_ACCOUNT, amount: "20" },
  });
  assert.match(withdraw.account_id, /^G[A-Z2-7]{55}$/);
  assert.equal(withdraw.memo_type, "hash");

  // The SDK pays a withdrawal from a transaction object; SEP-6's /withdraw answer gives it.
  const payment = {
    status: "pending_user_transfer_start",
    withdraw_anchor_account: withdraw.account_id,
    withdraw_memo_type: withdraw.memo_type,
    withdraw_memo: withdraw.memo,
    amount_in: "20",
  };
  await w.submit(client.stellar, state.account, (b) =>
    b.transferWithdrawalTransaction(payment, state.asset),
  );

  const tx = await w.waitForStatus(sep6, state.token, withdraw.id, "completed");
  assert.equal(tx.kind, "withdrawal");
  assert.equal(tx.amount_in, "20.00");
  assert.equal(tx.amount_fee, "1.20");
  assert.equal(tx.amount_out, "18.80");
  assert.equal(tx.from, state.account.publicKey);
  assert.equal(await w.srtBalance(state.account.publicKey), "78.0000000");
  state.withdrawal = withdraw.id;
});

test("SEP-6: the wallet lists both transfers of the account", async () => {
  const list = await sep6.getTransactionsForAsset({ authToken: state.token, assetCode: "SRT" });
  const kinds = list.map((t) => t.kind).sort();
  assert.deepEqual(kinds, ["deposit", "withdrawal"]);
  assert.ok(list.every((t) => t.status === "completed"));
});

test("SEP-6: both transaction objects carry fee_details (SEP-6 4.x)", async () => {
  for (const id of [state.deposit, state.withdrawal]) {
    assert.ok(id, "the transfer tests ran first");
    assertFeeDetails(await sep6.getTransactionBy({ authToken: state.token, id }));
  }
});

test("SEP-6: a language the anchor does not offer falls back to English", async () => {
  const info = await w.connect("pt").anchor.sep6().info();
  assert.equal(info.deposit.SRT.enabled, true);
});
