use rust_decimal::Decimal;

use super::*;
use crate::model::{Asset, Kind};

fn bound(form: Form, pairs: &[(&str, &str)]) -> Form {
    let mut form = form;
    form.bind(&FormData::from_pairs(pairs.iter().copied()));
    form
}

fn errors_of(form: &Form, name: &str) -> Vec<FieldError> {
    form.get(name).unwrap().errors().to_vec()
}

#[test]
fn unbound_form_is_not_valid() {
    let form = Form::new("f").field(Field::text("a", "A"));
    assert!(!form.is_valid());
}

#[test]
fn required_fields_must_be_filled() {
    let form = bound(
        Form::new("f")
            .field(Field::text("a", "A").required())
            .field(Field::text("b", "B")),
        &[("a", "   ")],
    );
    assert!(!form.is_valid());
    assert_eq!(errors_of(&form, "a"), vec![FieldError::Required]);
    assert!(errors_of(&form, "b").is_empty());
}

#[test]
fn values_are_trimmed_and_read_back() {
    let form = bound(
        Form::new("f").field(Field::text("a", "A")),
        &[("a", "  x ")],
    );
    assert!(form.is_valid());
    assert_eq!(form.value("a"), Some("x"));
}

#[test]
fn email_is_checked() {
    for (text, ok) in [
        ("a@b.co", true),
        ("a@b", false),
        ("ab.co", false),
        ("a b@c.de", false),
    ] {
        let form = bound(Form::new("f").field(Field::email("e", "E")), &[("e", text)]);
        assert_eq!(form.is_valid(), ok, "{text}");
    }
}

#[test]
fn decimal_bounds_and_places() {
    let field =
        || Field::decimal("x", "X", 2).bounds(Some(Decimal::new(1, 0)), Some(Decimal::new(100, 0)));
    let check = |t: &str| errors_of(&bound(Form::new("f").field(field()), &[("x", t)]), "x");
    assert!(check("1.50").is_empty());
    assert_eq!(check("0.5"), vec![FieldError::BelowMin("1".into())]);
    assert_eq!(check("100.01"), vec![FieldError::AboveMax("100".into())]);
    assert_eq!(check("1.234"), vec![FieldError::TooManyDecimals(2)]);
    assert_eq!(check("abc"), vec![FieldError::InvalidNumber]);
}

#[test]
fn integer_choice_radio_date_checkbox() {
    let form = bound(
        Form::new("f")
            .field(Field::integer("n", "N", Some(1), Some(9)))
            .field(Field::choice("c", "C", [("a", "A"), ("b", "B")]))
            .field(Field::radio("r", "R", [("x", "X")]))
            .field(Field::date("d", "D"))
            .field(Field::checkbox("t", "T").required()),
        &[("n", "10"), ("c", "z"), ("r", "x"), ("d", "2024-02-30")],
    );
    assert_eq!(
        errors_of(&form, "n"),
        vec![FieldError::AboveMax("9".into())]
    );
    assert_eq!(errors_of(&form, "c"), vec![FieldError::InvalidChoice]);
    assert!(errors_of(&form, "r").is_empty());
    assert_eq!(errors_of(&form, "d"), vec![FieldError::InvalidDate]);
    assert_eq!(errors_of(&form, "t"), vec![FieldError::Required]);
    assert_eq!(form.value("t"), Some("false"));
    let ticked = bound(
        Form::new("f").field(Field::checkbox("t", "T").required()),
        &[("t", "on")],
    );
    assert!(ticked.is_valid());
    assert_eq!(ticked.value("t"), Some("true"));
}

#[test]
fn validators_run_after_builtin_checks() {
    let form = || {
        Form::new("f").field(Field::text("code", "Code").validator(|v: &str| {
            if v.len() == 3 {
                Ok(())
            } else {
                Err("three characters".into())
            }
        }))
    };
    assert!(bound(form(), &[("code", "abc")]).is_valid());
    let bad = bound(form(), &[("code", "abcd")]);
    assert_eq!(
        errors_of(&bad, "code"),
        vec![FieldError::Message("three characters".into())]
    );
    // Optional and empty: validators are not run.
    assert!(bound(form(), &[]).is_valid());
}

#[test]
fn files_and_multipart() {
    let mut form = Form::new("f").field(Field::file("id_photo", "Photo").required());
    assert!(form.is_multipart());
    form.bind(&FormData::default());
    assert_eq!(errors_of(&form, "id_photo"), vec![FieldError::Required]);
    let mut data = FormData::default();
    data.files.insert(
        "id_photo".into(),
        UploadedFile {
            filename: Some("a.png".into()),
            content_type: Some("image/png".into()),
            data: vec![1, 2, 3],
        },
    );
    form.bind(&data);
    assert!(form.is_valid());
    assert_eq!(form.file("id_photo").unwrap().data, vec![1, 2, 3]);
}

#[test]
fn transaction_form_uses_the_asset_limits() {
    let mut asset = Asset::new("USD", "GISSUER");
    asset.significant_decimals = 2;
    asset.withdrawal.min_amount = Some(Decimal::new(5, 0));
    asset.withdrawal.max_amount = Some(Decimal::new(50, 0));
    let form = Form::transaction(&asset, Kind::Withdrawal, Some(Decimal::new(1000, 2)));
    assert!(form.is_transaction_form());
    assert_eq!(form.value(AMOUNT_FIELD), Some("10"));
    let low = bound(form.clone(), &[(AMOUNT_FIELD, "4.99")]);
    assert_eq!(
        errors_of(&low, AMOUNT_FIELD),
        vec![FieldError::BelowMin("5".into())]
    );
    let ok = bound(form, &[(AMOUNT_FIELD, "12.50")]);
    assert_eq!(ok.decimal(AMOUNT_FIELD), Some(Decimal::new(1250, 2)));
}

#[test]
fn view_lists_fields_with_translated_errors() {
    let mut form = bound(
        Form::new("f").field(Field::choice("c", "C", [("a", "A")]).required()),
        &[],
    );
    form.add_error("whole form");
    let view = form.view(&|e| format!("{e:?}"));
    assert_eq!(view["fields"][0]["widget"], "choice");
    assert_eq!(view["fields"][0]["errors"][0], "Required");
    assert_eq!(view["fields"][0]["choices"][0]["value"], "a");
    assert_eq!(view["errors"][0], "Message(\"whole form\")");
}
