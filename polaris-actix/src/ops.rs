//! The operator's commands: look at a transaction, refund, hold and release it, fail it,
//! ask for information, mark a customer verified, hand it to an external system. Each maps
//! onto one function of [`polaris_core::operations`]; this module only parses the command
//! line and prints the transaction as wallets see it (SEP-24 or SEP-6 JSON). Besides: list
//! the payments `watch-transactions` could not match, and list or reset its stream cursors
//! (after a test network reset).

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use polaris_core::model::{Protocol, Transaction};
use polaris_core::operations::{
    self, CustomerVerified, Fail, OperationError, PutOnHold, Refund, RefundIdType, Release,
    ToPendingExternal, TransactionInfoRequest,
};
use polaris_core::store::transactions::{self, Owner};
use polaris_core::store::{assets, watcher, StoreError};
use polaris_core::{sep24, sep6, Settings, Store};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The operator commands, to `#[command(flatten)]` into an anchor's own CLI.
#[derive(Debug, Clone, Subcommand)]
pub enum OpsCommand {
    /// Look at transactions.
    #[command(subcommand)]
    Transaction(TransactionCommand),
    /// Record a refund payment; in full when payments and fees add up to amount_in.
    Refund(RefundArgs),
    /// Put a transaction whose funds arrived on hold.
    Hold(HoldArgs),
    /// Release a held transaction to the status it was in.
    Release(IdArgs),
    /// End a transaction in `error`.
    Fail(FailArgs),
    /// Ask the wallet for more transaction fields (SEP-6).
    RequestInfo(RequestInfoArgs),
    /// Move on every transaction of a customer that was waiting for KYC.
    CustomerVerified(CustomerArgs),
    /// Mark a transaction as under way in an external system.
    PendingExternal(PendingExternalArgs),
    /// Payments to distribution accounts that matched no transaction.
    #[command(subcommand)]
    Unmatched(UnmatchedCommand),
    /// The positions of `watch-transactions` in each account's payments.
    #[command(subcommand)]
    Cursors(CursorsCommand),
}

/// `unmatched ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum UnmatchedCommand {
    /// Print every unmatched payment, oldest first.
    List,
}

/// `cursors ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum CursorsCommand {
    /// Print every stored cursor.
    List,
    /// Forget the cursors (after a test network reset): watching starts again from the
    /// newest payment of each account.
    Reset(ResetCursorsArgs),
}

/// Options of `cursors reset`.
#[derive(Debug, Clone, Args)]
pub struct ResetCursorsArgs {
    /// Only this account's cursor (default: every account's).
    #[arg(long)]
    pub account: Option<String>,
}

/// `transaction ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum TransactionCommand {
    /// Print a transaction as wallets see it.
    Show(IdArgs),
}

/// A transaction id.
#[derive(Debug, Clone, Args)]
pub struct IdArgs {
    /// The transaction's id.
    pub id: Uuid,
}

/// Where a refund was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IdType {
    /// A Stellar transaction hash.
    Stellar,
    /// An off-chain reference (a bank transfer).
    External,
}

/// Options of `refund`.
#[derive(Debug, Clone, Args)]
pub struct RefundArgs {
    /// The transaction's id.
    pub id: Uuid,
    /// The amount paid back.
    #[arg(long)]
    pub amount: Decimal,
    /// The fee kept on this refund payment.
    #[arg(long, default_value = "0")]
    pub fee: Decimal,
    /// The refund payment's reference.
    #[arg(long = "id")]
    pub payment_id: String,
    /// What the reference is.
    #[arg(long, value_enum)]
    pub id_type: IdType,
}

/// Options of `hold`.
#[derive(Debug, Clone, Args)]
pub struct HoldArgs {
    /// The transaction's id.
    pub id: Uuid,
    /// Why, shown to the wallet as `message`.
    #[arg(long)]
    pub message: Option<String>,
}

/// Options of `fail`.
#[derive(Debug, Clone, Args)]
pub struct FailArgs {
    /// The transaction's id.
    pub id: Uuid,
    /// Why, shown to the wallet as `message`.
    #[arg(long)]
    pub message: String,
}

/// Options of `request-info`.
#[derive(Debug, Clone, Args)]
pub struct RequestInfoArgs {
    /// The transaction's id.
    pub id: Uuid,
    /// The fields asked for, each `name=description`.
    #[arg(long, num_args = 1.., required = true, value_parser = parse_field)]
    pub fields: Vec<(String, String)>,
    /// What the wallet shows the user.
    #[arg(long)]
    pub message: String,
}

/// Options of `customer-verified`.
#[derive(Debug, Clone, Args)]
pub struct CustomerArgs {
    /// The customer's `G...` account.
    pub account: String,
    /// The customer's SEP-10 memo, for a shared account.
    #[arg(long)]
    pub memo: Option<String>,
}

/// Options of `pending-external`.
#[derive(Debug, Clone, Args)]
pub struct PendingExternalArgs {
    /// The transaction's id.
    pub id: Uuid,
    /// The external system's reference.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Seconds until it is expected done.
    #[arg(long)]
    pub eta: Option<i64>,
}

