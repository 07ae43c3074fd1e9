//! Security regression tests: one test per finding, named after it, kept together so the list
//! of threats and their defences stays visible (see docs/security.md).

#[path = "security/common.rs"]
mod common;
#[path = "security/kyc.rs"]
mod kyc;
#[path = "security/money.rs"]
mod money;
mod schema;
#[path = "sep24_support/mod.rs"]
mod sep24_support;
#[path = "security/web.rs"]
mod web;
