//! The reference anchor's KYC tells users of one account apart (issue 14, item 3): a memo
//! user and a muxed user of a `G...` account are customers of their own.

use polaris_core::integrations::{
    CustomerData, CustomerIntegration, CustomerRequest, CustomerStatus, PutCustomer,
};
use polaris_core::stellar::{Address, KeyPair};
use polaris_core::testing::TestDatabase;

use super::Kyc;
use crate::customers::Customers;

fn request<'a>(g: &'a str, memo: Option<&'a str>, muxed: Option<&'a str>) -> CustomerRequest<'a> {
    CustomerRequest::new(g, "en")
        .with_memo(memo)
        .with_muxed_account(muxed)
}

fn data(pairs: &[(&str, &str)]) -> CustomerData {
    CustomerData {
        fields: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        files: Default::default(),
    }
}

#[actix_web::test]
async fn memo_and_muxed_users_of_one_account_are_separate_customers() {
    for db in TestDatabase::all() {
        let kyc = Kyc::new(Customers::open(db.store.clone()).unwrap());
        let g = KeyPair::random().public_key().to_string();
        let key = *Address::parse(&g).unwrap().key();
        let m7 = Address::Muxed { key, id: 7 }.to_string();
        let request = |memo, muxed| request(&g, memo, muxed);
        let full = data(&[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email_address", "grace@example.com"),
        ]);
        let g_id = kyc
            .put(&PutCustomer::new(request(None, None), &full))
            .await
            .unwrap();
        assert_eq!(
            kyc.get(&request(None, None)).await.unwrap().status,
            CustomerStatus::Accepted
        );
        let a = data(&[("first_name", "A")]);
        let memo_1 = kyc
            .put(&PutCustomer::new(request(Some("1"), None), &a))
            .await
            .unwrap();
        let memo_2 = kyc
            .put(&PutCustomer::new(request(Some("2"), None), &a))
            .await
            .unwrap();
        assert!(memo_1 != memo_2 && memo_1 != g_id && memo_2 != g_id);
        for other in [request(Some("42"), None), request(None, Some(&m7))] {
            let info = kyc.get(&other).await.unwrap();
            assert_eq!(info.status, CustomerStatus::NeedsInfo);
            assert!(info.provided_fields.is_empty());
        }
        let info = kyc.get(&request(Some("1"), None)).await.unwrap();
        assert_eq!(info.provided_fields.len(), 1);
        assert_eq!(
            kyc.get(&request(None, None)).await.unwrap().status,
            CustomerStatus::Accepted
        );
    }
}
