//! The back office: server-rendered pages for the anchor's operators.
//!
//! Transactions (searched, with every field, the history of their statuses, their
//! callbacks, and the lifecycle operations of [`crate::operations`] as forms), assets
//! (created and edited; the stellar.toml and `/info` follow at once), unmatched payments
//! (matched to a withdrawal or recorded as refunded) and SEP-12 customers with their KYC
//! status.
//!
//! This module renders the pages and runs the actions; the web layer (polaris-actix's
//! `backoffice`) owns the session cookie, checks the CSRF token of every form with
//! [`auth::csrf_ok`] and the password with [`auth::verify_password`]. The templates are
//! `templates/backoffice/*.html`, overridable through `ASSETS_DIR` like the SEP-24 pages.
//! `docs/backoffice.md` explains how to turn it on and its security model.

pub mod actions;
pub mod assets;
pub mod auth;
pub mod filters;
pub mod pages;
pub mod payments;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::settings::Settings;
use crate::ui::Ui;
use crate::ApiError;

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Flash {
    /// Whether it reports a success.
    pub ok: bool,
    /// The message.
    pub text: String,
}

impl Flash {
    /// A success.
    pub fn ok(text: impl Into<String>) -> Self {
        Self {
            ok: true,
            text: text.into(),
        }
    }

    /// A failure.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            ok: false,
            text: text.into(),
        }
    }
}

/// What every page of a signed-in operator carries.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The settings, for URLs.
    pub settings: &'a Settings,
    /// The session's CSRF token, put in every form.
    pub csrf: &'a str,
    /// The message of the last action, if any.
    pub flash: Option<&'a Flash>,
}

/// The URL path of the back office: `HOST_URL`'s path followed by `BACKOFFICE_PATH`.
pub fn prefix(settings: &Settings) -> String {
    format!("{}{}", settings.base_path(), settings.backoffice.path)
}

/// Renders `templates/backoffice/<name>.html` with `values` and what every page shares:
/// `prefix`, `static_url`, `csrf`, `flash` and `section` (the menu entry to highlight).
pub(crate) fn render(
    view: &View<'_>,
    name: &str,
    section: &str,
    mut values: Map<String, Value>,
) -> Result<String, ApiError> {
    let ui = Ui::get(view.settings)?;
    let prefix = prefix(view.settings);
    values.insert("static_url".into(), json!(format!("{prefix}/static/")));
    values.insert("prefix".into(), json!(prefix));
    values.insert("csrf".into(), json!(view.csrf));
    values.insert("flash".into(), json!(view.flash));
    values.insert("section".into(), json!(section));
    ui.render(
        &format!("backoffice/{name}.html"),
        "en",
        Value::Object(values),
    )
}

/// The sign-in page, with `error` when the last attempt failed.
pub fn login_page(
    settings: &Settings,
    csrf: &str,
    error: Option<&str>,
) -> Result<String, ApiError> {
    let view = View {
        settings,
        csrf,
        flash: None,
    };
    let mut values = Map::new();
    values.insert("error".into(), json!(error));
    render(&view, "login", "login", values)
}

/// A page showing only `message` (not found, refused ...).
pub fn message_page(view: &View<'_>, title: &str, message: &str) -> Result<String, ApiError> {
    let mut values = Map::new();
    values.insert("title".into(), json!(title));
    values.insert("message".into(), json!(message));
    render(view, "message", "", values)
}
