// SEP-1 and SEP-10 as the wallet SDK sees them: the stellar.toml it resolves from the home
// domain, and logins of a plain account, of a memo user and of a muxed user.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const w = require("../lib/wallet");

const client = w.connect();
const G_ADDRESS = /^G[A-Z2-7]{55}$/;
const base = `http://${w.HOME_DOMAIN}`;

test("SEP-1: the SDK resolves the stellar.toml and finds every endpoint and SRT", async () => {
  const toml = await client.anchor.sep1();
  assert.equal(toml.networkPassphrase, "Test SDF Network ; September 2015");
  assert.match(toml.signingKey, G_ADDRESS);
  assert.equal(toml.webAuthEndpoint, `${base}/auth`);
  assert.equal(toml.transferServer, `${base}/sep6`);
  assert.equal(toml.transferServerSep24, `${base}/sep24`);
  assert.equal(toml.kycServer, `${base}/kyc`);
  const srt = toml.currencies.find((c) => c.code === "SRT");
  assert.ok(srt, "SRT is listed in CURRENCIES");
  assert.match(srt.issuer, G_ADDRESS);
  assert.ok(Number.isInteger(srt.displayDecimals) && srt.displayDecimals <= 7);
});

test("SEP-1: CURRENCIES fields keep SEP-1's length limits (name ≤ 20, desc ≤ 100)", async () => {
  const toml = await client.anchor.sep1(true);
  for (const currency of toml.currencies) {
    assert.ok(currency.name === undefined || currency.name.length <= 20, `name "${currency.name}"`);
    assert.ok(currency.desc === undefined || currency.desc.length <= 100, `desc "${currency.desc}"`);
  }
});

test("SEP-1: ORG_URL follows HOST_URL", async () => {
  const toml = await client.anchor.sep1(true);
  assert.equal(new URL(toml.documentation.orgUrl).host, new URL(base).host);
});

test("SEP-10: a plain account logs in; the token names it, without a memo", async () => {
  const account = w.newKeypair();
  const token = await w.login(client.anchor, account);
  assert.equal(token.account, account.publicKey);
  assert.equal(token.memo, null);
  assert.equal(token.issuer, `${base}/auth`);
  assert.ok(Number(token.expiresAt) > Number(token.issuedAt));
});

test("SEP-10: a memo user of an account logs in as account:memo", async () => {
  const account = w.newKeypair();
  const token = await w.login(client.anchor, account, "4242");
  assert.equal(token.account, account.publicKey);
  assert.equal(token.memo, "4242");
});

test("SEP-10: a muxed user logs in as its M address", async () => {
  const account = w.newKeypair();
  const muxed = w.muxedKeypair(account, 77);
  assert.match(muxed.publicKey, /^M/);
  const token = await w.login(client.anchor, muxed);
  assert.equal(token.account, muxed.publicKey);
  assert.equal(token.memo, null);
});

test("SEP-10: a funded account logs in too (its signers read from the sandbox)", async () => {
  const account = w.newKeypair();
  await w.fund(account);
  const token = await w.login(client.anchor, account);
  assert.equal(token.account, account.publicKey);
});

test("SEP-10: a challenge signed by another key gets no token (4xx, not 5xx)", async () => {
  const account = w.newKeypair();
  const intruder = w.newKeypair();
  const walletSigner = {
    signWithClientAccount: ({ transaction }) => {
      transaction.sign(intruder.keypair);
      return transaction;
    },
    signWithDomainAccount: async () => {
      throw new Error("no client domain here");
    },
  };
  const auth = await client.anchor.sep10();
  // The SDK's ServerRequestFailedError keeps the status only in its message.
  await assert.rejects(auth.authenticate({ accountKp: account, walletSigner }), (e) =>
    /failed with error: 4\d\d \{"error":/.test(String(e.message)),
  );
});
