//! A SEP-6 deposit-exchange with a firm SEP-38 quote, from the request to `completed` on the
//! in-process sandbox ledger, on SQLite and PostgreSQL: the user is paid the quote's
//! `buy_amount`, not the amount received less the asset's fee.

mod support;

use std::sync::Arc;

use async_trait::async_trait;
use polaris_core::auth::Subject;
use polaris_core::integrations::{
    FeeAsset, IntegrationError, OffchainAsset, Rate, Sep6Integration, Sep6Request, Sep6Response,
};
use polaris_core::model::{AssetId, Status};
use polaris_core::params::Params;
use polaris_core::processors::deposits::run_once;
use polaris_core::processors::Worker;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::Address;
use polaris_core::store::transactions;
use polaris_core::testing::{Arrivals, FakeRails, RateTable, TestDatabase};
use rust_decimal::Decimal;
use serde_json::json;
use support::{client, funded, op, setup, srt_balance, SRT};

struct Accept;

#[async_trait]
impl Sep6Integration for Accept {
    async fn process_deposit(
        &self,
        _request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        Ok(Sep6Response::Success {
            how: None,
            instructions: None,
            extra_info: None,
            eta: None,
        })
    }
}

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

#[tokio::test]
async fn a_quoted_deposit_exchange_pays_the_quoted_amount() {
    for db in TestDatabase::all() {
        let mut s = setup(&db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
        let token = AssetId::of_asset(&s.asset);
        let usd = AssetId::fiat("USD").unwrap();
        // 1.25 USD per SRT and a 1 USD fee: 101 USD buy 80 SRT.
        let desk = RateTable::new(vec![OffchainAsset::new("USD", 2)]).rate(
            usd.clone(),
            token.clone(),
            Rate::new(d("1.25")).with_fee(d("1"), FeeAsset::Sell),
        );
        s.ctx.integrations.quote = Some(Arc::new(desk));
        s.ctx.integrations.sep6 = Arc::new(Accept);

        let user = funded(&s.sb).await;
        op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
            .await
            .unwrap();
        let subject = Subject::new(&Address::parse(user.public_key()).unwrap(), None);
        let body = json!({
            "sell_asset": "iso4217:USD", "buy_asset": token.to_string(),
            "sell_amount": "101", "context": "sep6",
        });
        let quote = polaris_core::sep38::post_quote(&s.ctx, &subject, &body)
            .await
            .unwrap();
        assert_eq!(quote["buy_amount"], "80", "{quote}");
        let query = format!(
            "destination_asset=SRT&source_asset=iso4217%3AUSD&amount=101&quote_id={}",
            quote["id"].as_str().unwrap()
        );
        let answer = polaris_core::sep6::deposit_exchange(&s.ctx, &subject, &Params::parse(&query))
            .await
            .unwrap();
        let id = answer["id"].as_str().unwrap().parse().unwrap();

        let summary = run_once(&s.ctx, &Worker::new()).await.unwrap();
        assert_eq!((summary.received, summary.completed), (1, 1), "{summary:?}");
        let done = s
            .ctx
            .store
            .with_conn(|c| transactions::by_id(c, id))
            .unwrap()
            .unwrap();
        assert_eq!(done.status, Status::Completed);
        assert_eq!(
            (done.amount_in, done.amount_fee, done.amount_out),
            (Some(d("101")), Some(d("1")), Some(d("80")))
        );
        assert_eq!(srt_balance(&s, user.public_key()).await, 80 * SRT);
        let again = run_once(&s.ctx, &Worker::new()).await.unwrap();
        assert_eq!(again.completed, 0);
        assert_eq!(srt_balance(&s, user.public_key()).await, 80 * SRT);
        s.sb.stop().await;
    }
}
