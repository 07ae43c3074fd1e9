//! The SEP-6 `more_info_url` page: a capability link, signed so that only someone given
//! the URL (the wallet, the user) can open it, even when a transaction id leaks.

use crate::auth::links;
use crate::context::Context;
use crate::error::ApiError;
use crate::model::{Kind, Transaction};
use crate::params::Params;
use crate::settings::Settings;
use crate::store::{assets, transactions};

const PATH: &str = "sep6/transaction/more_info";

/// The `more_info_url` of a transaction.
pub fn more_info_url(settings: &Settings, tx: &Transaction) -> String {
    links::sign(
        settings,
        PATH,
        &tx.id.to_string(),
        tx.started_at.timestamp(),
    )
}

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ kind }} {{ code }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
dt{font-weight:600;margin-top:.75rem}dd{margin:0}.status{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#eef2ff}</style>
</head><body>
<h1>{{ kind }} of {{ code }}</h1>
<p class="status">{{ status }}</p>
<dl>
<dt>Transaction</dt><dd>{{ id }}</dd>
{% if amount_in %}<dt>Amount</dt><dd>{{ amount_in }} {{ code }}</dd>{% endif %}
{% if amount_fee %}<dt>Fee</dt><dd>{{ amount_fee }} {{ code }}</dd>{% endif %}
{% if amount_out %}<dt>You receive</dt><dd>{{ amount_out }} {{ code }}</dd>{% endif %}
<dt>Started</dt><dd>{{ started_at }}</dd>
{% if message %}<dt>Message</dt><dd>{{ message }}</dd>{% endif %}
{% if instructions %}<dt>Instructions</dt><dd>{{ instructions }}</dd>{% endif %}
</dl></body></html>"#;

/// `GET /sep6/transaction/more_info?id=&token=`: the transaction as an HTML page.
pub async fn more_info_page(ctx: &Context, params: &Params) -> Result<String, ApiError> {
    let id = params.required("id")?.to_string();
    let token = params.required("token")?;
    if !links::verify(&ctx.settings, PATH, &id, token) {
        return Err(ApiError::forbidden(
            serde_json::json!({ "error": "this link is not valid" }),
        ));
    }
    let uuid = id
        .parse()
        .map_err(|_| ApiError::bad_request("id is not a transaction id"))?;
    let tx = ctx
        .store
        .run(move |c| transactions::by_id(c, uuid))
        .await?
        .ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let asset_id = tx.asset_id;
    let asset = ctx.store.run(move |c| assets::by_id(c, asset_id)).await?;
    let instructions = match tx.kind {
        Kind::Deposit => {
            ctx.integrations
                .deposit
                .instructions_for_pending_deposit(&tx)
                .await?
        }
        _ => None,
    };
    render(&tx, asset.map(|a| a.code).unwrap_or_default(), instructions)
}

fn render(
    tx: &Transaction,
    code: String,
    instructions: Option<String>,
) -> Result<String, ApiError> {
    let mut c = tera::Context::new();
    c.insert(
        "kind",
        if tx.kind == Kind::Deposit {
            "Deposit"
        } else {
            "Withdrawal"
        },
    );
    c.insert("code", &code);
    c.insert("status", &tx.status.as_str().replace('_', " "));
    c.insert("id", &tx.id.to_string());
    c.insert("amount_in", &tx.amount_in.map(|d| d.to_string()));
    c.insert("amount_fee", &tx.amount_fee.map(|d| d.to_string()));
    c.insert("amount_out", &tx.amount_out.map(|d| d.to_string()));
    c.insert(
        "started_at",
        &tx.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    c.insert("message", &tx.message);
    c.insert("instructions", &instructions);
    tera::Tera::one_off(PAGE, &c, true).map_err(ApiError::internal)
}
