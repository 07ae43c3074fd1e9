//! The schema helper itself: every file in `schemas/` compiles and names itself by its path,
//! bodies that follow the SEP texts validate, and a deliberately broken field is caught.

mod schema;

use schema::{assert_valid, errors, schema_for, Answered};
use serde_json::{json, Value};

const ISSUER: &str = "GCZJM35NKGVK47BB4SPBDV25477PZYIYPVVG453LPYFNXLS3FGHDXOCM";

#[test]
fn every_schema_file_compiles_under_draft_2020_12_and_has_its_path_as_id() {
    let files = schema::files();
    assert!(files.len() >= 18, "{}", files.len());
    for (name, value) in files {
        assert_eq!(
            value["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(value["$id"], format!("{}{name}", schema::BASE), "{name}");
        jsonschema::meta::validate(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        schema::validator(&name).unwrap_or_else(|e| panic!("{e}"));
    }
}

fn sep24_info(min_amount: Value) -> Value {
    json!({
        "deposit": { "USDC": { "enabled": true, "min_amount": min_amount, "fee_fixed": 1 } },
        "withdraw": { "USDC": { "enabled": false } },
        "fee": { "enabled": true },
        "features": { "account_creation": true, "claimable_balances": false }
    })
}

#[test]
fn a_spec_example_validates_and_a_string_amount_in_sep24_info_is_caught() {
    assert_valid("sep24/info.json", &sep24_info(json!(0.1)));
    let errors = errors("sep24/info.json", &sep24_info(json!("0.1")));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("/deposit/USDC/min_amount"), "{errors:?}");
}

#[test]
#[should_panic(expected = "min_amount")]
fn assert_valid_panics_and_names_the_broken_field() {
    assert_valid("sep24/info.json", &sep24_info(json!("10000")));
}

fn sep24_transaction() -> Value {
    json!({
        "id": "82fhs729f63dh0v4",
        "kind": "deposit",
        "status": "completed",
        "more_info_url": "https://anchor.example.com/tx/1",
        "amount_in": "18.34",
        "amount_out": "18.24",
        "amount_fee": "0.1",
        "fee_details": { "total": "0.1", "asset": format!("stellar:USDC:{ISSUER}") },
        "started_at": "2017-03-20T17:05:32Z",
        "completed_at": "2017-03-20T17:09:58Z",
        "stellar_transaction_id": "b9d0b2292c4e09e8eb22d036171491e87b8d2086bf8b265874c8d182cb9c9020",
        "to": ISSUER
    })
}

#[test]
fn sep24_transaction_objects_need_fee_details_a_known_status_string_amounts_and_dates() {
    assert_valid(
        "sep24/transaction.json",
        &json!({ "transaction": sep24_transaction() }),
    );
    let mut tx = sep24_transaction();
    tx.as_object_mut().unwrap().remove("fee_details");
    tx["status"] = json!("finished");
    tx["amount_in"] = json!(18.34);
    tx["started_at"] = json!("yesterday");
    let errors = errors("sep24/transactions.json", &json!({ "transactions": [tx] }));
    assert_eq!(errors.len(), 4, "{errors:?}");
    for field in ["fee_details", "/status", "/amount_in", "/started_at"] {
        assert!(
            errors.iter().any(|e| e.contains(field)),
            "{field}: {errors:?}"
        );
    }
}

#[test]
fn sep6_deposit_variants_and_an_empty_how() {
    let success =
        json!({ "id": "1", "how": "Wire to bank 121122676", "eta": 60, "fee_fixed": 0.5 });
    assert_valid("sep6/deposit.json#/$defs/success", &success);
    assert_valid(
        "sep6/deposit.json",
        &json!({ "type": "non_interactive_customer_info_needed", "fields": ["family_name"] }),
    );
    assert_valid(
        "sep6/deposit.json",
        &json!({ "type": "customer_info_status", "status": "denied" }),
    );
    assert_valid(
        "sep6/deposit.json",
        &json!({ "type": "authentication_required" }),
    );
    assert!(!errors(
        "sep6/deposit.json#/$defs/success",
        &json!({ "id": "1", "how": "" })
    )
    .is_empty());
    assert!(!errors(
        "sep6/deposit.json",
        &json!({ "type": "customer_info_status", "status": "ok" })
    )
    .is_empty());
}

#[test]
fn sep12_needs_info_requires_fields_and_rejected_a_message() {
    assert_valid(
        "sep12/customer.json",
        &json!({ "status": "NEEDS_INFO", "fields": {
            "first_name": { "type": "string", "description": "First name" } } }),
    );
    assert!(!errors("sep12/customer.json", &json!({ "status": "NEEDS_INFO" })).is_empty());
    assert!(!errors("sep12/customer.json", &json!({ "status": "REJECTED" })).is_empty());
    assert!(!errors("sep12/customer.json", &json!({ "status": "accepted" })).is_empty());
}

#[test]
fn error_bodies_need_an_error_string() {
    assert_valid("common/error.json", &json!({ "error": "no such asset" }));
    assert!(!errors("common/error.json", &json!({ "message": "no such asset" })).is_empty());
    assert!(!errors("common/error.json", &Value::Null).is_empty());
}

fn answered(method: &'static str, route: &'static str, status: u16) -> Answered<'static> {
    Answered {
        method,
        route,
        status,
    }
}

#[test]
fn each_route_and_status_has_its_schema() {
    let cases = [
        (answered("GET", "/sep24/info", 200), Some("sep24/info.json")),
        (
            answered("GET", "/sep24/info", 400),
            Some("common/error.json#/$defs/transfer_error"),
        ),
        (
            answered("GET", "/sep6/deposit", 200),
            Some("sep6/deposit.json#/$defs/success"),
        ),
        (
            answered("GET", "/sep6/deposit", 403),
            Some("sep6/deposit.json"),
        ),
        (
            answered("PATCH", "/sep6/transactions/{id}", 200),
            Some("sep6/transaction.json"),
        ),
        (answered("POST", "/auth", 200), Some("sep10/token.json")),
        (answered("POST", "/auth", 400), Some("common/error.json")),
        (
            answered("PUT", "/kyc/customer", 202),
            Some("sep12/put_customer.json"),
        ),
        (answered("DELETE", "/kyc/customer/{account}", 200), None),
        (
            answered("DELETE", "/kyc/customer/{account}", 404),
            Some("common/error.json"),
        ),
        (
            answered("GET", "/sep24/transactions/deposit/webapp", 200),
            None,
        ),
        (answered("GET", "/protected", 200), None),
    ];
    for (a, expected) in cases {
        assert_eq!(schema_for(a).as_deref(), expected, "{a:?}");
    }
}

#[test]
#[should_panic(expected = "no schema for GET /sep6/quote in schemas/routes.json")]
fn a_sep_route_without_a_schema_is_refused() {
    schema_for(answered("GET", "/sep6/quote", 200));
}

fn stellar_toml(name: &str) -> Value {
    json!({
        "VERSION": "2.7.0",
        "NETWORK_PASSPHRASE": "Test SDF Network ; September 2015",
        "SIGNING_KEY": ISSUER,
        "WEB_AUTH_ENDPOINT": "https://anchor.example.com/auth",
        "TRANSFER_SERVER_SEP0024": "http://localhost:8000/sep24",
        "DOCUMENTATION": { "ORG_NAME": "Anchor", "ORG_PHONE_NUMBER": "+14155552671" },
        "CURRENCIES": [
            { "code": "USDC", "issuer": ISSUER, "display_decimals": 2, "name": name, "status": "test" },
            { "toml": "https://anchor.example.com/.well-known/USDC.toml" }
        ]
    })
}

#[test]
fn sep1_limits_are_enforced() {
    assert_valid("sep1/stellar_toml.json", &stellar_toml("USD Coin"));
    let long = errors(
        "sep1/stellar_toml.json",
        &stellar_toml("Stellar Reference Token"),
    );
    assert!(
        long.iter().any(|e| e.contains("/CURRENCIES/0/name")),
        "{long:?}"
    );
    let mut toml = stellar_toml("USD Coin");
    toml["TRANSFER_SERVER"] = json!("http://anchor.example.com/sep6");
    toml["CURRENCIES"][0]["code"] = json!("THIRTEENCHARS");
    toml["CURRENCIES"][0]["display_decimals"] = json!(8);
    let errors = errors("sep1/stellar_toml.json", &toml);
    for field in [
        "/TRANSFER_SERVER",
        "/CURRENCIES/0/code",
        "/CURRENCIES/0/display_decimals",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(field)),
            "{field}: {errors:?}"
        );
    }
}

