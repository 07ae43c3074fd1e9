//! The back office: `BACKOFFICE_PASSWORD_HASH`, `BACKOFFICE_PATH`, `BACKOFFICE_SESSION_SECONDS`.

use argon2::password_hash::PasswordHash;

use super::{positive, Secret, SettingsError, Source};

/// Where the back office is mounted and who may sign in. It is off without a password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackofficeSettings {
    /// `BACKOFFICE_PASSWORD_HASH`: the PHC string of the operators' password, an Argon2 hash
    /// (`$argon2id$v=19$...`, made by the `hash-password` command). Default: none, and the
    /// back office is not mounted.
    pub password_hash: Option<Secret>,
    /// `BACKOFFICE_PATH`: the path the back office is mounted under, below `HOST_URL`'s
    /// path. Default `/admin`.
    pub path: String,
    /// `BACKOFFICE_SESSION_SECONDS`: how long a sign-in lasts. Default 3600.
    pub session_seconds: u64,
}

impl Default for BackofficeSettings {
    fn default() -> Self {
        Self {
            password_hash: None,
            path: "/admin".into(),
            session_seconds: 3600,
        }
    }
}

impl BackofficeSettings {
    /// Whether the back office is mounted: a password hash is set.
    pub fn enabled(&self) -> bool {
        self.password_hash.is_some()
    }
}

/// The paths Polaris serves itself, which the back office may not shadow.
const TAKEN: &[&str] = &[
    "/.well-known",
    "/auth",
    "/sep6",
    "/sep24",
    "/sep38",
    "/kyc",
    "/polaris",
];

fn path(src: &Source) -> Result<String, SettingsError> {
    let name = "BACKOFFICE_PATH";
    let Some(raw) = src.get(name) else {
        return Ok(BackofficeSettings::default().path);
    };
    let path = raw.trim_end_matches('/').to_string();
    let valid = path.starts_with('/')
        && path.len() > 1
        && path.len() <= 64
        && !path.contains("//")
        && path[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c));
    if !valid {
        return Err(SettingsError::new(
            name,
            format!("expected a path such as /admin (letters, digits, - _ /), got '{raw}'"),
        ));
    }
    if TAKEN
        .iter()
        .any(|t| path == *t || path.starts_with(&format!("{t}/")))
    {
        return Err(SettingsError::new(
            name,
            format!("'{path}' is a path Polaris serves itself: choose another"),
        ));
    }
    Ok(path)
}

fn password_hash(src: &Source) -> Result<Option<Secret>, SettingsError> {
    let name = "BACKOFFICE_PASSWORD_HASH";
    let Some(hash) = src.get(name) else {
        return Ok(None);
    };
    let ok = PasswordHash::new(&hash)
        .map(|h| h.algorithm.as_str().starts_with("argon2"))
        .unwrap_or(false);
    if !ok {
        return Err(SettingsError::new(
            name,
            "expected an Argon2 PHC string ($argon2id$v=19$...), as printed by the \
             hash-password command; in a .env file put it in single quotes",
        ));
    }
    Ok(Some(Secret::new(hash)))
}

pub(super) fn backoffice(src: &Source) -> Result<BackofficeSettings, SettingsError> {
    Ok(BackofficeSettings {
        password_hash: password_hash(src)?,
        path: path(src)?,
        session_seconds: positive(src, "BACKOFFICE_SESSION_SECONDS", 3600)?,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<BackofficeSettings, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        backoffice(&Source(&|n| map.get(n).cloned()))
    }

    #[test]
    fn off_by_default_under_admin() {
        let s = read(&[]).unwrap();
        assert!(!s.enabled());
        assert_eq!(s.path, "/admin");
        assert_eq!(s.session_seconds, 3600);
    }

    #[test]
    fn a_hash_that_is_not_argon2_is_refused() {
        let e = read(&[("BACKOFFICE_PASSWORD_HASH", "secret")]).expect_err("plain text");
        assert_eq!(e.setting, "BACKOFFICE_PASSWORD_HASH");
        let hash = crate::backoffice::auth::hash_password("pw").unwrap();
        assert!(read(&[("BACKOFFICE_PASSWORD_HASH", &hash)])
            .unwrap()
            .enabled());
    }

    #[test]
    fn paths_are_checked() {
        assert_eq!(read(&[("BACKOFFICE_PATH", "/ops/")]).unwrap().path, "/ops");
        for bad in ["/", "admin", "/a b", "/sep24/admin", "/../x", "/a//b"] {
            assert!(read(&[("BACKOFFICE_PATH", bad)]).is_err(), "{bad}");
        }
    }
}
