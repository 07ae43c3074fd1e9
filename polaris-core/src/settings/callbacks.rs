//! How undelivered callbacks are retried: `CALLBACK_RETRY_BASE_SECONDS`,
//! `CALLBACK_RETRY_MAX_SECONDS`, `CALLBACK_MAX_ATTEMPTS`.

use std::time::Duration;

use super::{positive, SettingsError, Source};

/// The retry policy of the callbacks `deliver-callbacks` sends: after the `n`-th failed
/// attempt the next waits `base * 2^(n-1)` seconds, at most `max`; after `max_attempts`
/// attempts the callback is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackRetry {
    /// `CALLBACK_RETRY_BASE_SECONDS`: the wait after the first failed attempt. Default 10.
    pub base_seconds: u64,
    /// `CALLBACK_RETRY_MAX_SECONDS`: the longest wait between two attempts. Default 3600.
    pub max_seconds: u64,
    /// `CALLBACK_MAX_ATTEMPTS`: attempts before a callback is given up. Default 12
    /// (about three and a half hours with the default waits).
    pub max_attempts: u32,
}

impl Default for CallbackRetry {
    fn default() -> Self {
        Self {
            base_seconds: 10,
            max_seconds: 3600,
            max_attempts: 12,
        }
    }
}

impl CallbackRetry {
    /// The wait after `failed` failed attempts (at least one): doubling from the base, capped.
    pub fn delay(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(63);
        let seconds = self
            .base_seconds
            .saturating_mul(1u64 << doublings)
            .min(self.max_seconds);
        Duration::from_secs(seconds)
    }

    /// Whether a callback that failed `failed` times is given up.
    pub fn exhausted(&self, failed: u32) -> bool {
        failed >= self.max_attempts
    }
}

pub(super) fn callback_retry(src: &Source) -> Result<CallbackRetry, SettingsError> {
    let defaults = CallbackRetry::default();
    let base_seconds = positive(src, "CALLBACK_RETRY_BASE_SECONDS", defaults.base_seconds)?;
    let max_seconds = positive(src, "CALLBACK_RETRY_MAX_SECONDS", defaults.max_seconds)?;
    if max_seconds < base_seconds {
        return Err(SettingsError::new(
            "CALLBACK_RETRY_MAX_SECONDS",
            format!("must be at least CALLBACK_RETRY_BASE_SECONDS ({base_seconds})"),
        ));
    }
    let max_attempts = src.parse(
        "CALLBACK_MAX_ATTEMPTS",
        defaults.max_attempts,
        "a whole number of attempts",
    )?;
    if max_attempts == 0 {
        return Err(SettingsError::new(
            "CALLBACK_MAX_ATTEMPTS",
            "must be at least 1",
        ));
    }
    Ok(CallbackRetry {
        base_seconds,
        max_seconds,
        max_attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        let retry = CallbackRetry::default();
        let waits: Vec<u64> = (1..=12).map(|n| retry.delay(n).as_secs()).collect();
        assert_eq!(
            waits,
            [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]
        );
        assert_eq!(retry.delay(0).as_secs(), 10);
        assert_eq!(retry.delay(u32::MAX).as_secs(), 3600, "no overflow");
        assert!(!retry.exhausted(11));
        assert!(retry.exhausted(12));
    }

    #[test]
    fn settings_are_read_and_checked() {
        let read = |pairs: &[(&str, &str)]| {
            let map: std::collections::HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            callback_retry(&Source(&|name| map.get(name).cloned()))
        };
        assert_eq!(read(&[]), Ok(CallbackRetry::default()));
        let custom = read(&[
            ("CALLBACK_RETRY_BASE_SECONDS", "1"),
            ("CALLBACK_RETRY_MAX_SECONDS", "4"),
            ("CALLBACK_MAX_ATTEMPTS", "3"),
        ]);
        assert_eq!(
            custom,
            Ok(CallbackRetry {
                base_seconds: 1,
                max_seconds: 4,
                max_attempts: 3
            })
        );
        let low = read(&[("CALLBACK_RETRY_MAX_SECONDS", "5")]).unwrap_err();
        assert_eq!(low.setting, "CALLBACK_RETRY_MAX_SECONDS");
        let none = read(&[("CALLBACK_MAX_ATTEMPTS", "0")]).unwrap_err();
        assert_eq!(none.setting, "CALLBACK_MAX_ATTEMPTS");
        let zero = read(&[("CALLBACK_RETRY_BASE_SECONDS", "0")]).unwrap_err();
        assert_eq!(zero.setting, "CALLBACK_RETRY_BASE_SECONDS");
    }
}
