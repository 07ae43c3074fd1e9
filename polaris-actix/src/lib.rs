//! x
pub mod auth;
pub mod sep10;
