//! SEP-38 asset identifiers: `stellar:CODE:ISSUER`, `stellar:native` and `iso4217:USD`.
//!
//! Parsing is strict: the scheme is lowercase, nothing is trimmed, a Stellar code is 1-12
//! letters or digits with a valid issuer account, and an ISO 4217 code is three uppercase
//! letters. What is refused is never guessed at.

use std::fmt;
use std::str::FromStr;

use super::Asset;
use crate::stellar::Asset as StellarAsset;

/// An asset named the SEP-38 way: a Stellar asset, or a fiat currency by ISO 4217 code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssetId {
    /// `stellar:CODE:ISSUER` (or `stellar:native`).
    Stellar(StellarAsset),
    /// `iso4217:CODE`, a fiat currency held off-chain.
    Iso4217(String),
}

/// Why a text is not a SEP-38 asset identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not an asset identifier ({why})")]
pub struct AssetIdError {
    /// The text given.
    pub value: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl AssetId {
    /// Parses `stellar:CODE:ISSUER`, `stellar:native` or `iso4217:CODE`.
    pub fn parse(text: &str) -> Result<Self, AssetIdError> {
        let bad = |why| AssetIdError {
            value: text.chars().take(80).collect(),
            why,
        };
        match text.split_once(':') {
            Some(("stellar", "native")) => Ok(Self::Stellar(StellarAsset::Native)),
            Some(("stellar", rest)) => {
                let (code, issuer) = rest
                    .split_once(':')
                    .ok_or_else(|| bad("expected stellar:CODE:ISSUER"))?;
                StellarAsset::credit(code, issuer)
                    .map(Self::Stellar)
                    .map_err(|_| bad("expected stellar:CODE:ISSUER with a valid code and issuer"))
            }
            Some(("iso4217", code)) if is_currency_code(code) => {
                Ok(Self::Iso4217(code.to_string()))
            }
            Some(("iso4217", _)) => Err(bad("expected iso4217: and three uppercase letters")),
            _ => Err(bad("expected stellar:CODE:ISSUER or iso4217:CODE")),
        }
    }

    /// The identifier of a stored asset: `stellar:CODE:ISSUER`.
    pub fn of_asset(asset: &Asset) -> Self {
        Self::Stellar(StellarAsset::Credit {
            code: asset.code.clone(),
            issuer: asset.issuer.clone(),
        })
    }

    /// A fiat currency by its ISO 4217 code, e.g. `USD`; `None` unless three uppercase letters.
    pub fn fiat(code: &str) -> Option<Self> {
        is_currency_code(code).then(|| Self::Iso4217(code.to_string()))
    }

    /// Whether this is a Stellar asset (on-chain).
    pub fn is_stellar(&self) -> bool {
        match self {
            Self::Stellar(_) => true,
            Self::Iso4217(_) => false,
        }
    }

    /// Whether this names the stored `asset`.
    pub fn names(&self, asset: &Asset) -> bool {
        match self {
            Self::Stellar(StellarAsset::Credit { code, issuer }) => {
                *code == asset.code && *issuer == asset.issuer
            }
            Self::Stellar(StellarAsset::Native) | Self::Iso4217(_) => false,
        }
    }
}

fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

impl fmt::Display for AssetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stellar(StellarAsset::Native) => f.write_str("stellar:native"),
            Self::Stellar(StellarAsset::Credit { code, issuer }) => {
                write!(f, "stellar:{code}:{issuer}")
            }
            Self::Iso4217(code) => write!(f, "iso4217:{code}"),
        }
    }
}

impl FromStr for AssetId {
    type Err = AssetIdError;
    fn from_str(s: &str) -> Result<Self, AssetIdError> {
        Self::parse(s)
    }
}

impl serde::Serialize for AssetId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for AssetId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "GCZJM35NKGVK47BB4SPBDV25477PZYIYPVVG453LPYFNXLS3FGHDXOCM";

    #[test]
    fn the_three_forms_round_trip() {
        for text in [
            format!("stellar:USDC:{ISSUER}"),
            "stellar:native".to_string(),
            "iso4217:BRL".to_string(),
        ] {
            let id = AssetId::parse(&text).unwrap();
            assert_eq!(id.to_string(), text);
        }
        assert!(AssetId::parse("iso4217:USD").unwrap().is_iso());
    }

    #[test]
    fn anything_loose_is_refused() {
        for text in [
            "USDC".to_string(),
            format!("USDC:{ISSUER}"),
            format!("Stellar:USDC:{ISSUER}"),
            format!(" stellar:USDC:{ISSUER}"),
            format!("stellar:USDC:{ISSUER}:x"),
            "stellar:USDC:GNOTANACCOUNT".to_string(),
            format!("stellar::{ISSUER}"),
            format!("stellar:THIRTEENCHARS:{ISSUER}"),
            "stellar:XLM".to_string(),
            "iso4217:usd".to_string(),
            "iso4217:USDT".to_string(),
            "iso4217:US".to_string(),
            "iso4217:".to_string(),
            "fiat:USD".to_string(),
            String::new(),
        ] {
            assert!(AssetId::parse(&text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_stored_asset_is_named_by_code_and_issuer() {
        let asset = Asset::new("SRT", ISSUER);
        let id = AssetId::of_asset(&asset);
        assert!(id.names(&asset) && id.is_stellar());
        assert!(!AssetId::fiat("USD").unwrap().names(&asset));
        assert_eq!(AssetId::fiat("usd"), None);
    }

    impl AssetId {
        fn is_iso(&self) -> bool {
            !self.is_stellar()
        }
    }
}
