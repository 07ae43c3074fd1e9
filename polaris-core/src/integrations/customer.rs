//! SEP-12 customers (KYC).

/// The anchor's KYC store, behind SEP-12. Methods are added by the SEP-12 module.
pub trait CustomerIntegration: Send + Sync + 'static {}
