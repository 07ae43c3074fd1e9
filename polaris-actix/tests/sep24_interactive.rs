//! The SEP-24 interactive pages with Polaris' default integrations: token gate, session
//! cookie, CSRF, the amount form, the live fee figures, more_info and static files.
#![allow(missing_docs)]

mod schema;
mod sep24_support;

use actix_web::cookie::SameSite;
use polaris_core::auth::InteractiveClaims;
use polaris_core::model::Status;
use polaris_core::testing::TestDatabase;
use rust_decimal::Decimal;
use sep24_support::*;
use serde_json::Value;

fn webapp(kind: &str, id: &str) -> String {
    format!("/sep24/transactions/{kind}/webapp?transaction_id={id}")
}

#[actix_web::test]
async fn deposit_amount_step_to_pending_user_transfer_start() {
    for db in TestDatabase::all() {
        let s = settings(&[]);
        let app = app_with(&db, &s, |b| b).await;
        let (id, uri) = start_usdc(&app, &s, "deposit").await;
        let (page, cookie) = open(&app, &uri).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Montant") && page.body.contains("value=\"100\""));
        assert!(page.body.contains("/polaris/static/polaris/polaris.css"));
        assert_eq!(cookie.same_site(), Some(SameSite::None));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.http_only(), Some(true));
        let token = csrf(&page.body);

        // The one-time token is spent; the session goes on.
        assert_eq!(get(&app, &uri, None).await.status, 403);
        assert_eq!(
            get(&app, &webapp("deposit", &id), Some(&cookie))
                .await
                .status,
            200
        );

        // No CSRF token: 403. Out of bounds, too many decimals: the form again, 400.
        let no_csrf = post(
            &app,
            "deposit",
            Some(&cookie),
            &[("transaction_id", &id), ("amount", "10")],
        )
        .await;
        assert_eq!(no_csrf.status, 403);
        assert!(no_csrf.body.contains("Le formulaire a expiré"));
        let form = |amount: &'static str| {
            [
                ("transaction_id", id.clone()),
                ("csrf_token", token.clone()),
                ("amount", amount.to_string()),
            ]
        };
        for (amount, message) in [
            ("5000", "Saisissez au plus 1000."),
            ("1.234", "au plus 2 décimales"),
            ("abc", "nombre valide"),
            ("", "obligatoire"),
        ] {
            let f = form(amount);
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let bad = post(&app, "deposit", Some(&cookie), &pairs).await;
            assert_eq!(bad.status, 400, "{amount}");
            assert!(bad.body.contains(message), "{amount}: {}", bad.body);
        }
        assert_eq!(stored(&db, &id).await.amount_in, None);

        // A good amount: the fee is computed, then the flow ends (no form left).
        let f = form("50");
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let ok = post(&app, "deposit", Some(&cookie), &pairs).await;
        assert_eq!(ok.status, 303);
        assert!(
            ok.location.starts_with(&webapp("deposit", &id)),
            "{}",
            ok.location
        );
        let next = get(&app, &ok.location, Some(&cookie)).await;
        assert_eq!(next.status, 303);
        assert!(next
            .location
            .starts_with(&format!("/sep24/transaction/more_info?id={id}&token=")));
        let tx = stored(&db, &id).await;
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        assert_eq!(tx.amount_in, Some(Decimal::new(50, 0)));
        // The start request suggested 100; the amount typed in the page is what is expected.
        assert_eq!(tx.amount_expected, Some(Decimal::new(50, 0)));
        assert_eq!(tx.amount_fee, Some(Decimal::new(150, 2)));
        assert_eq!(tx.amount_out, Some(Decimal::new(4850, 2)));

        // more_info: with its signed link and no cookie, with the session, never with neither.
        let info = get(&app, &next.location, None).await;
        assert_eq!(info.status, 200);
        assert!(
            info.body.contains("En attente de votre virement"),
            "{}",
            info.body
        );
        assert!(info.body.contains("48.50 USDC") && info.body.contains("1.50 USDC"));
        let bare = format!("/sep24/transaction/more_info?id={id}");
        assert_eq!(get(&app, &bare, Some(&cookie)).await.status, 200);
        assert_eq!(get(&app, &bare, None).await.status, 403);
        assert_eq!(
            get(&app, &format!("{bare}&token=forged"), None)
                .await
                .status,
            403
        );

        // Posting again after the end shows where the transaction is, and changes nothing.
        let again = post(&app, "deposit", Some(&cookie), &pairs).await;
        assert_eq!(again.status, 303);
        assert!(again.location.contains("more_info"));
        assert_eq!(stored(&db, &id).await.updated_at, tx.updated_at);
    }
}

