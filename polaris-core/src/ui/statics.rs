//! Static files: embedded ones, replaced or extended by `ASSETS_DIR/static`.

use std::borrow::Cow;
use std::path::{Component, Path};

use sha2::{Digest, Sha256};

/// A static file ready to serve.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The bytes.
    pub body: Cow<'static, [u8]>,
    /// The content type, from the extension.
    pub content_type: String,
    /// A strong validator of the content, quoted for the `ETag` header.
    pub etag: String,
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../assets/static/", $name)).as_slice())),*]
    };
}

/// The static files Polaris ships, by path under `assets/static/`.
pub const EMBEDDED: &[(&str, &[u8])] = embedded!(
    "polaris/polaris.css",
    "polaris/polaris.js",
    "polaris/logo.svg",
    "polaris/backoffice.css",
);

fn safe(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn file(path: &str, body: Cow<'static, [u8]>) -> StaticFile {
    let digest = Sha256::digest(&body);
    StaticFile {
        content_type: mime_guess::from_path(path)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
        etag: format!("\"{}\"", hex::encode(&digest[..12])),
        body,
    }
}

/// The file at `path`: from `dir/static` first, then the embedded ones.
pub fn lookup(dir: Option<&Path>, path: &str) -> Option<StaticFile> {
    if !safe(path) {
        return None;
    }
    if let Some(own) = dir.map(|d| d.join("static").join(path)) {
        if own.is_file() {
            if let Ok(bytes) = std::fs::read(&own) {
                return Some(file(path, Cow::Owned(bytes)));
            }
        }
    }
    EMBEDDED
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(name, body)| file(name, Cow::Borrowed(body)))
}
