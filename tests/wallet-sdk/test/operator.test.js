// The anchor's operator refunds a SEP-6 deposit with the reference anchor's `refund` command
// (run as a separate process on the anchor's database), and the wallet reads the refunds
// through the SDK: first a partial refund, then the rest, which ends the deposit `refunded`.
// The deposit goes to an account without an SRT trustline, so the anchor keeps the funds
// (pending_trust) until the operator gives up on it (`fail`) and pays them back.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const w = require("../lib/wallet");

const client = w.connect();
const sep6 = client.anchor.sep6();

/** Runs an operator command of the reference anchor; its printed JSON, or throws on a refusal. */
function operator(...args) {
  const env = { ...process.env, RUST_LOG: "warn" };
  delete env.HORIZON_URL;
  delete env.DATABASE_URL;
  if (process.env.POLARIS_WALLET_DATABASE_URL) {
    env.DATABASE_URL = process.env.POLARIS_WALLET_DATABASE_URL;
  }
  const out = execFileSync(process.env.POLARIS_WALLET_ANCHOR_BIN, args, {
    cwd: process.env.POLARIS_WALLET_ANCHOR_DIR,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out);
}

test("operator refunds: partial, then full, read by the wallet through the SDK", async () => {
  const account = w.newKeypair();
  await w.fund(account);
  const token = await w.login(client.anchor, account);
  const kyc = await client.anchor.sep12(token);
  await kyc.add({ sep9Info: w.KYC });

  const deposit = await sep6.deposit({
    authToken: token,
    params: { asset_code: "SRT", account: account.publicKey, amount: "100" },
  });
  const waiting = await w.waitForStatus(sep6, token, deposit.id, "pending_trust");
  assert.equal(waiting.amount_in, "100.00");

  // A full refund is refused while the deposit may still be paid: the command exits 1.
  assert.throws(
    () => operator("refund", deposit.id, "--amount", "100", "--id", "wire-0", "--id-type", "external"),
    (e) => e.status === 1 && /cannot move from pending_trust to refunded/.test(e.stderr),
  );

  const failed = operator("fail", deposit.id, "--message", "No trustline: the funds go back to the bank");
  assert.equal(failed.status, "error");

  const partial = operator(
    "refund", deposit.id, "--amount", "60", "--fee", "1", "--id", "wire-1", "--id-type", "external",
  );
  assert.equal(partial.status, "error");
  let tx = await sep6.getTransactionBy({ authToken: token, id: deposit.id });
  assert.equal(tx.status, "error");
  assert.equal(tx.message, "No trustline: the funds go back to the bank");
  assert.equal(tx.refunded, false);
  assert.equal(Number(tx.refunds.amount_refunded), 60);
  assert.equal(Number(tx.refunds.amount_fee), 1);
  assert.equal(tx.refunds.payments.length, 1);
  assert.equal(tx.refunds.payments[0].id, "wire-1");
  assert.equal(tx.refunds.payments[0].id_type, "external");
  assert.equal(Number(tx.refunds.payments[0].amount), 60);
  assert.equal(Number(tx.refunds.payments[0].fee), 1);

  operator("refund", deposit.id, "--amount", "39", "--id", "wire-2", "--id-type", "external");
  tx = await sep6.getTransactionBy({ authToken: token, id: deposit.id });
  assert.equal(tx.status, "refunded");
  assert.equal(tx.refunded, true);
  assert.equal(Number(tx.refunds.amount_refunded), 99);
  assert.equal(Number(tx.refunds.amount_fee), 1);
  assert.deepEqual(
    tx.refunds.payments.map((p) => [p.id, Number(p.amount), Number(p.fee)]),
    [["wire-1", 60, 1], ["wire-2", 39, 0]],
  );
  assert.equal(await w.srtBalance(account.publicKey), undefined, "nothing was paid on Stellar");
});
