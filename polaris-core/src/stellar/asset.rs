//! Assets: native XLM or a credit asset (code + issuer), and their XDR forms.

use std::fmt;

use stellar_base::xdr;
use stellar_strkey::ed25519;

use super::keys::KeyError;

/// A Stellar asset.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Asset {
    /// Lumens.
    Native,
    /// An issued asset.
    Credit {
        /// The asset code, 1 to 12 characters.
        code: String,
        /// The issuing account (`G...`).
        issuer: String,
    },
}

impl Asset {
    /// A credit asset, checking the code and the issuer.
    pub fn credit(code: &str, issuer: &str) -> Result<Self, KeyError> {
        let ok =
            !code.is_empty() && code.len() <= 12 && code.bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok {
            return Err(KeyError(format!(
                "'{code}' is not a valid asset code (1-12 letters or digits)"
            )));
        }
        ed25519::PublicKey::from_string(issuer)
            .map_err(|_| KeyError(format!("'{issuer}' is not a valid issuer account")))?;
        Ok(Self::Credit {
            code: code.to_string(),
            issuer: issuer.to_string(),
        })
    }

    /// Parses the SEP-11 / Horizon canonical form: `native` or `CODE:ISSUER`.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        if s == "native" || s == "XLM" {
            return Ok(Self::Native);
        }
        let (code, issuer) = s
            .split_once(':')
            .ok_or_else(|| KeyError(format!("'{s}' is not an asset (native or CODE:ISSUER)")))?;
        Self::credit(code, issuer)
    }

    /// Horizon's `asset_type`: `native`, `credit_alphanum4` or `credit_alphanum12`.
    pub fn asset_type(&self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Credit { code, .. } if code.len() <= 4 => "credit_alphanum4",
            Self::Credit { .. } => "credit_alphanum12",
        }
    }

    /// The code (`None` for native).
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Native => None,
            Self::Credit { code, .. } => Some(code),
        }
    }

    /// The issuer (`None` for native).
    pub fn issuer(&self) -> Option<&str> {
        match self {
            Self::Native => None,
            Self::Credit { issuer, .. } => Some(issuer),
        }
    }

    /// The XDR `Asset`.
    pub fn to_xdr(&self) -> xdr::Asset {
        match self {
            Self::Native => xdr::Asset::Native,
            Self::Credit { code, issuer } => {
                let issuer = account_id_xdr(issuer);
                if code.len() <= 4 {
                    let mut c = [0u8; 4];
                    c[..code.len()].copy_from_slice(code.as_bytes());
                    xdr::Asset::CreditAlphanum4(xdr::AlphaNum4 {
                        asset_code: xdr::AssetCode4(c),
                        issuer,
                    })
                } else {
                    let mut c = [0u8; 12];
                    c[..code.len()].copy_from_slice(code.as_bytes());
                    xdr::Asset::CreditAlphanum12(xdr::AlphaNum12 {
                        asset_code: xdr::AssetCode12(c),
                        issuer,
                    })
                }
            }
        }
    }

    /// Reads an XDR `Asset`; `None` for codes that are not printable ASCII.
    pub fn from_xdr(asset: &xdr::Asset) -> Option<Self> {
        match asset {
            xdr::Asset::Native => Some(Self::Native),
            xdr::Asset::CreditAlphanum4(a) => credit_from_parts(&a.asset_code.0, &a.issuer),
            xdr::Asset::CreditAlphanum12(a) => credit_from_parts(&a.asset_code.0, &a.issuer),
        }
    }

    /// The XDR `ChangeTrustAsset`.
    pub fn to_change_trust_xdr(&self) -> xdr::ChangeTrustAsset {
        match self.to_xdr() {
            xdr::Asset::Native => xdr::ChangeTrustAsset::Native,
            xdr::Asset::CreditAlphanum4(a) => xdr::ChangeTrustAsset::CreditAlphanum4(a),
            xdr::Asset::CreditAlphanum12(a) => xdr::ChangeTrustAsset::CreditAlphanum12(a),
        }
    }
}

fn credit_from_parts(code: &[u8], issuer: &xdr::AccountId) -> Option<Asset> {
    let end = code.iter().position(|b| *b == 0).unwrap_or(code.len());
    let code = std::str::from_utf8(&code[..end]).ok()?;
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(Asset::Credit {
        code: code.to_string(),
        issuer: account_id_string(issuer),
    })
}

impl fmt::Display for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Native => f.write_str("native"),
            Self::Credit { code, issuer } => write!(f, "{code}:{issuer}"),
        }
    }
}

/// The XDR `AccountId` of a `G...` string known to be valid (an invalid one maps to the zero key).
pub fn account_id_xdr(account: &str) -> xdr::AccountId {
    let key = ed25519::PublicKey::from_string(account)
        .map(|k| k.0)
        .unwrap_or([0; 32]);
    xdr::AccountId(xdr::PublicKey::PublicKeyTypeEd25519(xdr::Uint256(key)))
}

/// The `G...` string of an XDR `AccountId`.
pub fn account_id_string(id: &xdr::AccountId) -> String {
    let xdr::PublicKey::PublicKeyTypeEd25519(xdr::Uint256(k)) = &id.0;
    ed25519::PublicKey(*k).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_xdr_and_text() {
        let issuer = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ";
        for code in ["SRT", "LONGERCODE12"] {
            let a = Asset::credit(code, issuer).unwrap();
            assert_eq!(Asset::from_xdr(&a.to_xdr()), Some(a.clone()));
            assert_eq!(Asset::parse(&a.to_string()).unwrap(), a);
        }
        assert_eq!(Asset::parse("native").unwrap(), Asset::Native);
        assert_eq!(
            Asset::credit("SRT", issuer).unwrap().asset_type(),
            "credit_alphanum4"
        );
        assert!(Asset::credit("TOO-LONG-CODE", issuer).is_err());
        assert!(Asset::parse("SRT:GBAD").is_err());
    }
}
