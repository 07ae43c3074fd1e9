//! [`HorizonClient`]: the [`Horizon`] trait over HTTP.
//!
//! Requests go through `reqwest` so that every status and transport error is classified
//! (stellar-horizon's own client panics on a non-2xx stream and folds every 5xx into one
//! error); answers are parsed with stellar-horizon's resource types.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use futures::stream::StreamExt;
use serde::de::DeserializeOwned;
use stellar_horizon::horizon_error::HorizonError as Problem;
use stellar_horizon::resources as res;

use super::horizon::*;
use super::memo::Memo;
use super::sse::{sse_stream, SseRequest};
use super::{amount::parse_stroops, Asset};

/// Talks to a Horizon server (or the sandbox) over HTTP.
#[derive(Debug, Clone)]
pub struct HorizonClient {
    http: reqwest::Client,
    base: reqwest::Url,
}

/// The default time a request may take before its outcome counts as unknown.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

impl HorizonClient {
    /// A client for the Horizon at `base_url` (e.g. `http://127.0.0.1:8001`), with a 60 s timeout.
    pub fn new(base_url: &str) -> Result<Self, HorizonError> {
        Self::with_timeout(base_url, DEFAULT_TIMEOUT)
    }

    /// A client whose requests time out (as [`HorizonError::Unknown`]) after `timeout`.
    ///
    /// Streams are not subject to it.
    pub fn with_timeout(base_url: &str, timeout: Duration) -> Result<Self, HorizonError> {
        let mut base: reqwest::Url = base_url
            .parse()
            .map_err(|e| HorizonError::Other(format!("invalid Horizon URL '{base_url}': {e}")))?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .read_timeout(timeout)
            .build()
            .map_err(|e| HorizonError::Other(format!("cannot build HTTP client: {e}")))?;
        Ok(Self { http, base })
    }

    /// The base URL.
    pub fn url(&self) -> &reqwest::Url {
        &self.base
    }

