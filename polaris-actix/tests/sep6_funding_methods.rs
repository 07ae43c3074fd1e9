//! SEP-6 funding methods declared per asset: listed by `/info` (with the deprecated deposit
//! `fields` and withdraw `types`), and enforced on `/deposit`, `/withdraw` and `/fee`.

mod schema;

use std::sync::{Arc, Mutex};

use actix_web::{test, web, App};
use async_trait::async_trait;
use polaris_core::integrations::{
    IntegrationError, Integrations, Sep6Integration, Sep6Request, Sep6Response,
};
use polaris_core::model::{Asset, FieldSpec, FundingMethod};
use polaris_core::stellar::KeyPair;
use polaris_core::testing::{context, store_asset, TestDatabase};
use serde_json::{json, Value};

/// Accepts every request and remembers the funding method it was given.
#[derive(Clone, Default)]
struct Bank(Arc<Mutex<Vec<Option<String>>>>);

impl Bank {
    fn accept(&self, request: &Sep6Request<'_>) -> Result<Sep6Response, IntegrationError> {
        let method = request.funding_method.map(str::to_string);
        self.0.lock().unwrap().push(method);
        Ok(Sep6Response::Success {
            how: Some("wire to bank 1".into()),
            instructions: None,
            extra_info: None,
            eta: None,
        })
    }
}

#[async_trait]
impl Sep6Integration for Bank {
    async fn process_deposit(
        &self,
        request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        self.accept(request)
    }

    async fn process_withdrawal(
        &self,
        request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        self.accept(request)
    }
}

fn asset() -> Asset {
    let mut a = Asset::new("SRT", KeyPair::random().public_key());
    a.distribution_seed = Some(KeyPair::random().seed());
    a.deposit.funding_methods = vec![FundingMethod::new("WIRE")];
    a.withdrawal.funding_methods = vec![
        FundingMethod::new("bank_account")
            .field("dest", FieldSpec::required("account number"))
            .field("dest_extra", FieldSpec::optional("routing number")),
        FundingMethod::new("cash").field(
            "city",
            FieldSpec {
                choices: vec!["Lagos".into(), "Accra".into()],
                ..FieldSpec::required("where to collect")
            },
        ),
    ];
    a
}

async fn call(db: &TestDatabase, bank: &Bank, uris: &[&str]) -> Vec<(u16, Value)> {
    let asset = asset();
    store_asset(&db.store, &asset);
    let integrations = Integrations {
        sep6: Arc::new(bank.clone()),
        ..Default::default()
    };
    let ctx = context(&db.store, integrations);
    let jwt = polaris_core::testing::token(&ctx.settings, KeyPair::random().public_key(), None);
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(ctx))
            .configure(polaris_actix::error::configure)
            .configure(polaris_actix::sep6::configure),
    )
    .await;
    let mut out = Vec::new();
    for uri in uris {
        let req = test::TestRequest::get()
            .uri(uri)
            .insert_header(("Authorization", format!("Bearer {jwt}")));
        out.push(schema::read(test::call_service(&app, req.to_request()).await).await);
    }
    out
}

#[actix_web::test]
async fn info_lists_the_declared_methods_and_their_fields() {
    for db in TestDatabase::all() {
        let answers = call(&db, &Bank::default(), &["/sep6/info"]).await;
        let (status, body) = &answers[0];
        assert_eq!(*status, 200);
        let deposit = &body["deposit"]["SRT"];
        assert_eq!(deposit["funding_methods"], json!(["WIRE"]));
        assert!(deposit.get("fields").is_none(), "{deposit}");
        let withdraw = &body["withdraw"]["SRT"];
        assert_eq!(withdraw["funding_methods"], json!(["bank_account", "cash"]));
        assert_eq!(
            withdraw["types"],
            json!({
                "bank_account": { "fields": {
                    "dest": { "description": "account number", "optional": false },
                    "dest_extra": { "description": "routing number", "optional": true },
                } },
                "cash": { "fields": {
                    "city": {
                        "description": "where to collect", "optional": false,
                        "choices": ["Lagos", "Accra"],
                    },
                } },
            })
        );
    }
}

#[actix_web::test]
async fn requests_name_a_declared_method_or_get_a_400() {
    for db in TestDatabase::all() {
        let bank = Bank::default();
        let answers = call(
            &db,
            &bank,
            &[
                "/sep6/withdraw?asset_code=SRT&type=crypto&dest=x",
                "/sep6/withdraw?asset_code=SRT&funding_method=crypto&dest=x",
                "/sep6/withdraw?asset_code=SRT&dest=x",
                "/sep6/fee?asset_code=SRT&operation=withdraw&amount=5&type=crypto",
                "/sep6/deposit?asset_code=SRT&type=SWIFT",
                "/sep6/withdraw?asset_code=SRT&type=bank_account&dest=x",
                "/sep6/withdraw?asset_code=SRT&funding_method=cash&dest=x",
                "/sep6/deposit?asset_code=SRT",
                "/sep6/deposit?asset_code=SRT&funding_method=WIRE",
            ],
        )
        .await;
        for (status, body) in &answers[..5] {
            assert_eq!(*status, 400, "{body}");
            let error = body["error"].as_str().unwrap();
            assert!(error.contains("funding_method"), "{error}");
        }
        assert!(answers[2].1["error"]
            .as_str()
            .unwrap()
            .contains("bank_account, cash"));
        for (status, body) in &answers[5..] {
            assert_eq!(*status, 200, "{body}");
        }
        // Refused requests never reach the integration; the only deposit method is implied.
        assert_eq!(
            *bank.0.lock().unwrap(),
            ["bank_account", "cash", "WIRE", "WIRE"].map(|m| Some(m.to_string()))
        );
    }
}
