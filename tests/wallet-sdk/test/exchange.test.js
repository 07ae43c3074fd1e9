// Exchanges as a wallet runs them: a firm quote from the SDK's SEP-38 client, then a SEP-6
// deposit-exchange and withdraw-exchange and a SEP-24 deposit and withdrawal with that quote,
// each to `completed` on the sandbox, with the quote's converted amounts on the transaction
// and in the balances. The reference anchor sells its token for euros at the fixed table of
// examples/reference-anchor/src/quotes.rs.
// The tests of this file run in order and share one wallet account.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const w = require("../lib/wallet");
const { completeInteractiveFlow } = require("../lib/interactive");

const client = w.connect();
const sep6 = client.anchor.sep6();
const sep24 = client.anchor.sep24();
const IBAN = "DE89370400440532013000";
const state = {};

/** A firm quote for the exchange of `sell` into `buy`, `sellAmount` of `sell`. */
async function firmQuote(sell, buy, sellAmount, context, methods) {
  const sep38 = client.anchor.sep38(state.token);
  const quote = await sep38.requestQuote({
    sell_asset: sell,
    buy_asset: buy,
    sell_amount: sellAmount,
    context,
    country_code: "DE",
    ...methods,
  });
  // SEP-38 lets the anchor adjust sell_amount (the bought amount is rounded to its asset's
  // decimals); the quote's figures are what the transfer must use.
  assert.ok(Number(quote.sell_amount) <= Number(sellAmount), JSON.stringify(quote));
  assert.ok(Number(quote.sell_amount) > Number(sellAmount) - 0.1, JSON.stringify(quote));
  return quote;
}

/** Runs `call`; an HTTP error is rethrown with the anchor's answer in its message. */
async function answered(call) {
  try {
    return await call();
  } catch (e) {
    const resp = e.response ?? e.error?.response;
    if (resp) {
      e.message = `${e.message}: ${JSON.stringify(resp.data)}`;
    }
    throw e;
  }
}

/** The quote's figures are on the transaction: in, out, their assets and the fee. */
function assertQuoted(tx, quote) {
  assert.equal(tx.quote_id, quote.id);
  assert.equal(Number(tx.amount_in), Number(quote.sell_amount));
  assert.equal(Number(tx.amount_out), Number(quote.buy_amount));
  assert.equal(tx.amount_in_asset, quote.sell_asset);
  assert.equal(tx.amount_out_asset, quote.buy_asset);
  assert.equal(Number(tx.fee_details.total), Number(quote.fee.total));
  assert.equal(tx.fee_details.asset, quote.fee.asset);
}

/** Pays `amount` of SRT to the anchor for the withdrawal object `tx`, and waits. */
async function payWithdrawal(sep, tx) {
  await w.submit(client.stellar, state.account, (b) =>
    b.transferWithdrawalTransaction(tx, state.asset),
  );
  return w.waitForStatus(sep, state.token, tx.id, "completed");
}

/** The SRT balance as a number of stroops, for exact arithmetic. */
async function stroops() {
  const balance = await w.srtBalance(state.account.publicKey);
  const [whole, frac = ""] = balance.split(".");
  return BigInt(whole) * 10_000_000n + BigInt(frac.padEnd(7, "0"));
}

/** `amount` ("100", "19.9899") in stroops. */
function toStroops(amount) {
  const [whole, frac = ""] = amount.split(".");
  return BigInt(whole) * 10_000_000n + BigInt(frac.padEnd(7, "0"));
}

test("exchange: a KYC'd wallet account with a trustline", async () => {
  state.account = await w.fundedWithTrustline(client);
  state.token = await w.login(client.anchor, state.account);
  state.asset = await w.srt(client.anchor);
  state.srt = `stellar:SRT:${state.asset.issuer}`;
  const kyc = await client.anchor.sep12(state.token);
  await kyc.add({ sep9Info: w.KYC });
  assert.equal((await kyc.getCustomer({})).status, "ACCEPTED");
});

test("exchange: SEP-6 /info offers deposit-exchange and withdraw-exchange of SRT", async () => {
  // Listed means offered: the entries of exchanges have no `enabled` (as SEP-6's example).
  const info = await sep6.info();
  assert.equal(info["deposit-exchange"].SRT.authentication_required, true);
  assert.equal(info["withdraw-exchange"].SRT.authentication_required, true);
});

