//! The SEP-24 interactive hooks: an anchor's own forms after the amount, a content page
//! without a form, a rejected form, an external app ending at `/interactive/complete`,
//! the wallet's callbacks, scripts and the icon.
#![allow(missing_docs)]

mod schema;
mod sep24_support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use polaris_core::forms::{Field, Form};
use polaris_core::integrations::{
    default_form, ContentRequest, IntegrationError, InteractiveIntegration, InteractiveRequest,
    PageContent, ScriptsIntegration, ScriptsRequest, Template, ValidatedForm,
};
use polaris_core::model::Status;
use polaris_core::testing::{ExternalApp, TestDatabase};
use sep24_support::*;

/// What the two-step integration stored per transaction: (first name, photo size).
type Kyc = Arc<Mutex<HashMap<String, (String, usize)>>>;

/// Amount, then a KYC form with a photo, then done.
struct TwoStep(Kyc);

#[async_trait]
impl InteractiveIntegration for TwoStep {
    async fn form_for_transaction(
        &self,
        request: &InteractiveRequest<'_>,
    ) -> Result<Option<Form>, IntegrationError> {
        if let Some(amount) = default_form(request) {
            return Ok(Some(amount));
        }
        let transaction = request.transaction;
        if self
            .0
            .lock()
            .unwrap()
            .contains_key(&transaction.id.to_string())
        {
            return Ok(None);
        }
        Ok(Some(
            Form::new("kyc")
                .field(Field::text("first_name", "First name").required())
                .field(Field::checkbox("terms", "I accept the terms").required())
                .field(Field::file("photo", "Photo of your ID").required()),
        ))
    }

    async fn content_for_template(
        &self,
        request: &ContentRequest<'_>,
    ) -> Result<Option<PageContent>, IntegrationError> {
        let guidance = match (request.template, request.form.map(Form::id)) {
            (Template::Deposit, Some("kyc")) => "Tell us who you are",
            (Template::Deposit, Some(_)) => "How much do you deposit?",
            _ => return Ok(None),
        };
        Ok(Some(PageContent {
            guidance: Some(guidance.into()),
            ..PageContent::default()
        }))
    }

    async fn after_form_validation(
        &self,
        request: &ValidatedForm<'_>,
    ) -> Result<(), IntegrationError> {
        let (form, transaction) = (request.form, request.interactive.transaction);
        if form.id() != "kyc" {
            assert!(
                transaction.amount_in.is_some(),
                "amounts are filled before the hook"
            );
            return Ok(());
        }
        let name = form.value("first_name").unwrap_or_default().to_string();
        if name == "Mallory" {
            return Err(IntegrationError::rejected("We cannot serve Mallory"));
        }
        let photo = form.file("photo").map(|f| f.data.len()).unwrap_or_default();
        self.0
            .lock()
            .unwrap()
            .insert(transaction.id.to_string(), (name, photo));
        Ok(())
    }
}

#[actix_web::test]
async fn amount_then_kyc_with_a_file_then_pending_user_transfer_start() {
    for db in TestDatabase::all() {
        let kyc = Kyc::default();
        let s = settings(&[]);
        let app = app_with(&db, &s, |b| b.interactive(TwoStep(kyc.clone()))).await;
        let (id, uri) = start_usdc(&app, &s, "deposit").await;
        let (page, cookie) = open(&app, &uri).await;
        assert!(page.body.contains("How much do you deposit?"));
        let token = csrf(&page.body);
        let amount = [
            ("transaction_id", id.as_str()),
            ("csrf_token", &token),
            ("amount", "25"),
        ];
        let next = post(&app, "deposit", Some(&cookie), &amount).await;
        assert_eq!(next.status, 303);

        let kyc_page = get(&app, &next.location, Some(&cookie)).await;
        assert_eq!(kyc_page.status, 200);
        assert!(kyc_page.body.contains("Tell us who you are"));
        assert!(kyc_page.body.contains("enctype=\"multipart/form-data\""));
        assert!(kyc_page.body.contains("name=\"first_name\""));
        assert_eq!(stored(&db, &id).await.status, Status::Incomplete);

        // Missing fields, then a refusal from the anchor: the form again with the messages.
        let missing = post(
            &app,
            "deposit",
            Some(&cookie),
            &[("transaction_id", &id), ("csrf_token", &token)],
        )
        .await;
        assert_eq!(missing.status, 400);
        assert_eq!(
            missing.body.matches("Ce champ est obligatoire.").count(),
            3,
            "{}",
            missing.body
        );
        let base = [
            ("transaction_id", id.as_str()),
            ("csrf_token", token.as_str()),
            ("terms", "on"),
        ];
        let mut refused = base.to_vec();
        refused.push(("first_name", "Mallory"));
        let refused = post_multipart(
            &app,
            "deposit",
            &cookie,
            &refused,
            ("photo", "id.png", b"PNG"),
        )
        .await;
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains("We cannot serve Mallory"));
        assert!(kyc.lock().unwrap().is_empty());

        let mut good = base.to_vec();
        good.push(("first_name", "Ada"));
        let done = post_multipart(
            &app,
            "deposit",
            &cookie,
            &good,
            ("photo", "id.png", &[7u8; 2048]),
        )
        .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(
            kyc.lock().unwrap().get(&id),
            Some(&("Ada".to_string(), 2048))
        );
        let end = get(&app, &done.location, Some(&cookie)).await;
        assert_eq!(end.status, 303);
        assert!(end.location.contains("more_info"));
        let tx = stored(&db, &id).await;
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        assert_eq!(tx.amount_in, Some(rust_decimal::Decimal::new(25, 0)));
        assert_eq!(tx.amount_expected, Some(rust_decimal::Decimal::new(25, 0)));
    }
}

