//! SEP-38 quotes: the off-chain assets an anchor trades, its indicative prices and its firm
//! quotes. Polaris computes every amount and `total_price` from the anchor's [`Rate`], so
//! the relations SEP-38 sets between prices, amounts and fee always hold (see
//! [`crate::sep38::pricing`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::IntegrationError;
use crate::auth::Subject;
use crate::model::{AssetId, FeeDetail, Protocol};

/// A way of delivering or receiving an off-chain asset, e.g. `PIX` or `cash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryMethod {
    /// The name wallets send as `sell_delivery_method` / `buy_delivery_method`.
    pub name: String,
    /// What it means, for the user.
    pub description: String,
}

/// An off-chain (fiat) asset the anchor trades against its Stellar assets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OffchainAsset {
    /// The ISO 4217 currency code, e.g. `USD`.
    pub currency: String,
    /// Decimal places of its amounts (2 for most currencies).
    pub decimals: u32,
    /// ISO 3166-1 alpha-2 or ISO 3166-2 codes of the countries served; empty for any.
    pub country_codes: Vec<String>,
    /// How a user may deliver it to the anchor (when selling it).
    pub sell_delivery_methods: Vec<DeliveryMethod>,
    /// How a user may receive it from the anchor (when buying it).
    pub buy_delivery_methods: Vec<DeliveryMethod>,
}

impl OffchainAsset {
    /// The currency `currency` (ISO 4217 code) with amounts of `decimals` places, served
    /// everywhere, without delivery methods.
    pub fn new(currency: impl Into<String>, decimals: u32) -> Self {
        Self {
            currency: currency.into(),
            decimals,
            country_codes: Vec::new(),
            sell_delivery_methods: Vec::new(),
            buy_delivery_methods: Vec::new(),
        }
    }

    /// The same asset, also served in `country` (e.g. `US` or `BR-SP`).
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country_codes.push(country.into());
        self
    }

    /// The same asset with a way of delivering it to the anchor.
    pub fn sell_method(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.sell_delivery_methods.push(DeliveryMethod {
            name: name.into(),
            description: description.into(),
        });
        self
    }

    /// The same asset with a way of receiving it from the anchor.
    pub fn buy_method(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.buy_delivery_methods.push(DeliveryMethod {
            name: name.into(),
            description: description.into(),
        });
        self
    }
}

/// Who asks for the assets offered: the SEP-10 client, when the request carried a token.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AssetsRequest<'a> {
    /// The authenticated client, if any.
    pub client: Option<&'a Subject>,
}

impl<'a> AssetsRequest<'a> {
    /// A request of `client` (or of an anonymous wallet).
    pub fn new(client: Option<&'a Subject>) -> Self {
        Self { client }
    }
}

/// The amount a request fixes: what the user sells, or what the user buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAmount {
    /// `sell_amount`: this much of the sold asset.
    Sell(Decimal),
    /// `buy_amount`: this much of the bought asset.
    Buy(Decimal),
}

/// A pair and an amount to price: `GET /prices` (without context), `GET /price`, and the
/// pair of `POST /quote`. Polaris has checked the assets are offered, the delivery methods
/// and country code are among those of [`OffchainAsset`], and the amount is positive.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PriceRequest<'a> {
    /// What the user sells.
    pub sell_asset: &'a AssetId,
    /// What the user buys.
    pub buy_asset: &'a AssetId,
    /// The amount the request fixes.
    pub amount: QuoteAmount,
    /// How the user delivers an off-chain sold asset, if said.
    pub sell_delivery_method: Option<&'a str>,
    /// How the user receives an off-chain bought asset, if said.
    pub buy_delivery_method: Option<&'a str>,
    /// The user's country, if said.
    pub country_code: Option<&'a str>,
    /// What the price is for (`sep6`, `sep24`, `sep31`); `None` for `GET /prices`.
    pub context: Option<Protocol>,
    /// The authenticated client, if any (always present for a firm quote).
    pub client: Option<&'a Subject>,
}

