//! The parameters of the `/transactions` and `/transaction` endpoints of SEP-6 and SEP-24,
//! parsed once with the same rules and defaults. The owner filter itself runs in SQL
//! ([`crate::store::transactions`]).
//!
//! Neither SEP text sets a default `limit` ("the response should contain at most `limit`
//! transactions"): Polaris answers at most [`MAX_LIMIT`] transactions, also when `limit` is
//! left out or larger.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::assets::AssetRef;
use crate::auth::Subject;
use crate::error::ApiError;
use crate::model::{Kind, Protocol};
use crate::params::Params;
use crate::store::transactions::{KindChoice, ListQuery, Lookup};

/// The most transactions one `/transactions` answer holds, and the default `limit`.
pub const MAX_LIMIT: i64 = 200;

/// The parameters of `GET /transactions`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListParams {
    /// `asset_code` (required).
    pub asset_code: String,
    /// `asset_issuer`, when several assets share the code.
    pub asset_issuer: Option<String>,
    /// `kind`: the kinds listed (empty: every kind).
    pub kinds: Vec<KindChoice>,
    /// `no_older_than`: only transactions started at or after this time.
    pub no_older_than: Option<DateTime<Utc>>,
    /// `paging_id`: only transactions older than this one (exclusive).
    pub paging_id: Option<Uuid>,
    /// `limit`, capped at [`MAX_LIMIT`].
    pub limit: i64,
}

impl ListParams {
    /// Parses the query of `GET /transactions` of `protocol`; every mistake is a 400 naming
    /// the parameter.
    pub fn parse(params: &Params, protocol: Protocol) -> Result<Self, ApiError> {
        let limit = params
            .parsed::<i64>("limit", "a positive whole number")?
            .unwrap_or(MAX_LIMIT);
        if limit < 1 {
            return Err(ApiError::bad_request(
                "limit must be a positive whole number",
            ));
        }
        Ok(Self {
            asset_code: params.required("asset_code")?.to_string(),
            asset_issuer: params.get("asset_issuer").map(str::to_string),
            kinds: kinds(params, protocol)?,
            no_older_than: time(params, "no_older_than")?,
            paging_id: params.parsed::<Uuid>("paging_id", "a transaction id")?,
            limit: limit.min(MAX_LIMIT),
        })
    }

    /// The asset these parameters name.
    pub fn asset(&self) -> AssetRef<'_> {
        AssetRef {
            code: Some(&self.asset_code),
            issuer: self.asset_issuer.as_deref(),
        }
    }

    /// The store query: `subject`'s transactions of `protocol` and asset `asset_id`.
    pub fn query(&self, subject: &Subject, protocol: Protocol, asset_id: i64) -> ListQuery {
        ListQuery {
            owner: subject.owner(),
            asset_id,
            protocol,
            kinds: self.kinds.clone(),
            no_older_than: self.no_older_than,
            paging_id: self.paging_id,
            limit: self.limit,
        }
    }
}

/// The `kind` filter. SEP-6 takes a list (`kind=deposit&kind=deposit-exchange`, or
/// comma-separated) of `deposit`, `deposit-exchange`, `withdrawal`, `withdrawal-exchange`;
/// SEP-24 takes `deposit` or `withdrawal`, exchanges included.
fn kinds(params: &Params, protocol: Protocol) -> Result<Vec<KindChoice>, ApiError> {
    let sep6 = protocol == Protocol::Sep6;
    let choice = |kind, exchange| KindChoice { kind, exchange };
    let plain = if sep6 { Some(false) } else { None };
    let mut out: Vec<KindChoice> = Vec::new();
    for text in params.list("kind") {
        let found = match text {
            "deposit" => choice(Kind::Deposit, plain),
            "withdrawal" => choice(Kind::Withdrawal, plain),
            "deposit-exchange" if sep6 => choice(Kind::Deposit, Some(true)),
            "withdrawal-exchange" if sep6 => choice(Kind::Withdrawal, Some(true)),
            _ => {
                let allowed = if sep6 {
                    "deposit, deposit-exchange, withdrawal or withdrawal-exchange"
                } else {
                    "deposit or withdrawal"
                };
                return Err(ApiError::bad_request(format!(
                    "kind must be {allowed}, got '{text}'"
                )));
            }
        };
        if !out.contains(&found) {
            out.push(found);
        }
    }
    Ok(out)
}

fn time(params: &Params, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let parse = |v: &str| {
        DateTime::parse_from_rfc3339(v.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                ApiError::bad_request(format!("{name} must be an ISO 8601 date-time, got '{v}'"))
            })
    };
    params.get(name).map(parse).transpose()
}

/// The parameters of `GET /transaction`: which transaction, by one of three ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupParams(pub Lookup);

