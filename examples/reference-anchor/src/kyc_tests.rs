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

/// A SEP-6 transaction waiting for a KYC update moves on once the customer gave every field;
/// another user's does not.
#[actix_web::test]
async fn a_complete_customer_resumes_their_waiting_transactions() {
    use polaris_core::model::{Asset, Kind, Protocol, Status, Transaction};
    use polaris_core::operations::{self, CustomerInfoRequest};
    use polaris_core::store::transactions;
    use polaris_core::testing::store_asset;

    for db in TestDatabase::all() {
        let kyc = Kyc::new(Customers::open(db.store.clone()).unwrap());
        let asset = store_asset(
            &db.store,
            &Asset::new("SRT", KeyPair::random().public_key()),
        );
        let g = KeyPair::random().public_key().to_string();
        let mut ids = Vec::new();
        for memo in [None, Some("9")] {
            let mut tx = Transaction::new(Kind::Withdrawal, Protocol::Sep6, asset.id, g.as_str());
            tx.account_memo = memo.map(str::to_string);
            tx.status = Status::PendingUserTransferStart;
            db.store
                .with_conn(|c| transactions::insert(c, &tx))
                .unwrap();
            operations::request_customer_info(&db.store, CustomerInfoRequest::new(tx.id))
                .await
                .unwrap();
            ids.push(tx.id);
        }
        let status = |id| {
            let tx = db.store.with_conn(|c| transactions::by_id(c, id));
            tx.unwrap().unwrap().status
        };
        let part = data(&[("first_name", "Ada")]);
        kyc.put(&PutCustomer::new(request(&g, None, None), &part))
            .await
            .unwrap();
        assert_eq!(
            status(ids[0]),
            Status::PendingCustomerInfoUpdate,
            "not complete yet"
        );
        let rest = data(&[
            ("last_name", "Lovelace"),
            ("email_address", "ada@example.com"),
        ]);
        kyc.put(&PutCustomer::new(request(&g, None, None), &rest))
            .await
            .unwrap();
        assert_eq!(status(ids[0]), Status::PendingUserTransferStart);
        assert_eq!(
            status(ids[1]),
            Status::PendingCustomerInfoUpdate,
            "the memo user's waits"
        );
    }
}
