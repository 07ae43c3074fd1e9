//! UI strings per language, from `assets/locales/<lang>.toml` and `ASSETS_DIR/locales`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Every language's strings, keyed by message id.
#[derive(Debug, Clone, Default)]
pub struct Locales {
    pub(super) tables: BTreeMap<String, HashMap<String, String>>,
}

const EMBEDDED: &[(&str, &str)] = &[
    ("en", include_str!("../../assets/locales/en.toml")),
    ("es", include_str!("../../assets/locales/es.toml")),
    ("fr", include_str!("../../assets/locales/fr.toml")),
];

fn parse(lang: &str, text: &str) -> Result<HashMap<String, String>, String> {
    toml::from_str(text).map_err(|e| format!("locale '{lang}': {e}"))
}

impl Locales {
    /// The embedded languages, merged key by key with `dir/locales/*.toml`.
    pub fn load(dir: Option<&Path>) -> Result<Self, String> {
        let mut tables = BTreeMap::new();
        for (lang, text) in EMBEDDED {
            tables.insert((*lang).to_string(), parse(lang, text)?);
        }
        let Some(dir) = dir.map(|d| d.join("locales")).filter(|d| d.is_dir()) else {
            return Ok(Self { tables });
        };
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let Some(lang) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let lang = lang.to_ascii_lowercase();
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            tables
                .entry(lang.clone())
                .or_default()
                .extend(parse(&lang, &text)?);
        }
        Ok(Self { tables })
    }

    /// The known languages.
    pub fn languages(&self) -> Vec<&str> {
        self.tables.keys().map(String::as_str).collect()
    }

    /// Whether `lang` is known.
    pub fn has(&self, lang: &str) -> bool {
        self.tables.contains_key(lang)
    }

    /// Every string of `lang`, English filling the gaps.
    pub fn table(&self, lang: &str) -> HashMap<String, String> {
        let mut table = self.tables.get("en").cloned().unwrap_or_default();
        if let Some(own) = self.tables.get(lang) {
            table.extend(own.clone());
        }
        table
    }

    /// One string of `lang`, English when missing, the key when unknown.
    pub fn text(&self, lang: &str, key: &str) -> String {
        self.tables
            .get(lang)
            .and_then(|t| t.get(key))
            .or_else(|| self.tables.get("en").and_then(|t| t.get(key)))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
}