impl LookupParams {
    /// Parses `id`, else `stellar_transaction_id`, else `external_transaction_id`.
    pub fn parse(params: &Params) -> Result<Self, ApiError> {
        let lookup = if let Some(id) = params.parsed::<Uuid>("id", "a transaction id")? {
            Lookup::Id(id)
        } else if let Some(h) = params.get("stellar_transaction_id") {
            Lookup::StellarTransactionId(h.to_string())
        } else if let Some(e) = params.get("external_transaction_id") {
            Lookup::ExternalTransactionId(e.to_string())
        } else {
            return Err(ApiError::bad_request(
                "give id, stellar_transaction_id or external_transaction_id",
            ));
        };
        Ok(Self(lookup))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_as(query: &str, protocol: Protocol) -> Result<ListParams, String> {
        ListParams::parse(&Params::parse(query), protocol)
            .map_err(|e| e.body["error"].as_str().unwrap_or_default().to_string())
    }

    fn list(query: &str) -> Result<ListParams, String> {
        parse_as(query, Protocol::Sep24)
    }

    fn choice(kind: Kind, exchange: Option<bool>) -> KindChoice {
        KindChoice { kind, exchange }
    }

    #[test]
    fn list_defaults_follow_the_seps() {
        let p = list("asset_code=USDC").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.limit, MAX_LIMIT);
        assert_eq!(
            (p.kinds, p.no_older_than, p.paging_id),
            (vec![], None, None)
        );
        assert_eq!(p.asset_issuer, None);
        let p = list("asset_code=USDC&limit=5000&kind=withdrawal&asset_issuer=")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.limit, MAX_LIMIT);
        assert_eq!(p.kinds, vec![choice(Kind::Withdrawal, None)]);
        let p = list("asset_code=USDC&limit=2&kind=&paging_id=&no_older_than=2024-01-02T03:04:05Z")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.limit, p.kinds, p.paging_id), (2, vec![], None));
        assert!(p.no_older_than.is_some());
    }

    #[test]
    fn list_mistakes_name_the_parameter() {
        for (query, error) in [
            ("", "asset_code is required"),
            (
                "asset_code=X&limit=0",
                "limit must be a positive whole number",
            ),
            (
                "asset_code=X&limit=-1",
                "limit must be a positive whole number",
            ),
            (
                "asset_code=X&limit=a",
                "limit must be a positive whole number, got 'a'",
            ),
            (
                "asset_code=X&kind=send",
                "kind must be deposit or withdrawal, got 'send'",
            ),
            (
                "asset_code=X&kind=other",
                "kind must be deposit or withdrawal, got 'other'",
            ),
            (
                "asset_code=X&kind=deposit-exchange",
                "kind must be deposit or withdrawal, got 'deposit-exchange'",
            ),
            (
                "asset_code=X&paging_id=x",
                "paging_id must be a transaction id, got 'x'",
            ),
            (
                "asset_code=X&no_older_than=yesterday",
                "no_older_than must be an ISO 8601 date-time, got 'yesterday'",
            ),
        ] {
            assert_eq!(list(query).err().as_deref(), Some(error), "{query}");
        }
    }

    #[test]
    fn sep6_kinds_are_a_list_that_tells_exchanges_apart() {
        let sep6 = |q: &str| parse_as(q, Protocol::Sep6).map(|p| p.kinds);
        assert_eq!(
            sep6("asset_code=X&kind=deposit&kind=deposit-exchange"),
            Ok(vec![
                choice(Kind::Deposit, Some(false)),
                choice(Kind::Deposit, Some(true))
            ])
        );
        assert_eq!(
            sep6("asset_code=X&kind=withdrawal-exchange,withdrawal-exchange"),
            Ok(vec![choice(Kind::Withdrawal, Some(true))])
        );
        assert_eq!(
            sep6("asset_code=X&kind=send").err().as_deref(),
            Some("kind must be deposit, deposit-exchange, withdrawal or withdrawal-exchange, got 'send'")
        );
    }

    #[test]
    fn a_lookup_takes_the_first_id_given() {
        let id = Uuid::from_u128(7);
        let parse = |q: &str| LookupParams::parse(&Params::parse(q)).map(|l| l.0);
        let both = format!("id={id}&external_transaction_id=E");
        assert_eq!(parse(&both).ok(), Some(Lookup::Id(id)));
        let hash = parse("id=&stellar_transaction_id=H&external_transaction_id=E");
        assert_eq!(hash.ok(), Some(Lookup::StellarTransactionId("H".into())));
        let external = parse("external_transaction_id=E");
        assert_eq!(
            external.ok(),
            Some(Lookup::ExternalTransactionId("E".into()))
        );
        assert!(parse("").is_err());
        assert!(parse("id=nope").is_err());
    }
}
