// SEP-38 through the SDK's Sep38 client against the reference anchor's fixed rate table:
// info, indicative prices and a firm quote read back by its id.

const { test } = require("node:test");
const assert = require("node:assert/strict");
const w = require("../lib/wallet");

const client = w.connect();

/** The anchor's SRT as a SEP-38 asset identifier. */
async function srtId() {
  const asset = await w.srt(client.anchor);
  return `stellar:SRT:${asset.issuer}`;
}

test("SEP-38: info lists SRT and the off-chain dollars and euros", async () => {
  const info = await client.anchor.sep38().info();
  const names = info.assets.map((a) => a.asset);
  assert.ok(names.includes(await srtId()), JSON.stringify(info));
  const usd = info.assets.find((a) => a.asset === "iso4217:USD");
  assert.deepEqual(usd.sell_delivery_methods.map((m) => m.name), ["WIRE"]);
  assert.deepEqual(usd.country_codes, ["US"]);
});

test("SEP-38: prices and a price for 100 USD", async () => {
  const token = await srtId();
  const sep38 = client.anchor.sep38();
  const prices = await sep38.prices({ sellAsset: "iso4217:USD", sellAmount: "100" });
  assert.deepEqual(prices.buy_assets.map((a) => a.asset), [token]);
  const price = await sep38.price({
    sellAsset: "iso4217:USD",
    buyAsset: token,
    sellAmount: "100",
    context: "sep6",
  });
  // 1:1 with a 1.00 USD fee taken from the dollars.
  assert.equal(price.buy_amount, "99");
  assert.equal(price.sell_amount, "100");
  assert.equal(price.fee.asset, "iso4217:USD");
  assert.equal(Number(price.sell_amount) - Number(price.fee.total), Number(price.price) * Number(price.buy_amount));
});

test("SEP-38: a firm quote is read back by its owner", async () => {
  const token = await srtId();
  const authToken = await w.login(client.anchor, w.newKeypair());
  const sep38 = client.anchor.sep38(authToken);
  const quote = await sep38.requestQuote({
    sell_asset: token,
    buy_asset: "iso4217:EUR",
    sell_amount: "50",
    buy_delivery_method: "SEPA",
    country_code: "DE",
    context: "sep6",
  });
  assert.equal(typeof quote.id, "string");
  assert.ok(Date.parse(quote.expires_at) > Date.now());
  assert.equal(quote.buy_delivery_method, "SEPA");
  const again = await sep38.getQuote(quote.id);
  assert.deepEqual(again, quote);
});
