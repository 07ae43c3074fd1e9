//! SEP-12 through actix, and a whole SEP-6 deposit as a wallet runs it:
//! deposit -> customer info needed -> PUT /kyc/customer -> deposit again -> instructions.

mod schema;

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use async_trait::async_trait;
use polaris_core::integrations::{
    IntegrationError, Integrations, Sep6Integration, Sep6Request, Sep6Response,
};
use polaris_core::model::Asset;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::{store_asset, MemoryCustomers, TestDatabase};
use polaris_core::Context;
use serde_json::{json, Map, Value};

/// Customers in memory who must give a first and a last name.
type Kyc = Arc<MemoryCustomers>;

/// The fields a new customer is asked for.
fn needed() -> Map<String, Value> {
    let field = |d: &str| json!({ "type": "string", "description": d });
    let mut m = Map::new();
    m.insert("first_name".into(), field("given name"));
    m.insert("last_name".into(), field("family name"));
    m
}

/// SEP-6 deposits that need the customer's KYC first.
struct KycFirst(Kyc);

#[async_trait]
impl Sep6Integration for KycFirst {
    async fn process_deposit(
        &self,
        request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        if !self.0.is_complete(&request.transaction.user()) {
            return Ok(Sep6Response::CustomerInfoNeeded {
                fields: vec!["first_name".into(), "last_name".into()],
            });
        }
        Ok(Sep6Response::Success {
            how: Some("Bank 1".into()),
            instructions: None,
            extra_info: None,
            eta: None,
        })
    }
}

fn context(db: &TestDatabase, kyc: &Kyc) -> Context {
    store_asset(
        &db.store,
        &Asset::new("SRT", KeyPair::random().public_key()),
    );
    let integrations = Integrations {
        sep6: Arc::new(KycFirst(kyc.clone())),
        customer: Some(kyc.clone()),
        ..Default::default()
    };
    polaris_core::testing::context(&db.store, integrations)
}

fn token(ctx: &Context, account: &str, memo: Option<u64>) -> String {
    polaris_core::testing::token(&ctx.settings, account, memo)
}

async fn service(
    ctx: &Context,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .configure(polaris_actix::error::configure)
            .configure(polaris_actix::sep6::configure)
            .configure(polaris_actix::sep12::configure),
    )
    .await
}

async fn call<S>(app: &S, req: test::TestRequest, jwt: Option<&str>) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = match jwt {
        Some(jwt) => req.insert_header(("Authorization", format!("Bearer {jwt}"))),
        None => req,
    };
    schema::read(test::call_service(app, req.to_request()).await).await
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

fn put_form(body: &str) -> test::TestRequest {
    test::TestRequest::put()
        .uri("/kyc/customer")
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(body.to_string())
}

#[actix_web::test]
async fn a_sep6_deposit_runs_through_kyc_to_instructions() {
    for db in TestDatabase::all() {
        let kyc = Kyc::default();
        let ctx = context(&db, &kyc);
        let app = service(&ctx).await;
        let wallet = KeyPair::random();
        let jwt = token(&ctx, wallet.public_key(), None);
        let deposit = "/sep6/deposit?asset_code=SRT&amount=10";

        let (status, body) = call(&app, get(deposit), Some(&jwt)).await;
        assert_eq!(status, 403);
        assert_eq!(body["type"], "non_interactive_customer_info_needed");

        let (status, body) = call(&app, get("/kyc/customer?type=sep6-deposit"), Some(&jwt)).await;
        assert_eq!(
            (status, body),
            (200, json!({ "status": "NEEDS_INFO", "fields": needed() }))
        );

        let (status, body) = call(
            &app,
            put_form("first_name=Ada&last_name=Lovelace"),
            Some(&jwt),
        )
        .await;
        assert_eq!(status, 202, "{body}");
        let id = body["id"].as_str().unwrap().to_string();

        let (status, body) = call(&app, get("/kyc/customer"), Some(&jwt)).await;
        assert_eq!(status, 200);
        assert_eq!(body["id"], id.as_str());
        assert_eq!(body["status"], "ACCEPTED");
        assert_eq!(body["provided_fields"]["first_name"]["status"], "ACCEPTED");

        let (status, body) = call(&app, get(deposit), Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["how"], "Bank 1");
    }
}

