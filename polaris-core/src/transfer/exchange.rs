//! Exchanges: SEP-6 and SEP-24 transfers whose off-chain side is another asset than the
//! Stellar one (`iso4217:BRL` in, `USDC` out), priced by a SEP-38 quote.
//!
//! A request names both sides and an amount of the sold asset. With a `quote_id`, the firm
//! quote must be the requester's own, for the same assets (and delivery method), for exactly
//! that amount, and not expired; it is taken in the same database transaction that inserts
//! the transaction ([`insert`]), so no quote is taken without its transaction, or twice.
//! Without one, the price is only indicative: the transaction records the assets and the
//! amount the user means to sell, and the anchor fixes the amounts when the funds arrive.

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::Connection;
use rust_decimal::Decimal;

use super::assets::AssetRef;
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{AssetsRequest, OffchainAsset};
use crate::model::{Asset, AssetId, Kind, Quote, Transaction};
use crate::store::quotes::{self, TakeError};
use crate::store::transactions::{self, Owner};
use crate::store::{DbConnection, StoreError};

/// The two sides of an exchange request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// The SEP-38 id of the asset the user sells.
    pub sell: AssetId,
    /// The SEP-38 id of the asset the user buys.
    pub buy: AssetId,
}

impl Sides {
    /// The sides of a `kind` exchange between the Stellar `asset` and `offchain`: a deposit
    /// sells the off-chain asset for the Stellar one, a withdrawal (or send) the reverse.
    pub fn of(kind: Kind, asset: &Asset, offchain: &AssetId) -> Self {
        let stellar = AssetId::of_asset(asset);
        match kind {
            Kind::Deposit => Self {
                sell: offchain.clone(),
                buy: stellar,
            },
            Kind::Withdrawal | Kind::Send => Self {
                sell: stellar,
                buy: offchain.clone(),
            },
        }
    }
}

/// The Stellar side as a request names it: an asset code (`USDC`) or a SEP-38 id
/// (`stellar:USDC:G...`).
pub fn stellar_ref(text: Option<&str>) -> AssetRef<'_> {
    match text.and_then(|t| t.strip_prefix("stellar:")) {
        Some(rest) => match rest.split_once(':') {
            Some((code, issuer)) => AssetRef {
                code: Some(code),
                issuer: Some(issuer),
            },
            None => AssetRef {
                code: Some(rest),
                issuer: None,
            },
        },
        None => AssetRef {
            code: text,
            issuer: None,
        },
    }
}

/// The off-chain side named by parameter `name`: an `iso4217:` SEP-38 id the anchor's quote
/// integration offers to `subject`. Without a quote integration exchanges are not offered.
pub async fn offchain_asset(
    ctx: &Context,
    subject: &Subject,
    name: &str,
    text: Option<&str>,
) -> Result<(AssetId, OffchainAsset), ApiError> {
    let text = text.ok_or_else(|| ApiError::bad_request(format!("{name} is required")))?;
    let id = AssetId::parse(text).map_err(|e| ApiError::bad_request(format!("{name}: {e}")))?;
    let AssetId::Iso4217(code) = &id else {
        return Err(ApiError::bad_request(format!(
            "{name} must be an off-chain asset (iso4217:CODE)"
        )));
    };
    let integration = ctx
        .integrations
        .quote
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("exchanges are not offered by this anchor"))?;
    let offered = integration
        .offchain_assets(&AssetsRequest::new(Some(subject)))
        .await?;
    let Some(found) = offered.into_iter().find(|a| &a.currency == code) else {
        return Err(ApiError::bad_request(format!(
            "{name} '{text}' is not offered for exchange"
        )));
    };
    Ok((id, found))
}

/// The names of the delivery methods of `offchain` in a `kind` exchange: how the user
/// delivers it (a deposit sells it) or receives it (a withdrawal buys it).
pub fn delivery_methods(offchain: &OffchainAsset, kind: Kind) -> Vec<&str> {
    let methods = match kind {
        Kind::Deposit => &offchain.sell_delivery_methods,
        Kind::Withdrawal | Kind::Send => &offchain.buy_delivery_methods,
    };
    methods.iter().map(|m| m.name.as_str()).collect()
}

