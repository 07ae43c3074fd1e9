//! Horizon's JSON fields for each operation type.

use base64::Engine as _;
use serde_json::{json, Map, Value};
use stellar_base::xdr;

use polaris_core::stellar::amount::format_stroops;
use polaris_core::stellar::asset::account_id_string;
use polaris_core::stellar::envelope::muxed_address;
use polaris_core::stellar::{Address, Asset};

/// Horizon's name, `type_i`, fields and participants of an operation whose source is `source`.
pub struct Described {
    /// `type`.
    pub type_name: &'static str,
    /// `type_i`.
    pub type_i: i32,
    /// Type-specific fields.
    pub details: Value,
    /// Accounts touched besides the source.
    pub others: Vec<String>,
}

fn asset_fields(map: &mut Map<String, Value>, prefix: &str, asset: &xdr::Asset) {
    let Some(a) = Asset::from_xdr(asset) else {
        return;
    };
    map.insert(format!("{prefix}asset_type"), json!(a.asset_type()));
    if let (Some(code), Some(issuer)) = (a.code(), a.issuer()) {
        map.insert(format!("{prefix}asset_code"), json!(code));
        map.insert(format!("{prefix}asset_issuer"), json!(issuer));
    }
}

fn account_fields(map: &mut Map<String, Value>, name: &str, address: &Address) {
    map.insert(name.into(), json!(address.account_id()));
    if let Some(id) = address.muxed_id() {
        map.insert(format!("{name}_muxed"), json!(address.to_string()));
        map.insert(format!("{name}_muxed_id"), json!(id.to_string()));
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Describes an operation as Horizon's `/operations` and `/payments` do.
pub fn describe(body: &xdr::OperationBody, source: &Address) -> Described {
    use xdr::OperationBody as B;
    let mut m = Map::new();
    let mut others = Vec::new();
    let (type_name, type_i) = match body {
        B::CreateAccount(op) => {
            let dest = account_id_string(&op.destination);
            m = obj(
                json!({"starting_balance": format_stroops(op.starting_balance), "account": dest}),
            );
            account_fields(&mut m, "funder", source);
            others.push(dest);
            ("create_account", 0)
        }
        B::Payment(op) => {
            let to = muxed_address(&op.destination);
            payment_fields(&mut m, source, &to, &op.asset, op.amount);
            others.push(to.account_id());
            ("payment", 1)
        }
        B::PathPaymentStrictReceive(op) => {
            let to = muxed_address(&op.destination);
            payment_fields(&mut m, source, &to, &op.dest_asset, op.dest_amount);
            asset_fields(&mut m, "source_", &op.send_asset);
            m.insert(
                "source_amount".into(),
                json!(format_stroops(op.dest_amount)),
            );
            m.insert("source_max".into(), json!(format_stroops(op.send_max)));
            m.insert("path".into(), json!([]));
            others.push(to.account_id());
            ("path_payment_strict_receive", 2)
        }
        B::PathPaymentStrictSend(op) => {
            let to = muxed_address(&op.destination);
            payment_fields(&mut m, source, &to, &op.dest_asset, op.send_amount);
            asset_fields(&mut m, "source_", &op.send_asset);
            m.insert(
                "source_amount".into(),
                json!(format_stroops(op.send_amount)),
            );
            m.insert("destination_min".into(), json!(format_stroops(op.dest_min)));
            m.insert("path".into(), json!([]));
            others.push(to.account_id());
            ("path_payment_strict_send", 13)
        }
        B::SetOptions(op) => {
            set_options_fields(&mut m, op);
            ("set_options", 5)
        }
        B::ChangeTrust(op) => {
            change_trust_fields(&mut m, source, op);
            ("change_trust", 6)
        }
        B::ManageData(op) => {
            let value = op
                .data_value
                .as_ref()
                .map(|v| base64::engine::general_purpose::STANDARD.encode(v.0.as_slice()));
            m = obj(
                json!({"name": String::from_utf8_lossy(op.data_name.as_slice()), "value": value.unwrap_or_default()}),
            );
            ("manage_data", 10)
        }
        B::BumpSequence(op) => {
            m = obj(json!({"bump_to": op.bump_to.0.to_string()}));
            ("bump_sequence", 11)
        }
        B::CreateClaimableBalance(op) => {
            let claimants: Vec<Value> = op
                .claimants
                .iter()
                .map(|xdr::Claimant::ClaimantTypeV0(c)| {
                    others.push(account_id_string(&c.destination));
                    json!({"destination": account_id_string(&c.destination), "predicate": {"unconditional": true}})
                })
                .collect();
            let asset = Asset::from_xdr(&op.asset)
                .map(|a| a.to_string())
                .unwrap_or_default();
            m = obj(
                json!({"asset": asset, "amount": format_stroops(op.amount), "claimants": claimants}),
            );
            ("create_claimable_balance", 14)
        }
        B::ClaimClaimableBalance(op) => {
            let xdr::ClaimableBalanceId::ClaimableBalanceIdTypeV0(h) = &op.balance_id;
            m = obj(
                json!({"balance_id": format!("00000000{}", hex::encode(h.0)), "claimant": source.account_id()}),
            );
            ("claim_claimable_balance", 15)
        }
        B::SetTrustLineFlags(op) => {
            asset_fields(&mut m, "", &op.asset);
            let trustor = account_id_string(&op.trustor);
            m.insert("trustor".into(), json!(trustor));
            others.push(trustor);
            ("set_trust_line_flags", 21)
        }
        B::AccountMerge(_) => ("account_merge", 8),
        _ => ("unsupported", 99),
    };
    Described {
        type_name,
        type_i,
        details: Value::Object(m),
        others,
    }
}

fn payment_fields(
    m: &mut Map<String, Value>,
    from: &Address,
    to: &Address,
    asset: &xdr::Asset,
    amount: i64,
) {
    asset_fields(m, "", asset);
    account_fields(m, "from", from);
    account_fields(m, "to", to);
    m.insert("amount".into(), json!(format_stroops(amount)));
}

fn change_trust_fields(m: &mut Map<String, Value>, source: &Address, op: &xdr::ChangeTrustOp) {
    let asset = match &op.line {
        xdr::ChangeTrustAsset::CreditAlphanum4(a) => xdr::Asset::CreditAlphanum4(a.clone()),
        xdr::ChangeTrustAsset::CreditAlphanum12(a) => xdr::Asset::CreditAlphanum12(a.clone()),
        _ => xdr::Asset::Native,
    };
    asset_fields(m, "", &asset);
    if let Some(issuer) = Asset::from_xdr(&asset).and_then(|a| a.issuer().map(String::from)) {
        m.insert("trustee".into(), json!(issuer));
    }
    m.insert("limit".into(), json!(format_stroops(op.limit)));
    account_fields(m, "trustor", source);
}

fn set_options_fields(m: &mut Map<String, Value>, op: &xdr::SetOptionsOp) {
    let mut put = |k: &str, v: Option<u32>| {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    };
    put("master_key_weight", op.master_weight);
    put("low_threshold", op.low_threshold);
    put("med_threshold", op.med_threshold);
    put("high_threshold", op.high_threshold);
    put("set_flags_i", op.set_flags);
    put("clear_flags_i", op.clear_flags);
    if let Some(d) = &op.home_domain {
        m.insert(
            "home_domain".into(),
            json!(String::from_utf8_lossy(d.0.as_slice())),
        );
    }
    if let Some(xdr::Signer {
        key: xdr::SignerKey::Ed25519(k),
        weight,
    }) = &op.signer
    {
        m.insert(
            "signer_key".into(),
            json!(stellar_strkey::ed25519::PublicKey(k.0).to_string()),
        );
        m.insert("signer_weight".into(), json!(weight));
    }
}
