//! Development keys generated on first start in local mode and kept in a file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Secret;
use crate::stellar::keys::KeyPair;

/// Keys for local development: a SEP-10 signing key and a JWT key.
#[derive(Debug, Clone)]
pub struct DevKeys {
    /// The SEP-10 signing key.
    pub signing_key: KeyPair,
    /// The JWT HMAC key.
    pub jwt_key: Secret,
}

#[derive(Serialize, Deserialize)]
struct File {
    signing_seed: String,
    server_jwt_key: String,
}

impl DevKeys {
    /// Loads the keys from `path`, or generates and writes them if the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    fn parse(text: &str) -> Result<Self, String> {
        let f: File =
            serde_json::from_str(text).map_err(|e| format!("not a dev keys file ({e})"))?;
        Ok(Self {
            signing_key: KeyPair::from_seed(&f.signing_seed).map_err(|e| e.0)?,
            jwt_key: Secret::new(f.server_jwt_key),
        })
    }

    fn create(path: &Path) -> Result<Self, String> {
        let signing_key = KeyPair::random();
        let jwt: [u8; 32] = rand::random();
        let jwt_key = Secret::new(jwt.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let file = File {
            signing_seed: signing_key.seed().expose().to_string(),
            server_jwt_key: jwt_key.expose().to_string(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        tracing::warn!(
            path = %path.display(),
            public_key = signing_key.public_key(),
            "LOCAL_MODE: generated development keys; set SIGNING_SEED and SERVER_JWT_KEY for real deployments"
        );
        Ok(Self {
            signing_key,
            jwt_key,
        })
    }
}
