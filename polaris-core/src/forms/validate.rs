//! The built-in checks of each widget.

use rust_decimal::Decimal;

use super::field::{Field, FieldError, Widget};

/// Values a check box posts when ticked.
const TICKED: &[&str] = &["on", "true", "1", "yes"];

/// Normalises and checks one bound field, filling its errors.
pub(crate) fn field(f: &mut Field) {
    f.errors.clear();
    match f.widget {
        Widget::Checkbox => {
            let ticked = f
                .value
                .as_deref()
                .is_some_and(|v| TICKED.contains(&v.trim().to_ascii_lowercase().as_str()));
            f.value = Some(ticked.to_string());
            if f.required && !ticked {
                f.errors.push(FieldError::Required);
            }
            return;
        }
        Widget::File => {
            if f.required && f.file.as_ref().is_none_or(|u| u.data.is_empty()) {
                f.errors.push(FieldError::Required);
            }
            return;
        }
        _ => {}
    }
    let text = f
        .value
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    f.value = Some(text.clone());
    let text = text.as_str();
    if text.is_empty() {
        if f.required {
            f.errors.push(FieldError::Required);
        }
        return;
    }
    if let Err(e) = builtin(&f.widget, text) {
        f.errors.push(e);
        return;
    }
    for check in &f.validators {
        if let Err(message) = check(text) {
            f.errors.push(FieldError::Message(message));
        }
    }
}

fn builtin(widget: &Widget, text: &str) -> Result<(), FieldError> {
    match widget {
        Widget::Email => email(text),
        Widget::Decimal { min, max, decimals } => decimal(text, *min, *max, *decimals),
        Widget::Integer { min, max } => integer(text, *min, *max),
        Widget::Choice(choices) | Widget::Radio(choices) => {
            if choices.iter().any(|c| c.value == text) {
                Ok(())
            } else {
                Err(FieldError::InvalidChoice)
            }
        }
        Widget::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|_| ())
            .map_err(|_| FieldError::InvalidDate),
        _ => Ok(()),
    }
}

fn email(text: &str) -> Result<(), FieldError> {
    let ok = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(FieldError::InvalidEmail)
    }
}

fn decimal(
    text: &str,
    min: Option<Decimal>,
    max: Option<Decimal>,
    decimals: u32,
) -> Result<(), FieldError> {
    let value: Decimal = text.parse().map_err(|_| FieldError::InvalidNumber)?;
    if value.normalize().scale() > decimals {
        return Err(FieldError::TooManyDecimals(decimals));
    }
    if let Some(min) = min.filter(|m| value < *m) {
        return Err(FieldError::BelowMin(min.normalize().to_string()));
    }
    if let Some(max) = max.filter(|m| value > *m) {
        return Err(FieldError::AboveMax(max.normalize().to_string()));
    }
    Ok(())
}

fn integer(text: &str, min: Option<i64>, max: Option<i64>) -> Result<(), FieldError> {
    let value: i64 = text.parse().map_err(|_| FieldError::InvalidNumber)?;
    if let Some(min) = min.filter(|m| value < *m) {
        return Err(FieldError::BelowMin(min.to_string()));
    }
    if let Some(max) = max.filter(|m| value > *m) {
        return Err(FieldError::AboveMax(max.to_string()));
    }
    Ok(())
}
