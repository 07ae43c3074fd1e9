//! SEP-9 standard KYC field names and the checks of their values
//! ([spec](https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0009.md)).

use crate::error::ApiError;

/// How a SEP-9 field's value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// An email address.
    Email,
    /// A phone number in E.164 form (`+` and digits).
    Phone,
    /// An ISO 3166-1 alpha-3 country code.
    Country,
    /// A decimal number.
    Number,
    /// A file (image or document): sent as a multipart part.
    Binary,
}

/// The SEP-9 natural person and organization fields Polaris knows, with their kinds.
pub const FIELDS: &[(&str, FieldKind)] = &[
    ("family_name", FieldKind::Text),
    ("last_name", FieldKind::Text),
    ("given_name", FieldKind::Text),
    ("first_name", FieldKind::Text),
    ("additional_name", FieldKind::Text),
    ("address_country_code", FieldKind::Country),
    ("state_or_province", FieldKind::Text),
    ("city", FieldKind::Text),
    ("postal_code", FieldKind::Text),
    ("address", FieldKind::Text),
    ("mobile_number", FieldKind::Phone),
    ("mobile_number_format", FieldKind::Text),
    ("email_address", FieldKind::Email),
    ("birth_date", FieldKind::Date),
    ("birth_place", FieldKind::Text),
    ("birth_country_code", FieldKind::Country),
    ("tax_id", FieldKind::Text),
    ("tax_id_name", FieldKind::Text),
    ("occupation", FieldKind::Number),
    ("employer_name", FieldKind::Text),
    ("employer_address", FieldKind::Text),
    ("language_code", FieldKind::Text),
    ("id_type", FieldKind::Text),
    ("id_country_code", FieldKind::Country),
    ("id_issue_date", FieldKind::Date),
    ("id_expiration_date", FieldKind::Date),
    ("id_number", FieldKind::Text),
    ("photo_id_front", FieldKind::Binary),
    ("photo_id_back", FieldKind::Binary),
    ("notary_approval_of_photo_id", FieldKind::Binary),
    ("ip_address", FieldKind::Text),
    ("photo_proof_residence", FieldKind::Binary),
    ("sex", FieldKind::Text),
    ("proof_of_income", FieldKind::Binary),
    ("proof_of_liveness", FieldKind::Binary),
    ("referral_id", FieldKind::Text),
    ("bank_name", FieldKind::Text),
    ("bank_account_type", FieldKind::Text),
    ("bank_account_number", FieldKind::Text),
    ("bank_number", FieldKind::Text),
    ("bank_phone_number", FieldKind::Phone),
    ("bank_branch_number", FieldKind::Text),
    ("external_transfer_memo", FieldKind::Text),
    ("clabe_number", FieldKind::Text),
    ("cbu_number", FieldKind::Text),
    ("cbu_alias", FieldKind::Text),
    ("crypto_address", FieldKind::Text),
    ("crypto_memo", FieldKind::Text),
    ("organization.name", FieldKind::Text),
    ("organization.VAT_number", FieldKind::Text),
    ("organization.registration_number", FieldKind::Text),
    ("organization.registration_date", FieldKind::Date),
    ("organization.registered_address", FieldKind::Text),
    ("organization.number_of_shareholders", FieldKind::Number),
    ("organization.shareholder_name", FieldKind::Text),
    ("organization.photo_incorporation_doc", FieldKind::Binary),
    ("organization.photo_proof_address", FieldKind::Binary),
    ("organization.address_country_code", FieldKind::Country),
    ("organization.state_or_province", FieldKind::Text),
    ("organization.city", FieldKind::Text),
    ("organization.postal_code", FieldKind::Text),
    ("organization.director_name", FieldKind::Text),
    ("organization.website", FieldKind::Text),
    ("organization.email", FieldKind::Email),
    ("organization.phone", FieldKind::Phone),
];

/// The kind of a standard field, `None` for names SEP-9 does not define.
pub fn kind(name: &str) -> Option<FieldKind> {
    FIELDS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// Whether `name` is usable as a field name: SEP-9's, or an anchor's own in the same style.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

fn bad(name: &str, what: &str) -> ApiError {
    ApiError::bad_request(format!("{name} must be {what}"))
}

/// Checks a text value of field `name` against its SEP-9 kind.
pub fn check(name: &str, value: &str) -> Result<(), ApiError> {
    if !valid_name(name) {
        return Err(ApiError::bad_request(format!(
            "'{name}' is not a SEP-9 field name"
        )));
    }
    let v = value.trim();
    match kind(name) {
        None | Some(FieldKind::Text) => Ok(()),
        Some(FieldKind::Binary) => Err(bad(name, "sent as a file (multipart/form-data)")),
        Some(FieldKind::Date) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|_| ())
            .map_err(|_| bad(name, "a date as YYYY-MM-DD")),
        Some(FieldKind::Email) => {
            let ok = v.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !v.contains(char::is_whitespace)
            });
            ok.then_some(())
                .ok_or_else(|| bad(name, "an email address"))
        }
        Some(FieldKind::Phone) => {
            let digits = v.strip_prefix('+').unwrap_or("");
            let ok = (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
            ok.then_some(())
                .ok_or_else(|| bad(name, "a phone number in E.164 form, e.g. +14155550100"))
        }
        Some(FieldKind::Country) => {
            let ok = v.len() == 3 && v.chars().all(|c| c.is_ascii_uppercase());
            ok.then_some(())
                .ok_or_else(|| bad(name, "an ISO 3166-1 alpha-3 country code, e.g. USA"))
        }
        Some(FieldKind::Number) => v
            .parse::<rust_decimal::Decimal>()
            .map(|_| ())
            .map_err(|_| bad(name, "a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_by_kind() {
        for (name, good, wrong) in [
            ("birth_date", "1990-02-28", "28/02/1990"),
            ("email_address", "ada@example.com", "ada"),
            ("mobile_number", "+14155550100", "4155550100"),
            ("address_country_code", "USA", "us"),
            ("organization.number_of_shareholders", "3", "three"),
        ] {
            assert!(check(name, good).is_ok(), "{name}={good}");
            let err = check(name, wrong).unwrap_err();
            assert!(
                err.body["error"].as_str().unwrap().starts_with(name),
                "{err}"
            );
        }
        assert!(check("first_name", "anything at all").is_ok());
        assert!(
            check("my_own_field", "x").is_ok(),
            "anchors may add their own fields"
        );
        assert!(check("photo_id_front", "not a file").is_err());
        assert!(check("First-Name", "x").is_err());
        assert!(check("", "x").is_err());
    }
}