test("exchange: a SEP-6 deposit of euros pays the quoted tokens", async () => {
  const quote = await firmQuote("iso4217:EUR", state.srt, "92.50", "sep6", {
    sell_delivery_method: "SEPA",
  });
  assert.equal(Number(quote.buy_amount), 100, "0.50 EUR fee, then 0.92 EUR a token");
  const before = await stroops();
  const deposit = await answered(() => sep6.depositExchange({
    authToken: state.token,
    params: {
      destination_asset: "SRT",
      source_asset: "iso4217:EUR",
      amount: quote.sell_amount,
      quote_id: quote.id,
      account: state.account.publicKey,
      type: "SEPA",
    },
  }));
  assert.equal(typeof deposit.id, "string", JSON.stringify(deposit));
  const tx = await w.waitForStatus(sep6, state.token, deposit.id, "completed");
  assert.equal(tx.kind, "deposit-exchange");
  assertQuoted(tx, quote);
  assert.equal(await stroops(), before + toStroops(quote.buy_amount));
  state.depositExchange = deposit.id;
});

test("exchange: a SEP-6 withdrawal of tokens pays the quoted euros", async () => {
  const quote = await firmQuote(state.srt, "iso4217:EUR", "20", "sep6", {
    buy_delivery_method: "SEPA",
  });
  const before = await stroops();
  const withdraw = await answered(() => sep6.withdrawExchange({
    authToken: state.token,
    params: {
      source_asset: "SRT",
      destination_asset: "iso4217:EUR",
      amount: quote.sell_amount,
      quote_id: quote.id,
      type: "SEPA",
      dest: IBAN,
    },
  }));
  assert.match(withdraw.account_id, /^G[A-Z2-7]{55}$/, JSON.stringify(withdraw));
  const pending = await w.waitForStatus(sep6, state.token, withdraw.id, "pending_user_transfer_start");
  assert.equal(pending.kind, "withdrawal-exchange");
  const tx = await payWithdrawal(sep6, pending);
  assertQuoted(tx, quote);
  assert.equal(await stroops(), before - toStroops(quote.sell_amount));
  state.withdrawExchange = withdraw.id;
});

test("exchange: the SEP-6 history filters by the exchange kinds", async () => {
  const deposits = await sep6.getTransactionsForAsset({
    authToken: state.token,
    assetCode: "SRT",
    kind: "deposit-exchange",
  });
  assert.deepEqual(deposits.map((t) => t.id), [state.depositExchange]);
  const withdrawals = await sep6.getTransactionsForAsset({
    authToken: state.token,
    assetCode: "SRT",
    kind: "withdrawal-exchange",
  });
  assert.deepEqual(withdrawals.map((t) => t.id), [state.withdrawExchange]);
});

test("exchange: a SEP-24 deposit of euros with a quote pays the quoted tokens", async () => {
  const quote = await firmQuote("iso4217:EUR", state.srt, "46.50", "sep24", {
    sell_delivery_method: "SEPA",
  });
  assert.equal(Number(quote.buy_amount), 50);
  const before = await stroops();
  const started = await sep24.deposit({
    assetCode: "SRT",
    authToken: state.token,
    destinationAccount: state.account.publicKey,
    extraFields: { quote_id: quote.id, source_asset: "iso4217:EUR", amount: quote.sell_amount },
  });
  assert.equal(started.type, "interactive_customer_info_needed");
  const { forms } = await completeInteractiveFlow(started.url, {});
  for (const form of forms) {
    if (form.names.includes("amount")) {
      assert.equal(Number(form.values.amount), Number(quote.sell_amount), "the quoted amount");
    }
  }
  const tx = await w.waitForStatus(sep24, state.token, started.id, "completed");
  assertQuoted(tx, quote);
  assert.equal(await stroops(), before + toStroops(quote.buy_amount));
});

test("exchange: a SEP-24 withdrawal of tokens with a quote pays the quoted euros", async () => {
  const quote = await firmQuote(state.srt, "iso4217:EUR", "10", "sep24", {
    buy_delivery_method: "SEPA",
  });
  const before = await stroops();
  const started = await sep24.withdraw({
    assetCode: "SRT",
    authToken: state.token,
    withdrawalAccount: state.account.publicKey,
    extraFields: { quote_id: quote.id, destination_asset: "iso4217:EUR", amount: quote.sell_amount },
  });
  await completeInteractiveFlow(started.url, {});
  const pending = await w.waitForStatus(sep24, state.token, started.id, "pending_user_transfer_start");
  const tx = await payWithdrawal(sep24, pending);
  assertQuoted(tx, quote);
  assert.equal(await stroops(), before - toStroops(quote.sell_amount));
});

test("exchange: a quote is taken once; a second transfer with it is refused", async () => {
  const quote = await firmQuote("iso4217:EUR", state.srt, "10", "sep6", {
    sell_delivery_method: "SEPA",
  });
  const params = {
    destination_asset: "SRT",
    source_asset: "iso4217:EUR",
    amount: quote.sell_amount,
    quote_id: quote.id,
    account: state.account.publicKey,
    type: "SEPA",
  };
  await answered(() => sep6.depositExchange({ authToken: state.token, params }));
  await assert.rejects(sep6.depositExchange({ authToken: state.token, params }), (e) => {
    const status = e.response?.status ?? e.error?.response?.status;
    return status === 400;
  });
});
