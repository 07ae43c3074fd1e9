//! SEP-6 `/info` fields and types.

/// Describes the SEP-6 `fields` and `types` of each asset. Methods are added by the SEP-6 module.
pub trait InfoIntegration: Send + Sync + 'static {}
