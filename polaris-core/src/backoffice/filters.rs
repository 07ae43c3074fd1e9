//! The search forms' query strings, checked: every value is capped in length and parsed
//! before it reaches a query, and a bad one is reported by name.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};

use crate::model::{Kind, Status};
use crate::params::Params;
use crate::store::backoffice::TransactionFilter;

/// The rows of one page of a list.
pub const PAGE_SIZE: i64 = 25;

/// The last page number a list shows.
const MAX_PAGE: i64 = 10_000;

/// A checked search: the filter, the page asked for (from 1), the values to show back in
/// the form, and what was wrong.
#[derive(Debug, Clone, Default)]
pub struct Search<F> {
    /// The filter to run.
    pub filter: F,
    /// The page number, from 1.
    pub page: i64,
    /// The form's values, as typed (trimmed and capped).
    pub form: serde_json::Map<String, Value>,
    /// One message per bad value; the search is not run when there is one.
    pub errors: Vec<String>,
}

impl<F> Search<F> {
    /// The rows to skip for this page.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }
}

fn text(
    params: &Params,
    name: &str,
    max: usize,
    form: &mut serde_json::Map<String, Value>,
    errors: &mut Vec<String>,
) -> Option<String> {
    let value = params.get(name)?.trim();
    if value.chars().count() > max {
        errors.push(format!("{name}: at most {max} characters"));
        return None;
    }
    form.insert(name.into(), json!(value));
    Some(value.to_string())
}

/// A `G...`/`M...` account or the start of one: strkey characters only.
fn account(
    params: &Params,
    form: &mut serde_json::Map<String, Value>,
    errors: &mut Vec<String>,
) -> Option<String> {
    let value = text(params, "account", 69, form, errors)?.to_ascii_uppercase();
    if !value
        .chars()
        .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    {
        errors.push("account: a Stellar account (G... or M...) or its first characters".into());
        return None;
    }
    Some(value)
}

fn date(
    params: &Params,
    name: &str,
    form: &mut serde_json::Map<String, Value>,
    errors: &mut Vec<String>,
) -> Option<NaiveDate> {
    let value = text(params, name, 10, form, errors)?;
    match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(format!("{name}: a date as YYYY-MM-DD"));
            None
        }
    }
}

fn page(params: &Params, errors: &mut Vec<String>) -> i64 {
    match params.get("page").map(|p| p.trim().parse::<i64>()) {
        None => 1,
        Some(Ok(p)) if (1..=MAX_PAGE).contains(&p) => p,
        Some(_) => {
            errors.push(format!("page: a number from 1 to {MAX_PAGE}"));
            1
        }
    }
}

fn parsed<T: std::str::FromStr>(
    params: &Params,
    name: &str,
    form: &mut serde_json::Map<String, Value>,
    errors: &mut Vec<String>,
) -> Option<T> {
    let value = text(params, name, 40, form, errors)?;
    match value.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(format!("{name}: unknown value"));
            None
        }
    }
}

/// The transaction search of `params`: `id`, `account`, `memo`, `status`, `kind`, `from`,
/// `until` (dates, both days included) and `page`.
pub fn transactions(params: &Params) -> Search<TransactionFilter> {
    let (mut form, mut errors) = (serde_json::Map::new(), Vec::new());
    let mut f = TransactionFilter {
        id: text(params, "id", 128, &mut form, &mut errors),
        account: account(params, &mut form, &mut errors),
        memo: text(params, "memo", 128, &mut form, &mut errors),
        status: parsed::<Status>(params, "status", &mut form, &mut errors),
        kind: parsed::<Kind>(params, "kind", &mut form, &mut errors),
        ..Default::default()
    };
    f.from = date(params, "from", &mut form, &mut errors)
        .map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    f.until = date(params, "until", &mut form, &mut errors)
        .and_then(|d| d.checked_add_signed(Duration::days(1)))
        .map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let page = page(params, &mut errors);
    Search {
        filter: f,
        page,
        form,
        errors,
    }
}

/// The customer search of `params`: `account` and `page`.
pub fn customers(params: &Params) -> Search<Option<String>> {
    let (mut form, mut errors) = (serde_json::Map::new(), Vec::new());
    let filter = account(params, &mut form, &mut errors);
    let page = page(params, &mut errors);
    Search {
        filter,
        page,
        form,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values_are_refused_by_name() {
        let long = "x".repeat(500);
        let s = transactions(&Params::parse(&format!(
            "id={long}&account=G%27%3B--&memo=ok&status=nope&from=2026-13-01&page=0"
        )));
        assert_eq!(s.errors.len(), 5, "{:?}", s.errors);
        assert_eq!(s.filter.memo.as_deref(), Some("ok"));
        assert_eq!(s.filter.id, None);
    }

    #[test]
    fn dates_include_both_days() {
        let s = transactions(&Params::parse(
            "from=2026-01-01&until=2026-01-01&status=completed&account=gab",
        ));
        assert!(s.errors.is_empty());
        let (from, until) = (s.filter.from.unwrap(), s.filter.until.unwrap());
        assert_eq!(until - from, Duration::days(1));
        assert_eq!(s.filter.status, Some(Status::Completed));
        assert_eq!(s.filter.account.as_deref(), Some("GAB"));
    }
}