#[actix_web::test]
async fn withdrawal_gets_the_distribution_account_and_a_hash_memo() {
    for db in TestDatabase::all() {
        let s = settings(&[]);
        let app = app_with(&db, &s, |b| b).await;
        let (id, uri) = start_usdc(&app, &s, "withdraw").await;
        let (page, cookie) = open(&app, &uri).await;
        let form = [
            ("transaction_id", id.as_str()),
            ("csrf_token", &csrf(&page.body)),
            ("amount", "20"),
        ];
        assert_eq!(
            post(&app, "withdraw", Some(&cookie), &form).await.status,
            303
        );
        let end = get(&app, &webapp("withdraw", &id), Some(&cookie)).await;
        assert_eq!(end.status, 303);
        let tx = stored(&db, &id).await;
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        let account = tx.receiving_anchor_account.clone().expect("account");
        let memo = tx.memo.clone().expect("memo");
        assert_eq!(memo.len(), 44);
        let info = get(&app, &end.location, None).await;
        assert!(info.body.contains(&account) && info.body.contains(&memo));
    }
}

#[actix_web::test]
async fn expired_forged_and_foreign_tokens_and_sessions_are_403() {
    for db in TestDatabase::all() {
        let s = settings(&[]);
        let app = app_with(&db, &s, |b| b).await;
        let (id1, uri1) = start_usdc(&app, &s, "deposit").await;
        let (id2, _) = start_usdc(&app, &s, "deposit").await;
        let (_, cookie1) = open(&app, &uri1).await;
        // Another transaction's session.
        assert_eq!(
            get(&app, &webapp("deposit", &id2), Some(&cookie1))
                .await
                .status,
            403
        );
        let more = format!("/sep24/transaction/more_info?id={id2}");
        assert_eq!(get(&app, &more, Some(&cookie1)).await.status, 403);
        let foreign = post(
            &app,
            "deposit",
            Some(&cookie1),
            &[("transaction_id", &id2), ("amount", "5")],
        )
        .await;
        assert_eq!(foreign.status, 403);
        // The session of a deposit does not open it as a withdrawal.
        assert_eq!(
            get(&app, &webapp("withdraw", &id1), Some(&cookie1))
                .await
                .status,
            403
        );
        // Expired, forged, or for another transaction.
        let iss = s.url("sep24/transactions/deposit/webapp");
        let old = InteractiveClaims::new(&s, &iss, &id2, "GX", None, 1_000_000)
            .encode(&s.jwt_key)
            .expect("enc");
        let uri = format!("{}&token={old}", webapp("deposit", &id2));
        let expired = get(&app, &uri, None).await;
        assert_eq!(expired.status, 403);
        assert!(expired.body.contains("invalid or has expired"));
        assert_eq!(
            get(
                &app,
                &format!("{}&token=garbage", webapp("deposit", &id1)),
                None
            )
            .await
            .status,
            403
        );
        let token1 = uri1
            .split("token=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        let swapped = format!("{}&token={token1}", webapp("deposit", &id2));
        assert_eq!(get(&app, &swapped, None).await.status, 403);
        // No session at all.
        assert_eq!(get(&app, &webapp("deposit", &id1), None).await.status, 403);
        assert_eq!(
            get(&app, "/sep24/transactions/deposit/webapp", None)
                .await
                .status,
            403
        );
    }
}

#[actix_web::test]
async fn local_mode_cookie_is_lax_and_not_secure() {
    let db = TestDatabase::sqlite();
    let s = settings(&[("LOCAL_MODE", "true")]);
    let app = app_with(&db, &s, |b| b).await;
    let (_, uri) = start_usdc(&app, &s, "deposit").await;
    let (_, cookie) = open(&app, &uri).await;
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_ne!(cookie.secure(), Some(true));
}

#[actix_web::test]
async fn live_fee_figures_follow_the_session_and_additive_fees() {
    for (additive, amount_in, amount_out) in
        [("false", "100.00", "98.00"), ("true", "102.00", "100.00")]
    {
        let db = TestDatabase::sqlite();
        let s = settings(&[("ADDITIVE_FEES_ENABLED", additive)]);
        let app = app_with(&db, &s, |b| b).await;
        let (id, uri) = start_usdc(&app, &s, "deposit").await;
        let (page, cookie) = open(&app, &uri).await;
        assert!(page.body.contains("id=\"polaris-fees\""));
        let fee = format!("/sep24/transactions/deposit/webapp/fee?transaction_id={id}&amount=100");
        let figures = get(&app, &fee, Some(&cookie)).await;
        assert_eq!(figures.status, 200, "{}", figures.body);
        let v: Value = serde_json::from_str(&figures.body).unwrap();
        assert_eq!(
            (
                v["amount_in"].as_str(),
                v["amount_fee"].as_str(),
                v["amount_out"].as_str()
            ),
            (Some(amount_in), Some("2.00"), Some(amount_out))
        );
        assert_eq!(get(&app, &fee, None).await.status, 403);
        let bad = format!("/sep24/transactions/deposit/webapp/fee?transaction_id={id}&amount=-1");
        assert_eq!(get(&app, &bad, Some(&cookie)).await.status, 400);
    }
}

#[actix_web::test]
async fn static_files_have_types_validators_and_no_escape() {
    let db = TestDatabase::sqlite();
    let s = settings(&[]);
    let app = app_with(&db, &s, |b| b).await;
    let css = get(&app, "/polaris/static/polaris/polaris.css", None).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.headers.get("content-type").unwrap(), "text/css");
    assert!(css
        .headers
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("max-age"));
    let etag = css
        .headers
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let req = actix_web::test::TestRequest::get()
        .uri("/polaris/static/polaris/polaris.css")
        .insert_header(("If-None-Match", etag.as_str()))
        .to_request();
    let resp = actix_web::test::call_service(&app, req).await;
    assert_eq!(resp.status().as_u16(), 304);
    for missing in [
        "/polaris/static/nope.css",
        "/polaris/static/../Cargo.toml",
        "/polaris/static/%2e%2e/Cargo.toml",
    ] {
        assert_eq!(get(&app, missing, None).await.status, 404, "{missing}");
    }
}

#[actix_web::test]
async fn assets_dir_replaces_a_template_and_adds_a_language() {
    let dir = std::env::temp_dir().join(format!("polaris-assets-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("templates/sep24")).unwrap();
    std::fs::create_dir_all(dir.join("locales")).unwrap();
    std::fs::write(
        dir.join("templates/sep24/deposit.html"),
        "{% extends \"sep24/base.html\" %}{% block content %}<p id=\"own\">{{ t.amount }}</p>{% include \"sep24/form.html\" %}{% endblock content %}",
    )
    .unwrap();
    std::fs::write(dir.join("locales/de.toml"), "amount = \"Betrag\"\n").unwrap();
    let db = TestDatabase::sqlite();
    let s = settings(&[("ASSETS_DIR", dir.to_str().unwrap())]);
    let app = app_with(&db, &s, |b| b).await;
    let (_, uri) = start(
        &app,
        &s,
        "deposit",
        serde_json::json!({"asset_code": "USDC", "lang": "de"}),
    )
    .await;
    let (page, _) = open(&app, &uri).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<p id=\"own\">Betrag</p>"),
        "{}",
        page.body
    );
    std::fs::remove_dir_all(dir).unwrap();
}
