//! The rules SEP-1 sets on a `[[CURRENCIES]]` entry, checked on the asset values that fill it
//! so the generated stellar.toml never breaks them.

use super::Asset;

/// The `status` values SEP-1 allows.
pub const STATUSES: [&str; 4] = ["live", "dead", "test", "private"];

/// The `anchor_asset_type` values SEP-1 allows.
pub const ANCHOR_ASSET_TYPES: [&str; 8] = [
    "fiat",
    "crypto",
    "nft",
    "stock",
    "bond",
    "commodity",
    "realestate",
    "other",
];

/// The longest `code` and `name` SEP-1 allows, in characters.
pub const MAX_CODE_CHARS: usize = 12;
/// See [`MAX_CODE_CHARS`].
pub const MAX_NAME_CHARS: usize = 20;

impl Asset {
    /// Checks the values that go into the asset's stellar.toml entry against SEP-1: `code`
    /// (1 to 12 letters and digits), `name` (at most 20 characters), `status`,
    /// `display_decimals` (0 to 7) and `anchor_asset_type`. The error names the asset and
    /// the field.
    pub fn check_sep1(&self) -> Result<(), String> {
        let field = |name: &str, why: String| Err(format!("asset {}: `{name}` {why}", self.code));
        let code_ok = (1..=MAX_CODE_CHARS).contains(&self.code.chars().count())
            && self.code.chars().all(|c| c.is_ascii_alphanumeric());
        if !code_ok {
            return field("code", "must be 1 to 12 letters or digits".into());
        }
        if let Some(name) = &self.name {
            let n = name.chars().count();
            if n > MAX_NAME_CHARS {
                return field(
                    "name",
                    format!("is {n} characters; SEP-1 allows at most {MAX_NAME_CHARS}"),
                );
            }
        }
        if !STATUSES.contains(&self.status.as_str()) {
            return field("status", format!("must be one of {}", STATUSES.join(", ")));
        }
        let decimals = self.display_decimals.unwrap_or(self.significant_decimals);
        if decimals > 7 {
            return field("display_decimals", "must be between 0 and 7".into());
        }
        if let Some(kind) = &self.anchor_asset_type {
            if !ANCHOR_ASSET_TYPES.contains(&kind.as_str()) {
                let allowed = ANCHOR_ASSET_TYPES.join(", ");
                return field("anchor_asset_type", format!("must be one of {allowed}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset() -> Asset {
        Asset::new("SRT", "GISSUER")
    }

    #[test]
    fn a_plain_asset_passes() {
        let mut a = asset();
        a.name = Some("Reference Token".into());
        a.anchor_asset_type = Some("fiat".into());
        assert_eq!(a.check_sep1(), Ok(()));
    }

    #[test]
    fn each_broken_field_is_named() {
        type Break = fn(&mut Asset);
        let cases: [(&str, Break); 5] = [
            ("`name`", |a| {
                a.name = Some("Stellar Reference Token".into())
            }),
            ("`code`", |a| a.code = "TOOLONGCODE13".into()),
            ("`status`", |a| a.status = "active".into()),
            ("`display_decimals`", |a| a.display_decimals = Some(8)),
            ("`anchor_asset_type`", |a| {
                a.anchor_asset_type = Some("money".into())
            }),
        ];
        for (field, breaks) in cases {
            let mut a = asset();
            breaks(&mut a);
            let err = a.check_sep1().expect_err(field);
            assert!(err.contains(field), "{err}");
        }
    }

    #[test]
    fn name_limit_counts_characters_not_bytes() {
        let mut a = asset();
        a.name = Some("é".repeat(20));
        assert_eq!(a.check_sep1(), Ok(()));
        a.name = Some("é".repeat(21));
        assert!(a.check_sep1().is_err());
    }
}
