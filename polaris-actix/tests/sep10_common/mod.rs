//! Shared fixtures of the SEP-10 actix tests.
#![allow(dead_code, missing_docs)]

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App, HttpResponse};
use async_trait::async_trait;
use polaris_actix::auth::{Sep24Token, SepToken};
use polaris_core::integrations::Integrations;
use polaris_core::sep10::sign_challenge;
use polaris_core::stellar::horizon::{AccountInfo, Horizon, HorizonError};
use polaris_core::stellar::KeyPair;
use polaris_core::testing::TestDatabase;
use polaris_core::{Context, Settings};
use serde_json::Value;

/// A Horizon that knows a fixed set of accounts, or is down.
#[derive(Default)]
pub struct FakeHorizon {
    pub accounts: HashMap<String, AccountInfo>,
    pub down: bool,
}

#[async_trait]
impl Horizon for FakeHorizon {
    async fn load_account(&self, id: &str) -> Result<Option<AccountInfo>, HorizonError> {
        if self.down {
            return Err(HorizonError::Unknown("connection refused".into()));
        }
        Ok(self.accounts.get(id).cloned())
    }
}

/// Test settings with `extra` on top.
pub use polaris_core::testing::settings as settings_with;

pub fn context(settings: Settings, horizon: impl Horizon, db: &TestDatabase) -> Context {
    let mut ctx = polaris_core::testing::context(&db.store, Integrations::default());
    ctx.settings = Arc::new(settings);
    ctx.horizon = Arc::new(horizon);
    ctx
}

async fn whoami(token: SepToken) -> HttpResponse {
    HttpResponse::Ok()
        .json(serde_json::json!({ "sub": token.claims.sub, "account": token.subject.account }))
}

async fn whoami24(token: Sep24Token) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "sub": token.claims.sub }))
}

/// The SEP-10 routes plus `/protected` (default error body) and `/protected24` (SEP-24 body).
pub async fn app(
    ctx: Context,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(ctx))
            .configure(polaris_actix::sep10::configure)
            .route("/protected", web::get().to(whoami))
            .route("/protected24", web::get().to(whoami24)),
    )
    .await
}

/// Sends `req` and returns the status and the JSON body (Null if not JSON).
pub async fn call<S>(app: &S, req: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    crate::schema::read(test::call_service(app, req.to_request()).await).await
}

/// GET /auth?<query>: the challenge XDR (panics unless 200).
pub async fn get_challenge<S>(app: &S, query: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let (status, body) = call(app, test::TestRequest::get().uri(&format!("/auth?{query}"))).await;
    assert_eq!(status, 200, "{body}");
    body["transaction"]
        .as_str()
        .expect("transaction")
        .to_string()
}

/// Signs a challenge with every key.
pub fn sign(xdr: &str, keys: &[&KeyPair], passphrase: &str) -> String {
    keys.iter().fold(xdr.to_string(), |x, k| {
        sign_challenge(&x, k, passphrase).expect("sign")
    })
}

/// POST /auth with a JSON body.
pub async fn post_json<S>(app: &S, xdr: &str) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    call(
        app,
        test::TestRequest::post()
            .uri("/auth")
            .set_json(serde_json::json!({ "transaction": xdr })),
    )
    .await
}
