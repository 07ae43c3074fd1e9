//! Security regression tests: one test per finding, named after it, kept together so the list
//! of threats and their defences stays visible (see docs/security.md).

mod kyc;
mod money;
mod web;
