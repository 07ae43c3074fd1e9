//! The SEP-24 transaction object.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::model::{Asset, Kind, Transaction};
use crate::Settings;

fn time(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        json!(t.to_rfc3339_opts(SecondsFormat::Secs, true))
    })
}

fn amount(a: Option<Decimal>, decimals: u32) -> Value {
    a.map_or(Value::Null, |a| json!(super::info::fixed(a, decimals)))
}

fn refunds(tx: &Transaction, decimals: u32) -> Value {
    let Some(r) = &tx.refunds else {
        return Value::Null;
    };
    let payments: Vec<Value> = r
        .payments
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "id_type": p.id_type,
                "amount": amount(Some(p.amount), decimals),
                "fee": amount(Some(p.fee), decimals),
            })
        })
        .collect();
    json!({
        "amount_refunded": amount(Some(r.amount_refunded), decimals),
        "amount_fee": amount(Some(r.amount_fee), decimals),
        "payments": payments,
    })
}

/// The path of the more-info page under `HOST_URL`.
pub const MORE_INFO_PATH: &str = "sep24/transaction/more_info";

/// The more-info page URL of a transaction: a signed link anyone given it can open.
pub fn more_info_url(settings: &Settings, tx: &Transaction) -> String {
    crate::auth::links::sign(
        settings,
        MORE_INFO_PATH,
        &tx.id.to_string(),
        tx.started_at.timestamp(),
    )
}

/// A transaction as SEP-24 shows it to wallets; null fields are left out.
pub fn transaction_json(settings: &Settings, tx: &Transaction, asset: &Asset) -> Value {
    let d = asset.significant_decimals;
    let asset_id = format!("stellar:{}", asset.asset_id());
    let mut o = json!({
        "id": tx.id,
        "kind": if tx.kind == Kind::Withdrawal { "withdrawal" } else { "deposit" },
        "status": tx.status,
        "status_eta": tx.status_eta,
        "more_info_url": more_info_url(settings, tx),
        "amount_in": amount(tx.amount_in, d),
        "amount_in_asset": tx.amount_in.map(|_| asset_id.clone()),
        "amount_out": amount(tx.amount_out, d),
        "amount_out_asset": tx.amount_out.map(|_| asset_id.clone()),
        "amount_fee": amount(tx.amount_fee, d),
        "amount_fee_asset": tx.amount_fee.map(|_| asset_id.clone()),
        "quote_id": tx.quote_id,
        "started_at": time(Some(tx.started_at)),
        "updated_at": time(Some(tx.updated_at)),
        "completed_at": time(tx.completed_at),
        "stellar_transaction_id": tx.stellar_transaction_id,
        "external_transaction_id": tx.external_transaction_id,
        "message": tx.status_message.clone().or_else(|| tx.message.clone()),
        "refunded": tx.refunded,
        "refunds": refunds(tx, d),
        "from": tx.from_address,
        "to": tx.to_address,
    });
    if let Value::Object(m) = &mut o {
        extend_kind(m, tx);
        m.retain(|_, v| !v.is_null());
    }
    o
}

fn extend_kind(m: &mut Map<String, Value>, tx: &Transaction) {
    let memo_type = tx.memo.as_ref().map(|_| json!(tx.memo_type));
    if tx.kind == Kind::Withdrawal {
        m.insert(
            "withdraw_anchor_account".into(),
            json!(tx.receiving_anchor_account),
        );
        m.insert("withdraw_memo".into(), json!(tx.memo));
        m.insert("withdraw_memo_type".into(), json!(memo_type));
    } else {
        m.insert("deposit_memo".into(), json!(tx.memo));
        m.insert("deposit_memo_type".into(), json!(memo_type));
        m.insert(
            "claimable_balance_id".into(),
            json!(tx.claimable_balance_id),
        );
    }
}
