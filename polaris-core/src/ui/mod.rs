//! The interactive UI's files: templates, UI strings per language and static files.
//!
//! Polaris embeds its own copies of everything under the repository's `assets/`
//! directory. An anchor sets `ASSETS_DIR` to a directory of the same layout to replace
//! any file one by one, or to add more:
//!
//! - `templates/sep24/<name>.html`: tera templates (`base.html` has the blocks to override);
//! - `templates/backoffice/<name>.html`: the back office's pages ([`crate::backoffice`]);
//! - `locales/<lang>.toml`: UI strings; a new file adds a language;
//! - `static/<path>`: files served under `/polaris/static/<path>` (below `HOST_URL`'s path).
//!
//! The files are read once per process, when the first page is shown.

mod locales;
mod statics;
mod templates;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};
use tera::Tera;

use crate::forms::FieldError;
use crate::settings::Settings;
use crate::ApiError;

pub use locales::Locales;
pub use statics::StaticFile;

/// The URL path under which static files are served.
pub const STATIC_PREFIX: &str = "/polaris/static/";

/// The absolute URL of the static files under `HOST_URL` (its path included), ending in `/`.
pub fn static_url(settings: &Settings) -> String {
    settings.url(STATIC_PREFIX.trim_start_matches('/'))
}

/// Templates, strings and static files, embedded defaults merged with `ASSETS_DIR`.
#[derive(Debug)]
pub struct Ui {
    tera: Tera,
    locales: Locales,
    dir: Option<PathBuf>,
}

impl Ui {
    /// Loads the UI for `dir` (an `ASSETS_DIR`), or the embedded one alone for `None`.
    pub fn load(dir: Option<PathBuf>) -> Result<Self, String> {
        Ok(Self {
            tera: templates::load(dir.as_deref())?,
            locales: Locales::load(dir.as_deref())?,
            dir,
        })
    }

    /// The UI of `settings`, loaded on first use and shared afterwards.
    pub fn get(settings: &Settings) -> Result<Arc<Ui>, ApiError> {
        static CACHE: OnceLock<Mutex<HashMap<Option<PathBuf>, Arc<Ui>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ui) = map.get(&settings.assets_dir) {
            return Ok(ui.clone());
        }
        let ui = Arc::new(Ui::load(settings.assets_dir.clone()).map_err(ApiError::internal)?);
        map.insert(settings.assets_dir.clone(), ui.clone());
        Ok(ui)
    }

    /// The languages pages can be shown in.
    pub fn languages(&self) -> Vec<&str> {
        self.locales.languages()
    }

    /// Checks a `lang` value (`es`, `es-AR`, `fr_FR`...): its base language when known.
    pub fn language(&self, lang: &str) -> Option<String> {
        let base = lang
            .split(['-', '_'])
            .next()
            .unwrap_or(lang)
            .to_ascii_lowercase();
        self.locales.has(&base).then_some(base)
    }

    /// One UI string of `lang`, falling back to English, then to the key.
    pub fn text(&self, lang: &str, key: &str) -> String {
        self.locales.text(lang, key)
    }

    /// A form error as text in `lang`.
    pub fn error_text(&self, lang: &str, error: &FieldError) -> String {
        let with = |key: &str, arg: &str| self.text(lang, key).replace("{}", arg);
        match error {
            FieldError::Required => self.text(lang, "required"),
            FieldError::InvalidEmail => self.text(lang, "invalid_email"),
            FieldError::InvalidNumber => self.text(lang, "invalid_number"),
            FieldError::BelowMin(m) => with("below_min", m),
            FieldError::AboveMax(m) => with("above_max", m),
            FieldError::TooManyDecimals(d) => with("too_many_decimals", &d.to_string()),
            FieldError::InvalidChoice => self.text(lang, "invalid_choice"),
            FieldError::InvalidDate => self.text(lang, "invalid_date"),
            FieldError::Message(m) => m.clone(),
        }
    }

    /// Renders `template` with `values`, plus `lang`, the strings `t` and (unless given)
    /// `static_url`, the path prefix of static files.
    pub fn render(&self, template: &str, lang: &str, values: Value) -> Result<String, ApiError> {
        let mut data = match values {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        data.insert("lang".into(), json!(lang));
        data.insert("t".into(), json!(self.locales.table(lang)));
        data.entry("static_url").or_insert(json!(STATIC_PREFIX));
        let ctx = tera::Context::from_value(Value::Object(data)).map_err(ApiError::internal)?;
        self.tera.render(template, &ctx).map_err(|e| {
            let mut detail = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                detail.push_str(": ");
                detail.push_str(&s.to_string());
                source = s.source();
            }
            ApiError::internal(detail)
        })
    }

    /// The static file at `path` (relative, e.g. `polaris/polaris.css`), if any.
    pub fn static_file(&self, path: &str) -> Option<StaticFile> {
        statics::lookup(self.dir.as_deref(), path)
    }
}

#[cfg(test)]
mod tests;
