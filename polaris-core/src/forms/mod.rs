//! Forms for the SEP-24 interactive pages.
//!
//! An anchor builds a [`Form`] of [`Field`]s in `form_for_transaction`; Polaris renders it
//! (one template per [`Widget`]), binds what the browser posts with [`Form::bind`], and
//! when [`Form::is_valid`] hands it to `after_form_validation`, where the anchor reads the
//! values. [`Form::transaction`] is the amount form, whose fee and amounts Polaris computes.
//!
//! ```
//! use polaris_core::forms::{Field, Form, FormData};
//!
//! let mut form = Form::new("kyc")
//!     .field(Field::text("first_name", "First name").required())
//!     .field(Field::email("email_address", "Email").required())
//!     .field(Field::choice("country", "Country", [("FR", "France"), ("MX", "Mexico")]))
//!     .field(Field::text("code", "Referral code").validator(|v: &str| {
//!         if v.len() == 6 { Ok(()) } else { Err("six characters".into()) }
//!     }));
//! form.bind(&FormData::from_pairs([
//!     ("first_name", "Ada"),
//!     ("email_address", "ada@example.com"),
//!     ("country", "FR"),
//! ]));
//! assert!(form.is_valid());
//! assert_eq!(form.value("first_name"), Some("Ada"));
//! ```

mod field;
mod form;
mod validate;

pub use field::{Choice, Field, FieldError, UploadedFile, Validator, Widget};
pub use form::{Form, FormData, AMOUNT_FIELD, TRANSACTION_FORM};

#[cfg(test)]
mod tests;
