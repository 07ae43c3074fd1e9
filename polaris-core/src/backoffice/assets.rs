//! The assets pages: the list, and the form that creates or edits one.
//!
//! A saved asset goes through [`crate::store::assets::upsert`], which drops this process'
//! cached asset list, stellar.toml and `/info` documents: they show the change at once
//! (other server processes within the asset cache's 5 seconds).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::{render, View};
use crate::model::{Asset, OperationConfig};
use crate::params::Params;
use crate::store::{assets, StoreError};
use crate::{ApiError, Context};

/// The page of every asset.
pub async fn list_page(ctx: &Context, view: &View<'_>) -> Result<String, ApiError> {
    let all = ctx.store.run(assets::all).await?;
    let rows: Vec<Value> = all.iter().map(summary).collect();
    let mut values = Map::new();
    values.insert("assets".into(), json!(rows));
    render(view, "assets", "assets", values)
}

fn summary(a: &Asset) -> Value {
    json!({
        "id": a.id,
        "code": a.code,
        "issuer": a.issuer,
        "status": a.status,
        "sep6": a.sep6_enabled,
        "sep24": a.sep24_enabled,
        "deposit": a.deposit.enabled,
        "withdrawal": a.withdrawal.enabled,
        "decimals": a.significant_decimals,
    })
}

/// The longest `name` SEP-1 allows.
const MAX_NAME_CHARS: usize = 20;

/// Every input of the form.
const FORM_KEYS: &[&str] = &[
    "code",
    "issuer",
    "name",
    "significant_decimals",
    "sep6_enabled",
    "sep24_enabled",
    "deposit_enabled",
    "deposit_min_amount",
    "deposit_max_amount",
    "deposit_fee_fixed",
    "deposit_fee_percent",
    "withdrawal_enabled",
    "withdrawal_min_amount",
    "withdrawal_max_amount",
    "withdrawal_fee_fixed",
    "withdrawal_fee_percent",
];

/// The values of `asset` as the form shows them.
fn form_values(a: &Asset) -> BTreeMap<String, String> {
    let d = |v: Option<Decimal>| v.map(|v| v.normalize().to_string()).unwrap_or_default();
    let mut m = BTreeMap::new();
    m.insert("code".into(), a.code.clone());
    m.insert("issuer".into(), a.issuer.clone());
    m.insert("name".into(), a.name.clone().unwrap_or_default());
    m.insert(
        "significant_decimals".into(),
        a.significant_decimals.to_string(),
    );
    for (side, op) in [("deposit", &a.deposit), ("withdrawal", &a.withdrawal)] {
        m.insert(format!("{side}_enabled"), op.enabled.to_string());
        m.insert(format!("{side}_min_amount"), d(op.min_amount));
        m.insert(format!("{side}_max_amount"), d(op.max_amount));
        m.insert(format!("{side}_fee_fixed"), d(op.fee_fixed));
        m.insert(format!("{side}_fee_percent"), d(op.fee_percent));
    }
    m.insert("sep6_enabled".into(), a.sep6_enabled.to_string());
    m.insert("sep24_enabled".into(), a.sep24_enabled.to_string());
    m
}

/// The form page: a new asset (`existing` `None`) or an existing one, with the values and
/// errors of a refused submission.
pub fn form_page(
    view: &View<'_>,
    existing: Option<&Asset>,
    values: Option<BTreeMap<String, String>>,
    errors: &BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let defaults = existing.cloned().unwrap_or_else(|| Asset::new("", ""));
    let mut v = Map::new();
    v.insert(
        "values".into(),
        json!(values.unwrap_or_else(|| form_values(&defaults))),
    );
    v.insert("errors".into(), json!(errors));
    v.insert("asset_id".into(), json!(existing.map(|a| a.id)));
    v.insert("is_new".into(), json!(existing.is_none()));
    v.insert("sides".into(), json!(["deposit", "withdrawal"]));
    render(view, "asset_form", "assets", v)
}

