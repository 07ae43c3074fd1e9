//! The one error type of every integration method.

use std::error::Error as StdError;

/// A boxed error from the anchor's own code, kept as the source of an [`IntegrationError`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The error of every integration method.
///
/// - [`Rejected`](Self::Rejected): the request is refused; its message reaches the wallet
///   or the user (a 400, or a form error on an interactive page).
/// - [`Unavailable`](Self::Unavailable): a system the anchor depends on is down; the wallet
///   may retry later (a 503 with the message).
/// - [`Other`](Self::Other): a fault. Polaris logs it with its whole source chain and the
///   wallet sees a generic 500.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// The request is refused; the message reaches the wallet or user (as a 400).
    #[error("rejected: {0}")]
    Rejected(String),
    /// A system the anchor depends on is down; the wallet may retry later (a 503).
    #[error("unavailable: {message}")]
    Unavailable {
        /// What the wallet is told, e.g. "the bank is unreachable, try again later".
        message: String,
        /// The underlying error, logged by Polaris.
        #[source]
        source: Option<BoxError>,
    },
    /// Anything else; logged with its source chain, and the wallet sees a generic 500.
    #[error("the integration failed")]
    Other(#[source] BoxError),
}

impl IntegrationError {
    /// A refusal whose `message` reaches the wallet or user.
    pub fn rejected(message: impl Into<String>) -> Self {
        Self::Rejected(message.into())
    }

    /// A dependency is down; `message` reaches the wallet.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::Unavailable {
            message: message.into(),
            source: None,
        }
    }

    /// A dependency is down because of `source`; `message` reaches the wallet, `source` is logged.
    pub fn unavailable_because(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Unavailable {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A fault: any error (or a message: `IntegrationError::other("no such table")`).
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::Other(source.into())
    }

    /// This error and its sources, joined by `": "`, for logs.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut next = self.source();
        while let Some(e) = next {
            text.push_str(": ");
            text.push_str(&e.to_string());
            next = e.source();
        }
        text
    }
}

impl From<std::io::Error> for IntegrationError {
    fn from(e: std::io::Error) -> Self {
        Self::other(e)
    }
}

impl From<serde_json::Error> for IntegrationError {
    fn from(e: serde_json::Error) -> Self {
        Self::other(e)
    }
}

impl From<crate::store::StoreError> for IntegrationError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::other(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_names_every_source() {
        let io = std::io::Error::other("disk full");
        let e = IntegrationError::unavailable_because("the bank is down", io);
        assert_eq!(e.chain(), "unavailable: the bank is down: disk full");
        let e = IntegrationError::other("no such table");
        assert_eq!(e.chain(), "the integration failed: no such table");
    }

    #[test]
    fn rejected_keeps_its_message() {
        let e = IntegrationError::rejected("bad iban");
        assert!(matches!(&e, IntegrationError::Rejected(m) if m == "bad iban"));
        assert!(e.source().is_none());
    }
}