/// Why an operator command did nothing.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The operation was refused (nothing was written).
    #[error(transparent)]
    Operation(#[from] OperationError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The transaction's asset is gone.
    #[error("asset {0} of the transaction not found")]
    AssetMissing(i64),
}

/// `name=description` of `--fields`.
fn parse_field(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, description)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), description.trim().to_string()))
        }
        _ => Err(format!("'{text}' is not name=description")),
    }
}

/// Runs `command` on `store`: the transaction (or, for `customer-verified`, the array of
/// those moved) as wallets see it, or why nothing happened.
pub async fn execute(
    settings: &Settings,
    store: &Store,
    command: OpsCommand,
) -> Result<Value, OpsError> {
    let tx = match command {
        OpsCommand::Unmatched(UnmatchedCommand::List) => {
            return json_of(store.run(watcher::unmatched).await?)
        }
        OpsCommand::Cursors(CursorsCommand::List) => {
            return json_of(store.run(watcher::cursors).await?)
        }
        OpsCommand::Cursors(CursorsCommand::Reset(a)) => {
            let account = a.account;
            let removed = store
                .run(move |c| watcher::reset_cursors(c, account.as_deref()))
                .await?;
            return Ok(serde_json::json!({ "reset": removed }));
        }
        OpsCommand::Transaction(TransactionCommand::Show(a)) => show(store, a.id).await?,
        OpsCommand::Refund(a) => {
            let id_type = match a.id_type {
                IdType::Stellar => RefundIdType::Stellar,
                IdType::External => RefundIdType::External,
            };
            let request = Refund::new(a.id, a.payment_id, id_type, a.amount).with_fee(a.fee);
            operations::refund(store, request).await?
        }
        OpsCommand::Hold(a) => {
            let request = match a.message {
                Some(m) => PutOnHold::new(a.id).with_message(m),
                None => PutOnHold::new(a.id),
            };
            operations::put_on_hold(store, request).await?
        }
        OpsCommand::Release(a) => operations::release(store, Release::new(a.id)).await?,
        OpsCommand::Fail(a) => operations::fail(store, Fail::new(a.id, a.message)).await?,
        OpsCommand::RequestInfo(a) => {
            let request = TransactionInfoRequest::new(a.id, a.message, fields_json(a.fields));
            operations::request_transaction_info(store, request).await?
        }
        OpsCommand::CustomerVerified(a) => return customer_verified(settings, store, a).await,
        OpsCommand::PendingExternal(a) => {
            let mut request = ToPendingExternal::new(a.id);
            if let Some(external) = a.external_id {
                request = request.with_external_id(external);
            }
            if let Some(eta) = a.eta {
                request = request.with_eta(eta);
            }
            operations::to_pending_external(store, request).await?
        }
    };
    wallet_json(settings, store, tx).await
}

/// Runs `command`, prints its JSON on stdout and exits 0, or prints `error: <why>` on one
/// line on stderr and exits 1.
pub async fn run(settings: &Settings, store: &Store, command: OpsCommand) -> ExitCode {
    match execute(settings, store, command).await {
        Ok(json) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn json_of<T: serde::Serialize>(rows: T) -> Result<Value, OpsError> {
    Ok(serde_json::to_value(rows).unwrap_or(Value::Null))
}

/// `--fields` in the SEP-6 `/info` shape: `{"name": {"description": "..."}}`.
fn fields_json(fields: Vec<(String, String)>) -> Value {
    let mut map = Map::new();
    for (name, description) in fields {
        map.insert(name, serde_json::json!({ "description": description }));
    }
    Value::Object(map)
}

async fn show(store: &Store, id: Uuid) -> Result<Transaction, OpsError> {
    store
        .run(move |c| transactions::by_id(c, id))
        .await?
        .ok_or(OpsError::Operation(OperationError::NotFound(id)))
}

async fn customer_verified(
    settings: &Settings,
    store: &Store,
    args: CustomerArgs,
) -> Result<Value, OpsError> {
    let owner = Owner {
        account: args.account,
        memo: args.memo,
        muxed: None,
    };
    let moved = operations::customer_verified(store, CustomerVerified::new(owner)).await?;
    let mut list = Vec::with_capacity(moved.len());
    for tx in moved {
        list.push(wallet_json(settings, store, tx).await?);
    }
    Ok(Value::Array(list))
}

/// `tx` as its SEP shows it to wallets (SEP-31 transactions in the SEP-6 shape).
async fn wallet_json(
    settings: &Settings,
    store: &Store,
    tx: Transaction,
) -> Result<Value, OpsError> {
    let asset_id = tx.asset_id;
    let asset = store
        .run(move |c| assets::by_id(c, asset_id))
        .await?
        .ok_or(OpsError::AssetMissing(asset_id))?;
    Ok(match tx.protocol {
        Protocol::Sep24 => sep24::transaction_json(settings, &tx, &asset),
        Protocol::Sep6 | Protocol::Sep31 => sep6::transaction_json(&tx, &asset, settings),
    })
}
