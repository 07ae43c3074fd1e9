//! SEP-24 API logic: `/info`, `/fee`, starting interactive transactions and reading them back.
//!
//! Everything here is framework-free: functions take the [`Context`](crate::Context) and
//! plain request values, and return JSON values or [`ApiError`]s.
//! The interactive flow is in [`flow`] and [`interactive`], who may see its pages in
//! [`gate`]; pages come from [`crate::ui`].
//! What SEP-24 shares with SEP-6 (assets, amounts, fees, queries, the transaction view) is in
//! [`crate::transfer`].

pub mod callback;
pub mod endpoints;
pub mod flow;
pub mod gate;
mod info;
pub mod interactive;
pub(crate) mod object;
pub mod pages;
mod read;
mod start;

pub use info::{fee, info, info_text};
pub use object::{more_info_url, transaction_json, MORE_INFO_PATH};
pub use read::{transaction, transactions};
pub use start::webapp_path;
pub use start::{start, StartRequest};

use crate::settings::Settings;
use crate::ui::Ui;
use crate::ApiError;

/// The language of a `lang` parameter among the UI's languages; English when it is absent
/// or not one of them (the SEPs make `en` the default).
pub fn check_lang(settings: &Settings, lang: Option<&str>) -> Result<String, ApiError> {
    let Some(l) = lang.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok("en".to_string());
    };
    Ok(Ui::get(settings)?
        .language(l)
        .unwrap_or_else(|| "en".to_string()))
}

/// The 403 body of every SEP-24 authentication failure.
pub fn authentication_required() -> ApiError {
    ApiError::forbidden(serde_json::json!({ "type": "authentication_required" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_defaults_to_english_and_falls_back_to_it() {
        let s = crate::testing::settings(&[]);
        assert_eq!(check_lang(&s, None).unwrap(), "en");
        assert_eq!(check_lang(&s, Some("es-AR")).unwrap(), "es");
        assert_eq!(check_lang(&s, Some("xx")).unwrap(), "en");
        assert_eq!(check_lang(&s, Some("zz-ZZ")).unwrap(), "en");
    }
}