#[actix_web::test]
async fn another_account_never_sees_or_changes_a_customer() {
    for db in TestDatabase::all() {
        let kyc = Kyc::default();
        let ctx = context(&db, &kyc);
        let app = service(&ctx).await;
        let (alice, bob) = (KeyPair::random(), KeyPair::random());
        let alice_jwt = token(&ctx, alice.public_key(), None);
        let bob_jwt = token(&ctx, bob.public_key(), None);
        let (_, body) = call(
            &app,
            put_form("first_name=Alice&last_name=A"),
            Some(&alice_jwt),
        )
        .await;
        let id = body["id"].as_str().unwrap().to_string();

        let not_found = json!({ "error": "customer not found" });
        let (status, body) =
            call(&app, get(&format!("/kyc/customer?id={id}")), Some(&bob_jwt)).await;
        assert_eq!((status, body), (404, not_found.clone()));
        let (status, body) = call(
            &app,
            put_form(&format!("id={id}&first_name=Mallory")),
            Some(&bob_jwt),
        )
        .await;
        assert_eq!((status, body), (404, not_found.clone()));
        let delete =
            test::TestRequest::delete().uri(&format!("/kyc/customer/{}", alice.public_key()));
        let (status, body) = call(&app, delete, Some(&bob_jwt)).await;
        assert_eq!((status, body), (404, not_found.clone()));
        let (status, _) = call(
            &app,
            get(&format!("/kyc/customer?account={}", alice.public_key())),
            Some(&bob_jwt),
        )
        .await;
        assert_eq!(status, 403);

        // The same account with another memo is another customer.
        let memo_jwt = token(&ctx, alice.public_key(), Some(7));
        let (status, body) = call(
            &app,
            get(&format!("/kyc/customer?id={id}")),
            Some(&memo_jwt),
        )
        .await;
        assert_eq!((status, body), (404, not_found));

        let (_, body) = call(&app, get("/kyc/customer"), Some(&alice_jwt)).await;
        assert_eq!(body["id"], id.as_str());
        assert_eq!(body["status"], "ACCEPTED", "Alice's data is untouched");
        let (_, body) = call(&app, get("/kyc/customer"), Some(&bob_jwt)).await;
        assert_eq!(body, json!({ "status": "NEEDS_INFO", "fields": needed() }));
    }
}

#[actix_web::test]
async fn bad_requests_are_refused_with_reasons() {
    let db = TestDatabase::sqlite();
    let kyc = Kyc::default();
    let ctx = context(&db, &kyc);
    let app = service(&ctx).await;
    let jwt = token(&ctx, KeyPair::random().public_key(), None);
    // SEP-12: a client not authenticated properly gets 401 (a foreign customer stays 403/404).
    let (status, body) = call(&app, get("/kyc/customer"), None).await;
    assert_eq!(status, 401);
    assert!(body["error"].is_string(), "{body}");
    let delete = test::TestRequest::delete()
        .uri(&format!("/kyc/customer/{}", KeyPair::random().public_key()));
    let (status, _) = call(&app, delete, Some("not-a-token")).await;
    assert_eq!(status, 401);
    let (status, body) = call(&app, put_form("First-Name=x"), Some(&jwt)).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "'First-Name' is not a SEP-9 field name" })
        )
    );
    for (form, error) in [
        (
            "email_address=nope",
            "email_address must be an email address",
        ),
        (
            "birth_date=31.12.1990",
            "birth_date must be a date as YYYY-MM-DD",
        ),
        (
            "mobile_number=12",
            "mobile_number must be a phone number in E.164 form, e.g. +14155550100",
        ),
        ("last_name=Refused", "we cannot serve this customer"),
    ] {
        let (status, body) = call(&app, put_form(form), Some(&jwt)).await;
        assert_eq!((status, body), (400, json!({ "error": error })), "{form}");
    }
    let verify = test::TestRequest::put()
        .uri("/kyc/customer/verification")
        .set_json(json!({ "mobile_number_verification": "1234" }));
    let (status, body) = call(&app, verify, Some(&jwt)).await;
    assert_eq!(
        (status, body),
        (404, json!({ "error": "customer not found" }))
    );
    let callback = test::TestRequest::put()
        .uri("/kyc/customer/callback")
        .set_json(json!({ "url": "ftp://x" }));
    let (status, body) = call(&app, callback, Some(&jwt)).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "url is refused: the URL must use https (http only in local mode)" })
        )
    );
    let json_put = test::TestRequest::put()
        .uri("/kyc/customer")
        .set_json(json!(["not", "an", "object"]));
    let (status, body) = call(&app, json_put, Some(&jwt)).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "the JSON body must be an object" }))
    );
    let xml = test::TestRequest::put()
        .uri("/kyc/customer")
        .insert_header(("Content-Type", "text/xml"))
        .set_payload("<a/>");
    let (status, _) = call(&app, xml, Some(&jwt)).await;
    assert_eq!(status, 400);
    assert!(kyc.is_empty(), "nothing stored on refusals");
}