#[actix_web::test]
async fn an_external_app_ends_at_interactive_complete() {
    for db in TestDatabase::all() {
        let s = settings(&[]);
        let app = app_with(&db, &s, |b| {
            b.interactive(ExternalApp {
                done: true,
                amount: None,
            })
        })
        .await;
        let (id, uri) = start_usdc(&app, &s, "withdraw").await;
        let uri = format!("{uri}&callback=postMessage");
        let (away, cookie) = open(&app, &uri).await;
        assert_eq!(away.status, 303);
        assert_eq!(
            away.location,
            format!("https://kyc.example.com/start?tx={id}")
        );
        assert_eq!(stored(&db, &id).await.status, Status::Incomplete);

        let complete = format!("/sep24/transactions/withdraw/interactive/complete?transaction_id={id}&callback=postMessage");
        assert_eq!(get(&app, &complete, None).await.status, 403);
        let done = get(&app, &complete, Some(&cookie)).await;
        assert_eq!(done.status, 303);
        let tx = stored(&db, &id).await;
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        assert!(tx.memo.is_some() && tx.receiving_anchor_account.is_some());
        let info = get(&app, &done.location, None).await;
        assert_eq!(info.status, 200);
        assert!(
            info.body.contains("data-callback=\"postMessage\""),
            "{}",
            info.body
        );
        assert!(info.body.contains(&id));
        // Completing twice changes nothing.
        let again = get(&app, &complete, Some(&cookie)).await;
        assert_eq!(again.status, 303);
        assert_eq!(stored(&db, &id).await.updated_at, tx.updated_at);
    }
}

/// Waits for a guidance step: no form until `confirmed` is set.
struct ConfirmEmail(Arc<Mutex<bool>>);

#[async_trait]
impl InteractiveIntegration for ConfirmEmail {
    async fn form_for_transaction(
        &self,
        _request: &InteractiveRequest<'_>,
    ) -> Result<Option<Form>, IntegrationError> {
        Ok(None)
    }

    async fn content_for_template(
        &self,
        request: &ContentRequest<'_>,
    ) -> Result<Option<PageContent>, IntegrationError> {
        if request.template == Template::MoreInfo || *self.0.lock().unwrap() {
            return Ok(None);
        }
        Ok(Some(PageContent {
            title: Some("Check your inbox".into()),
            guidance: Some("Confirm your email, then reload this page.".into()),
            icon_label: Some("Mail".into()),
            icon_path: Some("https://anchor.example.com/mail.svg".into()),
            ..PageContent::default()
        }))
    }
}

struct Analytics;

#[async_trait]
impl ScriptsIntegration for Analytics {
    async fn scripts(&self, page: &ScriptsRequest<'_>) -> Result<Vec<String>, IntegrationError> {
        let script = format!(
            "<script>window.anchorAnalytics = {:?};</script>",
            page.template.file()
        );
        Ok(vec![script])
    }
}