/// The asset with this id, or a 404.
pub async fn load(ctx: &Context, id: i64) -> Result<Asset, ApiError> {
    ctx.store
        .run(move |c| assets::by_id(c, id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no asset {id}")))
}

/// What a submitted form became: the asset saved, or the values and errors to show again.
pub enum Saved {
    /// Stored.
    Asset(Box<Asset>),
    /// Refused: the form's values and an error per field (`_form` for the whole form).
    Invalid(BTreeMap<String, String>, BTreeMap<String, String>),
}

/// Checks the form of `params` over `existing` (a new asset when `None`) and stores it.
pub async fn save(
    ctx: &Context,
    existing: Option<Asset>,
    params: &Params,
) -> Result<Saved, ApiError> {
    let mut values = BTreeMap::new();
    for key in FORM_KEYS {
        let value = params.get(key).unwrap_or_default().trim();
        values.insert(key.to_string(), value.chars().take(200).collect());
    }
    if let Some(a) = &existing {
        values.insert("code".into(), a.code.clone());
        values.insert("issuer".into(), a.issuer.clone());
    }
    let is_new = existing.is_none();
    let (asset, mut errors) = parse(existing, &values);
    if is_new && errors.is_empty() {
        let (code, issuer) = (asset.code.clone(), asset.issuer.clone());
        let taken = ctx
            .store
            .run(move |c| assets::by_code_and_issuer(c, &code, &issuer))
            .await?;
        if taken.is_some() {
            errors.insert(
                "code".into(),
                "an asset with this code and issuer exists".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Ok(Saved::Invalid(values, errors));
    }
    match ctx.store.run(move |c| assets::upsert(c, &asset)).await {
        Ok(stored) => Ok(Saved::Asset(Box::new(stored))),
        Err(StoreError::Invalid(why)) => {
            errors.insert("_form".into(), why);
            Ok(Saved::Invalid(values, errors))
        }
        Err(e) => Err(e.into()),
    }
}

fn parse(
    existing: Option<Asset>,
    v: &BTreeMap<String, String>,
) -> (Asset, BTreeMap<String, String>) {
    let mut errors = BTreeMap::new();
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let mut asset = match existing {
        Some(a) => a,
        None => {
            let code = get("code").to_string();
            if code.is_empty()
                || code.len() > 12
                || !code.chars().all(|c| c.is_ascii_alphanumeric())
            {
                errors.insert("code".into(), "1 to 12 letters or digits".into());
            }
            let issuer = get("issuer").to_string();
            if stellar_strkey::ed25519::PublicKey::from_string(&issuer).is_err() {
                errors.insert("issuer".into(), "a Stellar account (G...)".into());
            }
            Asset::new(code, issuer)
        }
    };
    let name = get("name");
    if name.chars().count() > MAX_NAME_CHARS {
        errors.insert(
            "name".into(),
            format!("at most {MAX_NAME_CHARS} characters (SEP-1)"),
        );
    }
    asset.name = (!name.is_empty()).then(|| name.to_string());
    match get("significant_decimals").parse::<u32>() {
        Ok(d) if d <= 7 => asset.significant_decimals = d,
        _ => {
            errors.insert(
                "significant_decimals".into(),
                "a whole number from 0 to 7".into(),
            );
        }
    }
    asset.sep6_enabled = checked(get("sep6_enabled"));
    asset.sep24_enabled = checked(get("sep24_enabled"));
    operation(&mut asset.deposit, "deposit", v, &mut errors);
    operation(&mut asset.withdrawal, "withdrawal", v, &mut errors);
    (asset, errors)
}

fn checked(value: &str) -> bool {
    matches!(value, "on" | "true" | "1")
}

fn amount(
    v: &BTreeMap<String, String>,
    key: &str,
    errors: &mut BTreeMap<String, String>,
) -> Option<Decimal> {
    let text = v.get(key).map(String::as_str).unwrap_or("");
    if text.is_empty() {
        return None;
    }
    match text.parse::<Decimal>() {
        Ok(d) if d >= Decimal::ZERO => Some(d),
        _ => {
            errors.insert(key.into(), "a number, 0 or more".into());
            None
        }
    }
}

fn operation(
    op: &mut OperationConfig,
    side: &str,
    v: &BTreeMap<String, String>,
    errors: &mut BTreeMap<String, String>,
) {
    op.enabled = checked(
        v.get(&format!("{side}_enabled"))
            .map(String::as_str)
            .unwrap_or(""),
    );
    op.min_amount = amount(v, &format!("{side}_min_amount"), errors);
    op.max_amount = amount(v, &format!("{side}_max_amount"), errors);
    op.fee_fixed = amount(v, &format!("{side}_fee_fixed"), errors);
    op.fee_percent = amount(v, &format!("{side}_fee_percent"), errors);
    if let (Some(min), Some(max)) = (op.min_amount, op.max_amount) {
        if min > max {
            errors.insert(
                format!("{side}_max_amount"),
                "must not be below the minimum".into(),
            );
        }
    }
    if op.fee_percent.is_some_and(|p| p > Decimal::from(100)) {
        errors.insert(format!("{side}_fee_percent"), "at most 100".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn each_bad_value_is_reported_on_its_field() {
        let v = form(&[
            ("code", "TOO-LONG-CODE!"),
            ("issuer", "GNOPE"),
            ("significant_decimals", "9"),
            ("deposit_min_amount", "10"),
            ("deposit_max_amount", "5"),
            ("withdrawal_fee_percent", "101"),
            ("withdrawal_fee_fixed", "-1"),
        ]);
        let (_, errors) = parse(None, &v);
        let fields: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            vec![
                "code",
                "deposit_max_amount",
                "issuer",
                "significant_decimals",
                "withdrawal_fee_fixed",
                "withdrawal_fee_percent"
            ]
        );
    }

    #[test]
    fn an_edit_keeps_code_and_issuer_and_reads_the_flags() {
        let existing = Asset::new("SRT", "GISSUER");
        let v = form(&[
            ("code", "OTHER"),
            ("significant_decimals", "4"),
            ("deposit_enabled", "on"),
            ("deposit_fee_fixed", "1.5"),
        ]);
        let (a, errors) = parse(Some(existing), &v);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((a.code.as_str(), a.significant_decimals), ("SRT", 4));
        assert!(a.deposit.enabled && !a.withdrawal.enabled && !a.sep6_enabled);
        assert_eq!(a.deposit.fee_fixed, Some(Decimal::new(15, 1)));
        assert_eq!(form_values(&a)["deposit_fee_fixed"], "1.5");
    }
}
