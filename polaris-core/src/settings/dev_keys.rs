//! Development keys generated on first start in local mode and kept in a file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Secret;
use crate::stellar::keys::KeyPair;
use crate::store::seeds::SeedKey;

/// Keys for local development: a SEP-10 signing key, a JWT key and the key distribution
/// seeds are encrypted with.
#[derive(Debug, Clone)]
pub struct DevKeys {
    /// The SEP-10 signing key.
    pub signing_key: KeyPair,
    /// The JWT HMAC key.
    pub jwt_key: Secret,
    /// The key of the distribution seeds stored in the database.
    pub seed_key: SeedKey,
}

#[derive(Serialize, Deserialize)]
struct File {
    signing_seed: String,
    server_jwt_key: String,
    /// Absent from files written by older versions: generated and added on load.
    #[serde(default)]
    seed_encryption_key: Option<String>,
}

/// Writes `text` to `path` readable and writable by the owner only (mode 0600 on Unix),
/// also when the file already existed with wider permissions.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        options.open(path)?.write_all(text.as_bytes())
    }
}

impl DevKeys {
    /// Loads the keys from `path`, or generates and writes them if the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                tighten(path);
                Self::parse(path, &text).map_err(|e| format!("{}: {e}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    fn parse(path: &Path, text: &str) -> Result<Self, String> {
        let mut f: File =
            serde_json::from_str(text).map_err(|e| format!("not a dev keys file ({e})"))?;
        let seed_key = match &f.seed_encryption_key {
            Some(hex) => SeedKey::from_hex(hex).map_err(|e| format!("seed_encryption_key: {e}"))?,
            None => {
                let key = SeedKey::random();
                f.seed_encryption_key = Some(key.to_hex());
                save(path, &f)?;
                key
            }
        };
        Ok(Self {
            signing_key: KeyPair::from_seed(&f.signing_seed).map_err(|e| e.0)?,
            jwt_key: Secret::new(f.server_jwt_key),
            seed_key,
        })
    }

    fn create(path: &Path) -> Result<Self, String> {
        let signing_key = KeyPair::random();
        let jwt: [u8; 32] = rand::random();
        let jwt_key = Secret::new(jwt.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let seed_key = SeedKey::random();
        let file = File {
            signing_seed: signing_key.seed().expose().to_string(),
            server_jwt_key: jwt_key.expose().to_string(),
            seed_encryption_key: Some(seed_key.to_hex()),
        };
        save(path, &file)?;
        tracing::warn!(
            path = %path.display(),
            public_key = signing_key.public_key(),
            "LOCAL_MODE: generated development keys; set SIGNING_SEED and SERVER_JWT_KEY for real deployments"
        );
        Ok(Self {
            signing_key,
            jwt_key,
            seed_key,
        })
    }
}

/// Makes a keys file written by an older version readable by its owner only.
fn tighten(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let open = std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0);
        if open {
            match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
                Ok(()) => {
                    tracing::warn!(path = %path.display(), "dev keys file was readable by others; now 0600")
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "dev keys file is readable by others")
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn save(path: &Path, file: &File) -> Result<(), String> {
    let text = serde_json::to_string_pretty(file).map_err(|e| e.to_string())?;
    write_private(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
