//! SEP-24 API logic: `/info`, `/fee`, starting interactive transactions and reading them back.
//!
//! Everything here is framework-free: functions take the [`Context`](crate::Context) and
//! plain request values, and return JSON values or [`ApiError`]s.
//! The interactive web pages themselves are not part of this module yet.

mod info;
pub mod interactive;
mod object;
pub mod page;
mod read;
mod start;

pub use info::{compute_fee, fixed, parse_amount, sep24_asset};
pub use info::{fee, info, FeeQuery};
pub use object::{more_info_url, transaction_json};
pub use read::{transaction, transactions, TransactionQuery, TransactionsQuery};
pub use start::webapp_path;
pub use start::{start, StartRequest};

use crate::ApiError;

/// The UI languages Polaris ships; `lang` must be one of them.
pub const LANGUAGES: &[&str] = &["en", "es", "fr"];

/// Checks a `lang` parameter, defaulting to English.
pub fn check_lang(lang: Option<&str>) -> Result<String, ApiError> {
    match lang.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok("en".to_string()),
        Some(l) => {
            let base = l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase();
            if LANGUAGES.contains(&base.as_str()) {
                Ok(base)
            } else {
                Err(ApiError::bad_request(format!("unsupported language '{l}'")))
            }
        }
    }
}

/// The 403 body of every SEP-24 authentication failure.
pub fn authentication_required() -> ApiError {
    ApiError::forbidden(serde_json::json!({ "type": "authentication_required" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_defaults_to_english_and_rejects_unknown() {
        assert_eq!(check_lang(None).unwrap(), "en");
        assert_eq!(check_lang(Some("es-AR")).unwrap(), "es");
        assert_eq!(check_lang(Some("xx")).unwrap_err().status, 400);
    }
}
