// SEP-12 through the SDK's Sep12 client: a customer is created, read, updated and deleted,
// and the users of one account (memo users, muxed users) are different customers.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const w = require("../lib/wallet");

const client = w.connect();

/** The SDK's SEP-12 client of a fresh login of `account` (with `memo`, if given). */
async function kycClient(account, memo) {
  const token = await w.login(client.anchor, account, memo);
  return client.anchor.sep12(token);
}

/** The HTTP status of an error the SDK threw (it wraps some of axios' errors). */
function statusOf(e) {
  return e.response?.status ?? e.error?.response?.status;
}

test("SEP-12: create, read, update and delete a customer", async () => {
  const kyc = await kycClient(w.newKeypair());

  const created = await kyc.add({ sep9Info: { first_name: "Ada" } });
  assert.equal(typeof created.id, "string");
  assert.ok(created.id.length > 0);

  const partial = await kyc.getCustomer({ id: created.id });
  assert.equal(partial.id, created.id);
  assert.equal(partial.status, "NEEDS_INFO");
  assert.deepEqual(Object.keys(partial.fields).sort(), ["email_address", "last_name"]);
  assert.equal(partial.provided_fields.first_name.status, "ACCEPTED");

  const updated = await kyc.update({
    id: created.id,
    sep9Info: { last_name: "Lovelace", email_address: "ada@example.com" },
  });
  assert.equal(updated.id, created.id);
  const complete = await kyc.getCustomer({});
  assert.equal(complete.id, created.id);
  assert.equal(complete.status, "ACCEPTED");
  assert.deepEqual(complete.fields ?? {}, {});

  await kyc.delete();
  await assert.rejects(kyc.getCustomer({ id: created.id }), (e) => statusOf(e) === 404);
  const after = await kyc.getCustomer({}).catch((e) => e);
  assert.ok(!after.id, `the deleted customer is still found: ${JSON.stringify(after)}`);
});

test("SEP-12: a second delete of the same customer answers 404", async () => {
  const kyc = await kycClient(w.newKeypair());
  await kyc.add({ sep9Info: w.KYC });
  await kyc.delete();
  await assert.rejects(kyc.delete(), (e) => statusOf(e) === 404);
});

test("SEP-12: two memo users of one account stay apart", async () => {
  const account = w.newKeypair();
  const first = await kycClient(account, "1");
  const second = await kycClient(account, "2");

  const one = await first.add({ sep9Info: w.KYC, memo: "1" });
  const two = await second.add({ sep9Info: { first_name: "Grace" }, memo: "2" });
  assert.notEqual(one.id, two.id);

  const readOne = await first.getCustomer({ memo: "1" });
  const readTwo = await second.getCustomer({ memo: "2" });
  assert.equal(readOne.id, one.id);
  assert.equal(readOne.status, "ACCEPTED");
  assert.equal(readTwo.id, two.id);
  assert.equal(readTwo.status, "NEEDS_INFO");

  await assert.rejects(second.getCustomer({ id: one.id }), (e) => statusOf(e) === 404);

  await first.delete(account.publicKey, "1");
  const stillTwo = await second.getCustomer({ memo: "2" });
  assert.equal(stillTwo.id, two.id);
});

test("SEP-12: the plain account and its memo user are different customers", async () => {
  const account = w.newKeypair();
  const plain = await kycClient(account);
  const user = await kycClient(account, "9");
  const a = await plain.add({ sep9Info: w.KYC });
  const b = await user.add({ sep9Info: { first_name: "Grace" }, memo: "9" });
  assert.notEqual(a.id, b.id);
  assert.equal((await plain.getCustomer({})).status, "ACCEPTED");
  assert.equal((await user.getCustomer({ memo: "9" })).status, "NEEDS_INFO");
});

test("SEP-12: two muxed users of one account stay apart", async () => {
  const account = w.newKeypair();
  const first = await kycClient(w.muxedKeypair(account, 1));
  const second = await kycClient(w.muxedKeypair(account, 2));
  const one = await first.add({ sep9Info: w.KYC });
  const two = await second.add({ sep9Info: { first_name: "Grace" } });
  assert.notEqual(one.id, two.id);
  assert.equal((await first.getCustomer({})).status, "ACCEPTED");
  assert.equal((await second.getCustomer({})).status, "NEEDS_INFO");
  await assert.rejects(second.getCustomer({ id: one.id }), (e) => statusOf(e) === 404);
});

test("SEP-12: another account cannot read a customer by its id", async () => {
  const owner = await kycClient(w.newKeypair());
  const other = await kycClient(w.newKeypair());
  const { id } = await owner.add({ sep9Info: w.KYC });
  await assert.rejects(other.getCustomer({ id }), (e) => statusOf(e) === 404);
});
