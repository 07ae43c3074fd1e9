// A wallet built on SDF's TypeScript wallet SDK, pointed at the anchor that run.sh started.
//
// run.sh sets POLARIS_WALLET_HOME_DOMAIN (the anchor's home domain, e.g. `localhost`) and
// POLARIS_WALLET_HORIZON_URL (the anchor's sandbox ledger). Everything here is what a wallet
// does: SEP-10 login, friendbot funding, a trustline to SRT, balances read from Horizon,
// and polling a transaction until it reaches a status.

const {
  Wallet,
  StellarConfiguration,
  ApplicationConfiguration,
  SigningKeypair,
  IssuedAssetId,
  Keypair,
} = require("@stellar/typescript-wallet-sdk");
const { MuxedAccount, Account } = require("@stellar/stellar-sdk");

/** The anchor's home domain, as a wallet user would type it. */
const HOME_DOMAIN = required("POLARIS_WALLET_HOME_DOMAIN");
/** The sandbox ledger's Horizon API. */
const HORIZON_URL = required("POLARIS_WALLET_HORIZON_URL");
/** How long a transfer may take to complete on the simulated bank, in milliseconds. */
const TRANSFER_TIMEOUT_MS = 60_000;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite with tests/wallet-sdk/run.sh`);
  }
  return value;
}

/**
 * The SDK's testnet configuration on the sandbox Horizon. `StellarConfiguration` refuses an
 * http Horizon, so its server is replaced by one of the same class built with `allowHttp`.
 */
function sandboxConfiguration() {
  const config = StellarConfiguration.TestNet();
  const Server = config.server.constructor;
  config.horizonUrl = HORIZON_URL;
  config.server = new Server(HORIZON_URL, { allowHttp: true });
  return config;
}

/**
 * The SDK's wallet and its anchor object for HOME_DOMAIN (over http, as allowed on testnet),
 * sending `language` (default `en`) with every request.
 */
function connect(language = "en") {
  const wallet = new Wallet({
    stellarConfiguration: sandboxConfiguration(),
    applicationConfiguration: new ApplicationConfiguration(),
    language,
  });
  const anchor = wallet.anchor({ homeDomain: HOME_DOMAIN, allowHttp: true });
  return { wallet, anchor, stellar: wallet.stellar() };
}

/** A new random keypair, as the SDK's signing keypair. */
function newKeypair() {
  return new SigningKeypair(Keypair.random());
}

/**
 * The keypair of the muxed user `id` of `base`'s account: signs with `base`'s key but
 * presents the M address, which is what the SDK puts in the SEP-10 challenge request.
 */
function muxedKeypair(base, id) {
  const muxed = new MuxedAccount(new Account(base.publicKey, "0"), String(id));
  const keypair = Object.create(base.keypair);
  keypair.publicKey = () => muxed.accountId();
  return new SigningKeypair(keypair);
}

/** SEP-10 with the SDK: the auth token of `account` (and of its user `memoId`, if given). */
async function login(anchor, account, memoId) {
  const auth = await anchor.sep10();
  return auth.authenticate({ accountKp: account, memoId });
}

/** The anchor's SRT asset, its issuer read from the anchor's stellar.toml by the SDK. */
async function srt(anchor) {
  const toml = await anchor.sep1();
  const currency = toml.currencies.find((c) => c.code === "SRT");
  if (!currency) {
    throw new Error("the anchor's stellar.toml lists no SRT currency");
  }
  return new IssuedAssetId("SRT", currency.issuer);
}

/** Creates `account` on the sandbox with its friendbot. */
async function fund(account) {
  const url = `${HORIZON_URL}/friendbot?addr=${encodeURIComponent(account.publicKey)}`;
  const resp = await fetch(url);
  if (!resp.ok) {
    throw new Error(`friendbot answered ${resp.status}: ${await resp.text()}`);
  }
}

/** Builds with `build`, signs with `account` and submits a transaction through the SDK. */
async function submit(stellar, account, build) {
  const builder = await stellar.transaction({ sourceAddress: account, baseFee: 100 });
  const tx = build(builder).build();
  account.sign(tx);
  await stellar.submitTransaction(tx);
}

/** A new account funded by friendbot with a trustline to SRT. */
async function fundedWithTrustline(client) {
  const account = newKeypair();
  await fund(account);
  const asset = await srt(client.anchor);
  await submit(client.stellar, account, (b) => b.addAssetSupport(asset));
  return account;
}

/** The SRT balance of `address` on the sandbox, as Horizon shows it ("98.0000000"). */
async function srtBalance(address) {
  const resp = await fetch(`${HORIZON_URL}/accounts/${address}`);
  const body = await resp.json();
  const line = (body.balances || []).find((b) => b.asset_code === "SRT");
  return line ? line.balance : undefined;
}

/**
 * Polls `getTransactionBy` of `sep` (the SDK's Sep6 or Sep24) until the transaction reaches
 * `status`, or fails with the last transaction seen after TRANSFER_TIMEOUT_MS.
 */
async function waitForStatus(sep, authToken, id, status) {
  const deadline = Date.now() + TRANSFER_TIMEOUT_MS;
  let tx;
  while (Date.now() < deadline) {
    tx = await sep.getTransactionBy({ authToken, id });
    if (tx.status === status) {
      return tx;
    }
    if (["error", "expired", "refunded", "no_market", "too_small", "too_large"].includes(tx.status)) {
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`transaction ${id} did not reach ${status}: ${JSON.stringify(tx)}`);
}

/** The KYC fields the reference anchor asks for. */
const KYC = { first_name: "Ada", last_name: "Lovelace", email_address: "ada@example.com" };

module.exports = {
  HOME_DOMAIN,
  HORIZON_URL,
  KYC,
  connect,
  newKeypair,
  muxedKeypair,
  login,
  srt,
  fund,
  submit,
  fundedWithTrustline,
  srtBalance,
  waitForStatus,
};