/// The quote `id` of `subject`: another account's quote is refused as an unknown one is.
pub async fn quote_of(ctx: &Context, subject: &Subject, id: &str) -> Result<Quote, ApiError> {
    let owner = subject.owner();
    let wanted = id.to_string();
    ctx.store
        .run(move |c| quotes::find_owned(c, &wanted, &owner))
        .await?
        .ok_or_else(|| ApiError::bad_request(format!("quote_id '{id}' is not a quote of yours")))
}

/// Refuses a quote that does not fit the request: other assets, another amount than its
/// `sell_amount`, another delivery method than the request's `method`, already used, or
/// expired at `now`.
pub fn check_quote(
    quote: &Quote,
    sides: &Sides,
    amount: Decimal,
    method: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if quote.sell_asset != sides.sell || quote.buy_asset != sides.buy {
        return Err(ApiError::bad_request(format!(
            "the quote sells {} for {}, not {} for {}",
            quote.sell_asset, quote.buy_asset, sides.sell, sides.buy
        )));
    }
    if quote.sell_amount != amount {
        return Err(ApiError::bad_request(format!(
            "amount must be the quote's sell_amount ({})",
            quote.sell_amount.normalize()
        )));
    }
    let quoted = quote
        .sell_delivery_method
        .as_deref()
        .or(quote.buy_delivery_method.as_deref());
    if let (Some(quoted), Some(asked)) = (quoted, method) {
        if quoted != asked {
            return Err(ApiError::bad_request(format!(
                "the quote was made for the delivery method '{quoted}', not '{asked}'"
            )));
        }
    }
    if quote.used_by_transaction.is_some() {
        return Err(ApiError::bad_request("the quote is already used"));
    }
    if quote.expires_at <= now {
        return Err(expired(quote.expires_at));
    }
    Ok(())
}

fn expired(at: DateTime<Utc>) -> ApiError {
    ApiError::bad_request(format!(
        "the quote expired at {}",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    ))
}

/// Records the quote on `tx`: its id, the amounts in, out and fee as quoted, the assets of
/// both sides and the quote's fee object. The amount expected is the quote's sell amount.
pub fn apply_quote(tx: &mut Transaction, quote: &Quote) {
    tx.quote_id = Some(quote.id.clone());
    tx.amount_expected = Some(quote.sell_amount);
    tx.amount_in = Some(quote.sell_amount);
    tx.amount_out = Some(quote.buy_amount);
    tx.amount_fee = Some(quote.fee.total);
    tx.amount_in_asset = Some(quote.sell_asset.to_string());
    tx.amount_out_asset = Some(quote.buy_asset.to_string());
    tx.fee_details = Some(quote.fee.clone());
}

/// Records an exchange without a quote on `tx`: the assets of both sides and the amount
/// the user means to sell; the amounts themselves are fixed when the funds arrive.
pub fn apply_indicative(tx: &mut Transaction, sides: &Sides, amount: Decimal) {
    tx.amount_expected = Some(amount);
    tx.amount_in_asset = Some(sides.sell.to_string());
    tx.amount_out_asset = Some(sides.buy.to_string());
}

/// Inserts `tx`; when it carries a quote, takes that quote for it in the same database
/// transaction (of two requests with one quote, one transaction is stored and the other
/// request is refused).
pub async fn insert(ctx: &Context, tx: Transaction) -> Result<(), ApiError> {
    let taken = ctx
        .store
        .run(move |c| Ok(insert_taking(c, &tx, crate::model::now())))
        .await?;
    match taken {
        Ok(()) => Ok(()),
        Err(TakeError::NotFound) => Err(ApiError::bad_request("quote_id is not a quote of yours")),
        Err(TakeError::Used) => Err(ApiError::bad_request("the quote is already used")),
        Err(TakeError::Expired(at)) => Err(expired(at)),
        Err(TakeError::Store(e)) => Err(e.into()),
    }
}