#[test]
fn every_schema_named_in_routes_json_exists() {
    let text = std::fs::read_to_string(schema::dir().join("routes.json")).expect("routes.json");
    let routes: Value = serde_json::from_str(&text).expect("JSON");
    let mut names = Vec::new();
    for table in ["success", "errors", "error_by_prefix"] {
        let table = routes[table].as_object().expect(table);
        names.extend(
            table
                .values()
                .map(|v| v.as_str().expect("a name").to_string()),
        );
    }
    assert!(names.len() >= 24, "{names:?}");
    assert!(schema::validator("sep6/deposit.json#/$defs/nope").is_err());
    for name in names {
        schema::validator(&name).unwrap_or_else(|e| panic!("{e}"));
    }
}

fn sep38_quote() -> Value {
    json!({
        "id": "de762cda-a193-4961-861e-57b31fed6eb3",
        "expires_at": "2021-04-30T07:42:23Z",
        "total_price": "5.42",
        "price": "5.00",
        "sell_asset": "iso4217:BRL",
        "sell_amount": "542",
        "buy_asset": format!("stellar:USDC:{ISSUER}"),
        "buy_amount": "100",
        "fee": { "total": "42.00", "asset": "iso4217:BRL",
                 "details": [{ "name": "PIX fee", "amount": "12.00" },
                             { "name": "Service fee", "amount": "30.00" }] }
    })
}

#[test]
fn sep38_quotes_need_string_prices_and_a_fee_with_its_asset() {
    assert_valid("sep38/quote.json", &sep38_quote());
    let mut quote = sep38_quote();
    quote["price"] = json!(5.0);
    quote["sell_asset"] = json!("BRL");
    quote["fee"].as_object_mut().unwrap().remove("asset");
    let broken = errors("sep38/quote.json", &quote);
    for field in ["/price", "/sell_asset", "asset"] {
        assert!(
            broken.iter().any(|e| e.contains(field)),
            "{field}: {broken:?}"
        );
    }
    assert!(!errors(
        "sep38/prices.json",
        &json!({ "buy_assets": [], "sell_assets": [] })
    )
    .is_empty());
    assert!(!errors(
        "sep38/info.json",
        &json!({ "assets": [{ "asset": format!("stellar:USDC:{ISSUER}"), "country_codes": ["US"] }] })
    )
    .is_empty());
}