#[actix_web::test]
async fn content_without_a_form_waits_and_scripts_are_placed() {
    let db = TestDatabase::sqlite();
    let confirmed = Arc::new(Mutex::new(false));
    let s = settings(&[]);
    let flag = confirmed.clone();
    let app = app_with(&db, &s, move |b| {
        b.interactive(ConfirmEmail(flag)).scripts(Analytics)
    })
    .await;
    let (id, uri) = start_usdc(&app, &s, "deposit").await;
    let (page, cookie) = open(&app, &uri).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Check your inbox") && page.body.contains("reload this page"));
    assert!(page
        .body
        .contains("src=\"https://anchor.example.com/mail.svg\" alt=\"Mail\""));
    assert!(!page.body.contains("<form"));
    // The hook is told which page it serves.
    let script = "<script>window.anchorAnalytics = \"sep24/deposit.html\";</script>";
    assert!(page.body.contains(script), "{}", page.body);
    assert_eq!(stored(&db, &id).await.status, Status::Incomplete);
    *confirmed.lock().unwrap() = true;
    let end = get(
        &app,
        &format!("/sep24/transactions/deposit/webapp?transaction_id={id}"),
        Some(&cookie),
    )
    .await;
    assert_eq!(end.status, 303);
    assert_eq!(
        stored(&db, &id).await.status,
        Status::PendingUserTransferStart
    );
}

#[actix_web::test]
async fn the_icon_falls_back_to_the_toml_org_logo_then_to_polaris() {
    let db = TestDatabase::sqlite();
    let s = settings(&[]);
    let toml = "[DOCUMENTATION]\nORG_LOGO = \"https://anchor.example.com/org.png\"\n";
    let app = app_with(&db, &s, |b| b.static_toml(toml)).await;
    let (_, uri) = start_usdc(&app, &s, "deposit").await;
    assert!(open(&app, &uri)
        .await
        .0
        .body
        .contains("src=\"https://anchor.example.com/org.png\""));
    let db = TestDatabase::sqlite();
    let app = app_with(&db, &s, |b| b).await;
    let (_, uri) = start_usdc(&app, &s, "deposit").await;
    assert!(open(&app, &uri)
        .await
        .0
        .body
        .contains("/polaris/static/polaris/logo.svg"));
}

/// Accepts one HTTP request on a loopback port and hands it back as text.
fn one_request_server() -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap_or(0);
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= len {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
            .unwrap();
        tx.send(String::from_utf8_lossy(&data).to_string()).unwrap();
    });
    (url, rx)
}

#[actix_web::test]
async fn a_url_callback_receives_the_signed_transaction() {
    use base64::Engine;
    let db = TestDatabase::sqlite();
    let s = settings(&[("LOCAL_MODE", "true")]);
    let app = app_with(&db, &s, |b| b).await;
    let (url, received) = one_request_server();
    let (id, uri) = start_usdc(&app, &s, "deposit").await;
    let encoded: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
    let (page, cookie) = open(&app, &format!("{uri}&callback={encoded}")).await;
    assert!(
        page.body
            .contains(&format!("name=\"callback\" value=\"{}", url)),
        "{}",
        page.body
    );
    let form = [
        ("transaction_id", id.as_str()),
        ("csrf_token", &csrf(&page.body)),
        ("amount", "10"),
        ("callback", url.as_str()),
    ];
    let next = post(&app, "deposit", Some(&cookie), &form).await;
    assert!(next.location.contains("callback="), "{}", next.location);
    assert_eq!(get(&app, &next.location, Some(&cookie)).await.status, 303);
    // The end of the flow waits in the callback outbox for `deliver-callbacks`.
    let mut ctx = polaris_core::testing::context(&db.store, Default::default());
    ctx.settings = std::sync::Arc::new(s.clone());
    let worker = polaris_core::processors::Worker::new();
    let sent = polaris_core::processors::callbacks::run_once(&ctx, &worker)
        .await
        .unwrap();
    assert_eq!(sent.delivered, 1, "{sent:?}");

    let raw = tokio::task::spawn_blocking(move || {
        received.recv_timeout(std::time::Duration::from_secs(10))
    })
    .await
    .unwrap()
    .expect("the callback arrives");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("POST /callback"));
    let signature = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("signature: ")
                .or_else(|| l.strip_prefix("Signature: "))
        })
        .expect("Signature header");
    let (t, sig) = signature.split_once(", s=").unwrap();
    let t = t.trim_start_matches("t=");
    let host = url.trim_start_matches("http://").split('/').next().unwrap();
    let payload = format!("{t}.{host}.{body}");
    let sig = base64::engine::general_purpose::STANDARD
        .decode(sig)
        .unwrap();
    assert!(polaris_core::stellar::keys::verify(
        &s.signing_key.public_key_bytes(),
        payload.as_bytes(),
        &sig
    ));
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["transaction"]["id"], id.as_str());
    assert_eq!(v["transaction"]["status"], "pending_user_transfer_start");
}
