// SEP-24 through the SDK's Sep24 client, with the user's side of the interactive pages
// driven over HTTP: deposits and withdrawals to `completed`, with and without `amount` in
// the start request, and the balances read from the sandbox.
// The tests of this file run in order and share one wallet account.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const w = require("../lib/wallet");
const { completeInteractiveFlow } = require("../lib/interactive");

const client = w.connect();
const sep24 = client.anchor.sep24();
const state = { ids: [] };

/** Starts a deposit (extra: e.g. `{ amount }`), returns the SDK's answer. */
async function startDeposit(extraFields) {
  return sep24.deposit({
    assetCode: "SRT",
    authToken: state.token,
    destinationAccount: state.account.publicKey,
    extraFields,
  });
}

/** Starts a withdrawal, returns the SDK's answer. */
async function startWithdrawal(extraFields) {
  return sep24.withdraw({
    assetCode: "SRT",
    authToken: state.token,
    withdrawalAccount: state.account.publicKey,
    extraFields,
  });
}

/** Checks the answer of a start request and completes its pages with `answers`. */
async function interact(started, answers) {
  assert.equal(started.type, "interactive_customer_info_needed");
  assert.equal(typeof started.id, "string");
  assert.match(started.url, /^http:\/\//);
  const last = await completeInteractiveFlow(started.url, answers);
  state.ids.push(started.id);
  return last.forms;
}

/** Pays the withdrawal `id` once it waits for the user's transfer; waits for completion. */
async function payAndComplete(id) {
  const waiting = await w.waitForStatus(sep24, state.token, id, "pending_user_transfer_start");
  await w.submit(client.stellar, state.account, (b) =>
    b.transferWithdrawalTransaction(waiting, state.asset),
  );
  return w.waitForStatus(sep24, state.token, id, "completed");
}

/** Money figures of a completed transaction add up: in = fee + out (fee 1 + 1 %). */
function assertFigures(tx, amountIn) {
  assert.equal(Number(tx.amount_in), amountIn);
  assert.equal(Number(tx.amount_fee), 1 + amountIn / 100);
  assert.equal(Number(tx.amount_out), amountIn - (1 + amountIn / 100));
}

test("SEP-24 /info: SRT is enabled both ways, with numeric limits", async () => {
  const info = await sep24.info();
  for (const op of [info.deposit.SRT, info.withdraw.SRT]) {
    assert.equal(op.enabled, true);
    for (const key of ["min_amount", "max_amount", "fee_fixed", "fee_percent"]) {
      if (key in op) {
        assert.equal(typeof op[key], "number", `${key} is ${JSON.stringify(op[key])}`);
      }
    }
  }
});

test("SEP-24: a deposit with the amount in the start request completes", async () => {
  state.account = await w.fundedWithTrustline(client);
  state.token = await w.login(client.anchor, state.account);
  state.asset = await w.srt(client.anchor);

  const started = await startDeposit({ amount: "100" });
  const forms = await interact(started, w.KYC);
  assert.equal(forms[0].values.amount, "100", "the amount form shows the requested amount");
  assert.ok(forms.some((f) => f.names.includes("first_name")), "the pages asked for KYC");

  const tx = await w.waitForStatus(sep24, state.token, started.id, "completed");
  assert.equal(tx.kind, "deposit");
  assert.equal(tx.to, state.account.publicKey);
  assertFigures(tx, 100);
  assert.equal(await w.srtBalance(state.account.publicKey), "98.0000000");
});

test("SEP-24: a deposit whose amount the user types into the page completes", async () => {
  const started = await startDeposit({});
  const forms = await interact(started, { amount: "50" });
  assert.deepEqual(forms.length, 1, "KYC was given once, only the amount is asked");
  assert.equal(forms[0].values.amount ?? "", "", "no amount is suggested");

  const tx = await w.waitForStatus(sep24, state.token, started.id, "completed");
  assertFigures(tx, 50);
  assert.equal(await w.srtBalance(state.account.publicKey), "146.5000000");
});

test("SEP-24: a withdrawal with the amount in the start request completes", async () => {
  const started = await startWithdrawal({ amount: "20" });
  await interact(started, {});
  const tx = await payAndComplete(started.id);
  assert.equal(tx.kind, "withdrawal");
  assert.equal(tx.from, state.account.publicKey);
  assertFigures(tx, 20);
  assert.equal(await w.srtBalance(state.account.publicKey), "126.5000000");
});

test("SEP-24: a withdrawal whose amount the user types into the page completes", async () => {
  const started = await startWithdrawal({});
  await interact(started, { amount: "10" });
  const tx = await payAndComplete(started.id);
  assertFigures(tx, 10);
  assert.equal(await w.srtBalance(state.account.publicKey), "116.5000000");
});

test("SEP-24: the wallet lists the four transfers, all completed", async () => {
  const list = await sep24.getTransactionsForAsset({ authToken: state.token, assetCode: "SRT" });
  assert.deepEqual(list.map((t) => t.id).sort(), [...state.ids].sort());
  assert.ok(list.every((t) => t.status === "completed"));
});

test("SEP-24: transaction objects carry fee_details (SEP-24 3.5+)", async () => {
  assert.equal(state.ids.length, 4, "the transfer tests ran first");
  for (const id of state.ids) {
    const tx = await sep24.getTransactionBy({ authToken: state.token, id });
    assert.ok(tx.fee_details, `no fee_details in ${JSON.stringify(tx)}`);
    assert.equal(Number(tx.fee_details.total), Number(tx.amount_fee));
    assert.equal(typeof tx.fee_details.asset, "string");
  }
});

test("SEP-24: a deposit's amount_in_asset is what the anchor receives, not the Stellar asset", async () => {
  const tx = await sep24.getTransactionBy({ authToken: state.token, id: state.ids[0] });
  assert.equal(tx.kind, "deposit");
  if ("amount_in_asset" in tx) {
    assert.doesNotMatch(tx.amount_in_asset, /^stellar:/, "the user wires dollars, not SRT");
  }
});

test("SEP-24: a language the anchor does not offer falls back to English", async () => {
  const portuguese = w.connect("pt").anchor.sep24();
  const info = await portuguese.info();
  assert.equal(info.deposit.SRT.enabled, true);
  const tx = await portuguese.getTransactionBy({ authToken: state.token, id: state.ids[0] });
  assert.equal(tx.id, state.ids[0]);
});

test("SEP-24: a memo user of the KYC'd account is asked for its own KYC in the pages", async () => {
  assert.ok(state.token, "the transfer tests ran first");
  const memoUser = await w.login(client.anchor, state.account, "11");
  const started = await sep24.deposit({
    assetCode: "SRT",
    authToken: memoUser,
    extraFields: { amount: "5" },
  });
  assert.equal(started.type, "interactive_customer_info_needed");
  const { forms } = await completeInteractiveFlow(started.url, w.KYC);
  assert.ok(forms.some((f) => f.names.includes("first_name")), "the pages asked for KYC");
  const tx = await sep24.getTransactionBy({ authToken: memoUser, id: started.id });
  assert.notEqual(tx.status, "incomplete", "the pages were completed");
});
