//! Amounts in stroops (1 XLM = 10,000,000 stroops) and their 7-decimal text form.

/// Stroops in one unit of any asset.
pub const STROOPS_PER_UNIT: i64 = 10_000_000;

/// Formats stroops as Horizon does: `"12.3400000"`.
pub fn format_stroops(stroops: i64) -> String {
    let sign = if stroops < 0 { "-" } else { "" };
    let abs = stroops.unsigned_abs();
    let unit = STROOPS_PER_UNIT as u64;
    format!("{sign}{}.{:07}", abs / unit, abs % unit)
}

/// Parses a decimal amount with at most 7 decimals into stroops.
///
/// Returns `None` for anything that is not a plain non-negative decimal or that overflows.
pub fn parse_stroops(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 7 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_value: i64 = format!("{frac:0<7}").parse().ok()?;
    whole.checked_mul(STROOPS_PER_UNIT)?.checked_add(frac_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(format_stroops(123_400_000), "12.3400000");
        assert_eq!(format_stroops(1), "0.0000001");
        assert_eq!(parse_stroops("12.34"), Some(123_400_000));
        assert_eq!(parse_stroops("10000"), Some(100_000_000_000));
        assert_eq!(parse_stroops(".5"), Some(5_000_000));
        assert_eq!(parse_stroops("1.00000001"), None);
        assert_eq!(parse_stroops("-1"), None);
        assert_eq!(parse_stroops("abc"), None);
        assert_eq!(parse_stroops("."), None);
        assert_eq!(parse_stroops("99999999999999999999"), None);
    }
}