fn insert_taking(
    conn: &mut DbConnection,
    tx: &Transaction,
    now: DateTime<Utc>,
) -> Result<(), TakeError> {
    let Some(quote_id) = tx.quote_id.as_deref() else {
        return Ok(transactions::insert(conn, tx)?);
    };
    let owner = Owner {
        account: tx.stellar_account.clone(),
        memo: tx.account_memo.clone(),
        muxed: tx.muxed_account.clone(),
    };
    let id = tx.id.to_string();
    // The insert (a write) comes first: on SQLite it takes the write lock before anything
    // is read, so a concurrent request waits for it instead of failing on a stale read.
    conn.transaction(|c| {
        transactions::insert(c, tx)?;
        quotes::take(c, quote_id, &owner, &id, now)?;
        Ok(())
    })
}

impl From<diesel::result::Error> for TakeError {
    fn from(e: diesel::result::Error) -> Self {
        TakeError::Store(StoreError::from(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Protocol, QuoteFee};
    use chrono::Duration;
    use rust_decimal_macros::dec;

    fn brl() -> AssetId {
        AssetId::Iso4217("BRL".into())
    }

    fn quote(asset: &Asset) -> Quote {
        let now = crate::model::now();
        Quote {
            id: "q".into(),
            account: "GA".into(),
            memo: None,
            muxed_account: None,
            context: Protocol::Sep6,
            sell_asset: brl(),
            sell_amount: dec!(100),
            sell_delivery_method: Some("PIX".into()),
            buy_asset: AssetId::of_asset(asset),
            buy_amount: dec!(19),
            buy_delivery_method: None,
            price: dec!(5),
            total_price: dec!(5.2631578947),
            fee: QuoteFee {
                total: dec!(5),
                asset: brl(),
                details: Vec::new(),
            },
            expires_at: now + Duration::minutes(5),
            used_by_transaction: None,
            created_at: now,
        }
    }

    #[test]
    fn a_fitting_quote_passes_and_each_mismatch_is_refused() {
        let asset = Asset::new("USDC", "GISSUER");
        let q = quote(&asset);
        let sides = Sides::of(Kind::Deposit, &asset, &brl());
        let now = crate::model::now();
        assert!(check_quote(&q, &sides, dec!(100), Some("PIX"), now).is_ok());
        assert!(check_quote(&q, &sides, dec!(100), None, now).is_ok());
        let wrong_way = Sides::of(Kind::Withdrawal, &asset, &brl());
        for refused in [
            check_quote(&q, &wrong_way, dec!(100), None, now),
            check_quote(&q, &sides, dec!(99), None, now),
            check_quote(&q, &sides, dec!(100), Some("WIRE"), now),
            check_quote(&q, &sides, dec!(100), None, q.expires_at),
        ] {
            assert_eq!(refused.map_err(|e| e.status), Err(400));
        }
    }

    #[test]
    fn a_quote_fixes_the_amounts_and_assets() {
        let asset = Asset::new("USDC", "GISSUER");
        let q = quote(&asset);
        let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep6, 1, "GA");
        apply_quote(&mut tx, &q);
        assert_eq!(tx.amount_in, Some(dec!(100)));
        assert_eq!(tx.amount_out, Some(dec!(19)));
        assert_eq!(tx.amount_fee, Some(dec!(5)));
        assert_eq!(tx.amount_in_asset.as_deref(), Some("iso4217:BRL"));
        assert_eq!(tx.amount_out_asset.as_deref(), Some("stellar:USDC:GISSUER"));
        assert_eq!(tx.quote_id.as_deref(), Some("q"));
    }

    #[test]
    fn the_stellar_side_is_a_code_or_an_id() {
        let r = stellar_ref(Some("stellar:USDC:GISSUER"));
        assert_eq!((r.code, r.issuer), (Some("USDC"), Some("GISSUER")));
        let r = stellar_ref(Some("USDC"));
        assert_eq!((r.code, r.issuer), (Some("USDC"), None));
    }
}
