//! The withdraw memo and the more-info link of a transaction.

use base64::Engine as _;
use uuid::Uuid;

use crate::auth::links;
use crate::model::{Protocol, Transaction};
use crate::settings::Settings;

/// The path of SEP-6's more-info page under `HOST_URL`.
pub const SEP6_MORE_INFO_PATH: &str = "sep6/transaction/more_info";

/// The path of SEP-24's more-info page under `HOST_URL`.
pub const SEP24_MORE_INFO_PATH: &str = "sep24/transaction/more_info";

/// The path of SEP-31's more-info page under `HOST_URL`.
pub const SEP31_MORE_INFO_PATH: &str = "sep31/transaction/more_info";

/// The path of the more-info page of `protocol`'s transactions.
pub fn more_info_path(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Sep6 => SEP6_MORE_INFO_PATH,
        Protocol::Sep24 => SEP24_MORE_INFO_PATH,
        Protocol::Sep31 => SEP31_MORE_INFO_PATH,
    }
}

/// The URL of `protocol`'s more-info page of a transaction: a signed capability link that
/// anyone given it can open, and no one can forge from a leaked transaction id.
pub fn more_info_url(settings: &Settings, protocol: Protocol, tx: &Transaction) -> String {
    links::sign(
        settings,
        more_info_path(protocol),
        &tx.id.to_string(),
        tx.started_at.timestamp(),
    )
}

/// Whether `token` is the signature of the more-info link of transaction `id` of `protocol`.
pub fn verify_more_info(settings: &Settings, protocol: Protocol, id: &str, token: &str) -> bool {
    links::verify(settings, more_info_path(protocol), id, token)
}

/// The memo a withdrawal's payment must carry: the transaction id's 16 bytes followed by
/// 16 zero bytes, as a base64 hash memo.
pub fn withdraw_memo(id: Uuid) -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn the_withdraw_memo_is_the_id_padded_to_a_hash() {
        let id = Uuid::from_u128(1);
        let memo = withdraw_memo(id);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&memo)
            .unwrap_or_default();
        assert_eq!(bytes.len(), 32);
        assert_eq!(&bytes[..16], id.as_bytes());
        assert!(bytes[16..].iter().all(|b| *b == 0));
    }

    #[test]
    fn each_sep_links_to_its_own_page() {
        let settings = crate::testing::settings(&[]);
        let six = Transaction::new(Kind::Deposit, Protocol::Sep6, 1, "GACCOUNT");
        let url = more_info_url(&settings, Protocol::Sep6, &six);
        assert!(url.contains(SEP6_MORE_INFO_PATH), "{url}");
        let four = more_info_url(&settings, Protocol::Sep24, &six);
        assert!(four.contains(SEP24_MORE_INFO_PATH), "{four}");
        let token = url.split("token=").nth(1).unwrap_or_default();
        let id = six.id.to_string();
        assert!(verify_more_info(&settings, Protocol::Sep6, &id, token));
        assert!(!verify_more_info(&settings, Protocol::Sep24, &id, token));
    }
}
