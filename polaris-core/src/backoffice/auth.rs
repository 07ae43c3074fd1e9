//! Who may use the back office: the operators' password (an Argon2 hash in the settings),
//! a throttle on failed sign-ins, the key of the session cookie and the CSRF token of
//! each session.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Sha256, Sha512};

use crate::settings::Settings;

/// The PHC string of `password`: Argon2id with the crate's default parameters and a random
/// salt, for `BACKOFFICE_PASSWORD_HASH`.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC string `hash`. Slow by design: call it off the
/// async runtime.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// How many failed sign-ins the back office accepts per [`THROTTLE_WINDOW`] in one process;
/// past that every attempt is refused unchecked until the window ends.
pub const MAX_FAILURES: u32 = 10;

/// The window of [`MAX_FAILURES`].
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(60);

/// How long a failed sign-in waits before it is answered.
pub const FAILURE_DELAY: Duration = Duration::from_millis(750);

/// Counts failed sign-ins (of every client: the back office has one password).
#[derive(Debug)]
pub struct LoginThrottle {
    state: Mutex<(Instant, u32)>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            state: Mutex::new((Instant::now(), 0)),
        }
    }
}

impl LoginThrottle {
    fn with_window<T>(&self, f: impl FnOnce(&mut u32) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.0.elapsed() >= THROTTLE_WINDOW {
            *state = (Instant::now(), 0);
        }
        f(&mut state.1)
    }

    /// Whether a sign-in may be checked now.
    pub fn allows(&self) -> bool {
        self.with_window(|failures| *failures < MAX_FAILURES)
    }

    /// Counts a failed sign-in.
    pub fn failed(&self) {
        self.with_window(|failures| *failures = failures.saturating_add(1));
    }
}

/// The throttle of this process.
pub fn throttle() -> &'static LoginThrottle {
    static THROTTLE: std::sync::OnceLock<LoginThrottle> = std::sync::OnceLock::new();
    THROTTLE.get_or_init(LoginThrottle::default)
}

/// The 64-byte key of the back office's session cookie, derived from `SERVER_JWT_KEY`:
/// changing that key signs every operator out.
pub fn session_key(settings: &Settings) -> [u8; 64] {
    let mut mac = Hmac::<Sha512>::new_from_slice(settings.jwt_key.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"polaris-backoffice-session-key");
    let mut key = [0u8; 64];
    key.copy_from_slice(&mac.finalize().into_bytes());
    key
}

/// A new random session nonce, kept in the session, from which its CSRF token is derived.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn csrf_mac(settings: &Settings, nonce: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(settings.jwt_key.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"polaris-backoffice-csrf\n");
    mac.update(nonce.as_bytes());
    mac
}

/// The CSRF token of the session with `nonce`, put in every form.
pub fn csrf_token(settings: &Settings, nonce: &str) -> String {
    let tag = csrf_mac(settings, nonce).finalize().into_bytes();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
}

/// Whether `token` is the CSRF token of the session with `nonce` (compared in constant time).
pub fn csrf_ok(settings: &Settings, nonce: &str, token: &str) -> bool {
    let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token) else {
        return false;
    };
    !nonce.is_empty() && csrf_mac(settings, nonce).verify_slice(&tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horsE"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert_ne!(hash, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        let s = crate::testing::settings(&[]);
        let (a, b) = (new_nonce(), new_nonce());
        let token = csrf_token(&s, &a);
        assert!(csrf_ok(&s, &a, &token));
        assert!(!csrf_ok(&s, &b, &token));
        assert!(!csrf_ok(&s, &a, ""));
        assert!(!csrf_ok(&s, "", &csrf_token(&s, "")));
    }

    #[test]
    fn the_throttle_stops_checking_after_too_many_failures() {
        let t = LoginThrottle::default();
        for _ in 0..MAX_FAILURES {
            assert!(t.allows());
            t.failed();
        }
        assert!(!t.allows());
    }
}