#[actix_web::test]
async fn a_customer_can_delete_itself() {
    let db = TestDatabase::sqlite();
    let kyc = Kyc::default();
    let ctx = context(&db, &kyc);
    let app = service(&ctx).await;
    let me = KeyPair::random();
    let jwt = token(&ctx, me.public_key(), None);
    let body = json!({ "first_name": "Ada", "last_name": "L" });
    let (status, _) = call(
        &app,
        test::TestRequest::put().uri("/kyc/customer").set_json(body),
        Some(&jwt),
    )
    .await;
    assert_eq!(status, 202);
    let delete = || test::TestRequest::delete().uri(&format!("/kyc/customer/{}", me.public_key()));
    assert_eq!(call(&app, delete(), Some(&jwt)).await.0, 200);
    assert!(kyc.is_empty());
    assert_eq!(call(&app, delete(), Some(&jwt)).await.0, 404);
    let (_, body) = call(&app, get("/kyc/customer"), Some(&jwt)).await;
    assert_eq!(body["status"], "NEEDS_INFO");
    assert!(body.get("id").is_none());
}

#[actix_web::test]
async fn multipart_bodies_carry_files() {
    let db = TestDatabase::sqlite();
    let kyc = Kyc::default();
    let ctx = context(&db, &kyc);
    let app = service(&ctx).await;
    let jwt = token(&ctx, KeyPair::random().public_key(), None);
    let boundary = "XyZ";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\nAda\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"photo_id_front\"; filename=\"id.png\"\r\n\
         Content-Type: image/png\r\n\r\n\x01\x02\x03\r\n--{b}--\r\n",
        b = boundary
    );
    let req = test::TestRequest::put()
        .uri("/kyc/customer")
        .insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body);
    let (status, body) = call(&app, req, Some(&jwt)).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap();
    let fields = kyc.fields_of(id);
    assert_eq!(fields["first_name"], "Ada");
    assert_eq!(fields["photo_id_front"], "3 bytes");
}

#[actix_web::test]
async fn verification_and_callbacks_reach_the_integration() {
    let db = TestDatabase::sqlite();
    let kyc = Kyc::default();
    let ctx = context(&db, &kyc);
    let app = service(&ctx).await;
    let jwt = token(&ctx, KeyPair::random().public_key(), None);
    call(&app, put_form("first_name=Ada"), Some(&jwt)).await;
    let verify = test::TestRequest::put()
        .uri("/kyc/customer/verification")
        .set_json(json!({ "mobile_number_verification": "1234" }));
    let (status, body) = call(&app, verify, Some(&jwt)).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "this anchor does not verify fields" })
        )
    );
    let callback = test::TestRequest::put()
        .uri("/kyc/customer/callback")
        .set_json(json!({ "url": "https://wallet.example/kyc" }));
    let (status, body) = call(&app, callback, Some(&jwt)).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "this anchor does not send customer callbacks" })
        )
    );
}