    fn url_for(&self, path: &str, query: &[(&str, String)]) -> Result<reqwest::Url, HorizonError> {
        let mut url = self
            .base
            .join(path)
            .map_err(|e| HorizonError::Other(format!("bad path '{path}': {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, HorizonError> {
        let url = self.url_for(path, query)?;
        read_json(self.http.get(url).send().await).await
    }

    async fn get_optional<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, HorizonError> {
        match self.get(path, &[]).await {
            Ok(v) => Ok(Some(v)),
            Err(HorizonError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn stream<T, F>(
        &self,
        path: &str,
        cursor: &str,
        query: &[(&str, String)],
        convert: F,
    ) -> RecordStream<T>
    where
        T: Send + 'static,
        F: Fn(&str) -> Result<T, HorizonError> + Send + 'static,
    {
        let mut q = query.to_vec();
        q.push(("cursor", cursor.to_string()));
        let url = match self.url_for(path, &q) {
            Ok(u) => u,
            Err(e) => return futures::stream::once(async { Err(e) }).boxed(),
        };
        let http = reqwest::Client::new();
        let req = SseRequest {
            http,
            url,
            reconnect: Duration::from_secs(1),
        };
        sse_stream(req)
            .map(move |item| item.and_then(|e| convert(&e.data)))
            .boxed()
    }
}

async fn read_json<T: DeserializeOwned>(
    sent: reqwest::Result<reqwest::Response>,
) -> Result<T, HorizonError> {
    let resp = sent.map_err(|e| HorizonError::Unknown(transport_message(&e)))?;
    let status = resp.status();
    let body = resp.text().await.map_err(|e| {
        HorizonError::Unknown(format!(
            "reading the answer failed: {}",
            transport_message(&e)
        ))
    })?;
    if !status.is_success() {
        return Err(error_from_body(status.as_u16(), &body));
    }
    serde_json::from_str(&body)
        .map_err(|e| HorizonError::Other(format!("unexpected answer from Horizon: {e}")))
}

fn transport_message(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("timed out: {e}")
    } else {
        format!("transport error: {e}")
    }
}

/// Classifies a non-2xx Horizon answer.
pub(crate) fn error_from_body(status: u16, body: &str) -> HorizonError {
    let problem: Option<Problem> = serde_json::from_str(body).ok();
    match (status, problem) {
        (404, _) => HorizonError::NotFound,
        (_, Some(Problem::TransactionFailed(f))) => HorizonError::Failed {
            transaction: f.extras.result_codes.transaction,
            operations: f.extras.result_codes.operations,
        },
        (s, p) if s >= 500 || s == 408 => HorizonError::Unknown(format!(
            "HTTP {s}: {}",
            p.map(|p| problem_detail(&p))
                .unwrap_or_else(|| body.chars().take(200).collect())
        )),
        (s, Some(p)) => HorizonError::Other(format!("HTTP {s}: {}", problem_detail(&p))),
        (s, None) => HorizonError::Other(format!(
            "HTTP {s}: {}",
            body.chars().take(200).collect::<String>()
        )),
    }
}

fn problem_detail(p: &Problem) -> String {
    let base = match p {
        Problem::BadRequest(b) => &b.base,
        Problem::TransactionFailed(b) => &b.base,
        Problem::TransactionMalformed(b) => &b.base,
        Problem::BeforeHistory(b)
        | Problem::StaleHistory(b)
        | Problem::Timeout(b)
        | Problem::Other(b) => b,
    };
    format!(
        "{} ({}): {}",
        base.title,
        base.url.rsplit('/').next().unwrap_or_default(),
        base.detail
    )
}

fn page_params(query: &PageQuery) -> Vec<(&'static str, String)> {
    let mut q = vec![("limit", query.limit.to_string())];
    q.push((
        "order",
        if query.order == Order::Desc {
            "desc"
        } else {
            "asc"
        }
        .to_string(),
    ));
    if let Some(c) = &query.cursor {
        q.push(("cursor", c.clone()));
    }
    q
}

fn page_of<T, R, F>(
    page: stellar_horizon::page::Page<R>,
    convert: F,
) -> Result<Page<T>, HorizonError>
where
    R: DeserializeOwned + serde::Serialize + Clone,
    F: Fn(R) -> Result<(T, String), HorizonError>,
{
    let mut records = Vec::new();
    let mut next_cursor = None;
    for r in page.records {
        let (record, token) = convert(r)?;
        next_cursor = Some(token);
        records.push(record);
    }
    Ok(Page {
        records,
        next_cursor,
    })
}

#[async_trait]
impl Horizon for HorizonClient {
    async fn load_account(&self, account_id: &str) -> Result<Option<AccountInfo>, HorizonError> {
        Ok(self.account(account_id).await?.map(|a| a.info))
    }

    async fn account(&self, account_id: &str) -> Result<Option<AccountDetails>, HorizonError> {
        let path = format!("accounts/{account_id}");
        match self.get_optional::<res::Account>(&path).await? {
            Some(a) => account_details(a).map(Some),
            None => Ok(None),
        }
    }

    async fn submit(&self, envelope_xdr: &str) -> Result<TransactionRecord, HorizonError> {
        let url = self.url_for("transactions", &[])?;
        let sent = self
            .http
            .post(url)
            .form(&[("tx", envelope_xdr)])
            .send()
            .await;
        transaction_record(read_json(sent).await?)
    }

    async fn transaction(&self, hash: &str) -> Result<Option<TransactionRecord>, HorizonError> {
        let path = format!("transactions/{hash}");
        self.get_optional::<res::Transaction>(&path)
            .await?
            .map(transaction_record)
            .transpose()
    }

    async fn payments(
        &self,
        account_id: &str,
        query: &PageQuery,
    ) -> Result<Page<PaymentRecord>, HorizonError> {
        let mut q = page_params(query);
        q.push(("join", "transactions".into()));
        let page: stellar_horizon::page::Page<res::Payment> = self
            .get(&format!("accounts/{account_id}/payments"), &q)
            .await?;
        page_of(page, |p| {
            payment_record(p).map(|r| {
                let t = r.paging_token.clone();
                (r, t)
            })
        })
    }

    async fn transactions(
        &self,
        account_id: &str,
        query: &PageQuery,
    ) -> Result<Page<TransactionRecord>, HorizonError> {
        let page: stellar_horizon::page::Page<res::Transaction> = self
            .get(
                &format!("accounts/{account_id}/transactions"),
                &page_params(query),
            )
            .await?;
        page_of(page, |t| {
            transaction_record(t).map(|r| {
                let c = r.paging_token.clone();
                (r, c)
            })
        })
    }

    fn stream_payments(&self, account_id: &str, cursor: &str) -> RecordStream<PaymentRecord> {
        let join = [("join", "transactions".to_string())];
        self.stream(
            &format!("accounts/{account_id}/payments"),
            cursor,
            &join,
            |data| payment_record(parse_json(data)?),
        )
    }

    fn stream_transactions(
        &self,
        account_id: &str,
        cursor: &str,
    ) -> RecordStream<TransactionRecord> {
        self.stream(
            &format!("accounts/{account_id}/transactions"),
            cursor,
            &[],
            |data| transaction_record(parse_json(data)?),
        )
    }

    async fn fee_stats(&self) -> Result<FeeStats, HorizonError> {
        let s: res::FeeStats = self.get("fee_stats", &[]).await?;
        Ok(FeeStats {
            last_ledger: u32::try_from(s.last_ledger).unwrap_or_default(),
            last_ledger_base_fee: s.last_ledger_base_fee,
            fee_charged_p90: s.fee_charged.p90,
            max_fee_p90: s.max_fee.p90,
        })
    }
}

fn parse_json<T: DeserializeOwned>(data: &str) -> Result<T, HorizonError> {
    serde_json::from_str(data)
        .map_err(|e| HorizonError::Other(format!("unexpected stream event: {e}")))
}

fn bad(what: &str) -> HorizonError {
    HorizonError::Other(format!("Horizon sent an invalid {what}"))
}

fn stroops(text: &str) -> Result<i64, HorizonError> {
    parse_stroops(text).ok_or_else(|| bad("amount"))
}

fn asset_of(a: &res::Asset) -> Result<Asset, HorizonError> {
    match (a.asset_type.as_str(), &a.asset_code, &a.asset_issuer) {
        ("native", _, _) => Ok(Asset::Native),
        (_, Some(code), Some(issuer)) => Asset::credit(code, issuer).map_err(|_| bad("asset")),
        _ => Err(bad("asset")),
    }
}

fn account_details(a: res::Account) -> Result<AccountDetails, HorizonError> {
    let signers = a
        .signers
        .iter()
        .map(|s| AccountSigner {
            key: s.key.clone(),
            weight: u8::try_from(s.weight).unwrap_or(u8::MAX),
        })
        .collect();
    let mut balances = Vec::new();
    for b in a.balances.iter().filter(|b| b.liquidity_pool_id.is_none()) {
        balances.push(Balance {
            asset: asset_of(&b.asset)?,
            balance: stroops(&b.balance)?,
            limit: b.limit.as_deref().map(stroops).transpose()?,
            is_authorized: b.is_authorized.unwrap_or(true),
        });
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let data = a
        .data
        .iter()
        .map(|(k, v)| (k.clone(), b64.decode(v).unwrap_or_default()))
        .collect();
    Ok(AccountDetails {
        info: AccountInfo {
            account_id: a.account_id.clone(),
            sequence: a.sequence.parse().map_err(|_| bad("sequence"))?,
            signers,
            thresholds: Thresholds {
                low: a.thresholds.low_threshold,
                med: a.thresholds.medium_threshold,
                high: a.thresholds.high_threshold,
            },
        },
        balances,
        data,
        subentry_count: u32::try_from(a.subentry_count).unwrap_or_default(),
        home_domain: a.home_domain.filter(|d| !d.is_empty()),
    })
}

fn memo_of(memo_type: &str, memo: Option<&str>) -> Memo {
    let value = memo.unwrap_or_default();
    Memo::parse(memo_type, value).unwrap_or(match memo_type {
        // A text memo Horizon shows may exceed 28 bytes once decoded lossily: keep it anyway.
        "text" => Memo::Text(value.to_string()),
        _ => Memo::None,
    })
}

fn transaction_record(t: res::Transaction) -> Result<TransactionRecord, HorizonError> {
    Ok(TransactionRecord {
        memo: memo_of(&t.memo_type, t.memo.as_deref()),
        hash: t.hash,
        ledger: u32::try_from(t.ledger).unwrap_or_default(),
        successful: t.successful,
        paging_token: t.paging_token,
        source_account: t.source_account,
        fee_charged: t.fee_charged,
        envelope_xdr: t.envelope_xdr,
        result_xdr: t.result_xdr,
        created_at: t.created_at,
    })
}

fn payment_record(p: res::Payment) -> Result<PaymentRecord, HorizonError> {
    use res::Payment as P;
    let (kind, base, from, to, to_muxed, asset, amount) = match p {
        P::CreateAccount(o) => {
            let amount = stroops(&o.starting_balance)?;
            (
                PaymentKind::CreateAccount,
                o.base,
                o.funder,
                o.account,
                None,
                Asset::Native,
                amount,
            )
        }
        P::Payment(o) => (
            PaymentKind::Payment,
            o.base,
            o.from,
            o.to,
            o.to_muxed,
            asset_of(&o.asset)?,
            stroops(&o.amount)?,
        ),
        P::PathPaymentStrictReceive(o) => (
            PaymentKind::PathPaymentStrictReceive,
            o.base,
            o.from,
            o.to,
            o.to_muxed,
            asset_of(&o.asset)?,
            stroops(&o.amount)?,
        ),
        P::PathPaymentStrictSend(o) => (
            PaymentKind::PathPaymentStrictSend,
            o.base,
            o.from,
            o.to,
            o.to_muxed,
            asset_of(&o.asset)?,
            stroops(&o.amount)?,
        ),
        P::AccountMerge(o) => (
            PaymentKind::AccountMerge,
            o.base,
            o.account,
            o.into,
            o.into_muxed,
            Asset::Native,
            0,
        ),
        P::InvokeHostFunction(o) => {
            let src = o.base.source_account.clone();
            (
                PaymentKind::Other,
                o.base,
                src.clone(),
                src,
                None,
                Asset::Native,
                0,
            )
        }
    };
    let memo = base
        .transaction
        .as_ref()
        .map(|t| memo_of(&t.memo_type, t.memo.as_deref()));
    Ok(PaymentRecord {
        id: base.id,
        paging_token: base.paging_token,
        kind,
        from,
        to,
        to_muxed,
        asset,
        amount,
        transaction_hash: base.transaction_hash,
        transaction_successful: base.transaction_successful,
        memo,
        created_at: base.created_at,
    })
}

/// Asks the friendbot at `friendbot_url` (e.g. `http://127.0.0.1:8001/friendbot`) to create and
/// fund `account`. An existing account answers [`HorizonError::Failed`] with `op_already_exists`.
pub async fn fund_with_friendbot(friendbot_url: &str, account: &str) -> Result<(), HorizonError> {
    let mut url: reqwest::Url = friendbot_url.parse().map_err(|e| {
        HorizonError::Other(format!("invalid friendbot URL '{friendbot_url}': {e}"))
    })?;
    url.query_pairs_mut().append_pair("addr", account);
    let http = reqwest::Client::builder()
        .timeout(DEFAULT_TIMEOUT)
        .build()
        .map_err(|e| HorizonError::Other(format!("cannot build HTTP client: {e}")))?;
    read_json::<serde_json::Value>(http.get(url).send().await)
        .await
        .map(|_| ())
}