impl<'a> PriceRequest<'a> {
    /// A request to price `amount` of `sell_asset` into `buy_asset`, anonymous, without
    /// delivery methods, country or context.
    pub fn new(sell_asset: &'a AssetId, buy_asset: &'a AssetId, amount: QuoteAmount) -> Self {
        Self {
            sell_asset,
            buy_asset,
            amount,
            sell_delivery_method: None,
            buy_delivery_method: None,
            country_code: None,
            context: None,
            client: None,
        }
    }
}

/// A firm quote asked with `POST /quote`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct QuoteRequest<'a> {
    /// The pair, amount, methods, country, context and client (always present).
    pub pair: PriceRequest<'a>,
    /// The earliest expiry the client accepts, if it said.
    pub expire_after: Option<DateTime<Utc>>,
}

impl<'a> QuoteRequest<'a> {
    /// A firm quote for `pair`, with no wish about its expiry.
    pub fn new(pair: PriceRequest<'a>) -> Self {
        Self {
            pair,
            expire_after: None,
        }
    }
}

/// Which asset a fee is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeAsset {
    /// The sold asset: the fee is taken from what the user delivers.
    Sell,
    /// The bought asset: the fee is taken from what the user receives.
    Buy,
}

/// The anchor's price for a pair: units of the sold asset per unit of the bought asset
/// (fee excluded), and the fee.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rate {
    /// Units of the sold asset per unit of the bought asset, without the fee; positive,
    /// at most 7 decimal places.
    pub price: Decimal,
    /// The whole fee (zero for none), at most 7 decimal places.
    pub fee: Decimal,
    /// The asset the fee is counted in.
    pub fee_asset: FeeAsset,
    /// The fee's parts; when given, they add up to `fee`.
    pub fee_details: Vec<FeeDetail>,
}

impl Rate {
    /// `price` units of the sold asset per unit of the bought asset, without a fee.
    pub fn new(price: Decimal) -> Self {
        Self {
            price,
            fee: Decimal::ZERO,
            fee_asset: FeeAsset::Sell,
            fee_details: Vec::new(),
        }
    }

    /// The same rate with a fee of `total`, counted in `asset`.
    pub fn with_fee(mut self, total: Decimal, asset: FeeAsset) -> Self {
        self.fee = total;
        self.fee_asset = asset;
        self
    }

    /// The same rate with one more part of the fee listed.
    pub fn with_detail(mut self, detail: FeeDetail) -> Self {
        self.fee_details.push(detail);
        self
    }
}

/// A firm rate: the rate and until when the anchor holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FirmRate {
    /// The rate.
    pub rate: Rate,
    /// When the quote expires: after `expire_after`, when the client gave one.
    pub expires_at: DateTime<Utc>,
}

impl FirmRate {
    /// `rate`, held until `expires_at`.
    pub fn new(rate: Rate, expires_at: DateTime<Utc>) -> Self {
        Self { rate, expires_at }
    }
}

/// The anchor's SEP-38 quote desk. Stellar assets offered are the stored assets; the
/// anchor names the off-chain ones and prices every pair it trades.
#[async_trait]
pub trait QuoteIntegration: Send + Sync + 'static {
    /// The off-chain assets traded, with their decimals, countries and delivery methods.
    async fn offchain_assets(
        &self,
        request: &AssetsRequest<'_>,
    ) -> Result<Vec<OffchainAsset>, IntegrationError>;

    /// The indicative rate of a pair for an amount; `None` when the pair is not traded.
    /// `Rejected` refuses the request (e.g. an amount over a limit) with its message.
    async fn price(&self, request: &PriceRequest<'_>) -> Result<Option<Rate>, IntegrationError>;

    /// A firm rate that the anchor holds until its `expires_at` (reserving what it needs);
    /// Polaris stores the quote for the client. `Rejected` refuses it with its message
    /// (e.g. an untraded pair, an expiry that cannot be met, a client not yet KYC'ed).
    async fn firm_quote(&self, request: &QuoteRequest<'_>) -> Result<FirmRate, IntegrationError>;
}
