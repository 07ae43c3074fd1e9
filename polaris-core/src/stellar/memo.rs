//! Transaction memos: text (up to 28 bytes), id (u64), hash and return (32 bytes).

use base64::Engine as _;
use stellar_base::xdr;

/// A memo as a transaction carries it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Memo {
    /// No memo.
    #[default]
    None,
    /// Up to 28 bytes of text.
    Text(String),
    /// A 64-bit id.
    Id(u64),
    /// A 32-byte hash.
    Hash([u8; 32]),
    /// A 32-byte hash of the transaction being refunded.
    Return([u8; 32]),
}

/// A memo value that does not fit its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid memo: {0}")]
pub struct MemoError(pub String);

impl Memo {
    /// A text memo, refused when longer than 28 bytes.
    pub fn text(text: &str) -> Result<Self, MemoError> {
        if text.len() > 28 {
            return Err(MemoError(format!(
                "text memo is {} bytes, at most 28 allowed",
                text.len()
            )));
        }
        Ok(Self::Text(text.to_string()))
    }

    /// Parses a memo from its SEP type name (`text`, `id`, `hash`, `return`, `none`) and value.
    ///
    /// Hash values may be given as 64 hex digits or as base64.
    pub fn parse(memo_type: &str, value: &str) -> Result<Self, MemoError> {
        match memo_type {
            "none" => Ok(Self::None),
            "text" => Self::text(value),
            "id" => value
                .parse()
                .map(Self::Id)
                .map_err(|_| MemoError(format!("'{value}' is not a 64-bit unsigned id"))),
            "hash" => decode_32(value).map(Self::Hash),
            "return" => decode_32(value).map(Self::Return),
            other => Err(MemoError(format!("unknown memo type '{other}'"))),
        }
    }

    /// Horizon's `memo_type`: `none`, `text`, `id`, `hash` or `return`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Text(_) => "text",
            Self::Id(_) => "id",
            Self::Hash(_) => "hash",
            Self::Return(_) => "return",
        }
    }

    /// Horizon's `memo` field: text as is, id in decimal, hashes in base64.
    pub fn value(&self) -> Option<String> {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        match self {
            Self::None => None,
            Self::Text(t) => Some(t.clone()),
            Self::Id(id) => Some(id.to_string()),
            Self::Hash(h) | Self::Return(h) => Some(b64(h)),
        }
    }

    /// The XDR memo.
    pub fn to_xdr(&self) -> xdr::Memo {
        match self {
            Self::None => xdr::Memo::None,
            Self::Text(t) => xdr::Memo::Text(t.as_bytes().to_vec().try_into().unwrap_or_default()),
            Self::Id(id) => xdr::Memo::Id(*id),
            Self::Hash(h) => xdr::Memo::Hash(xdr::Hash(*h)),
            Self::Return(h) => xdr::Memo::Return(xdr::Hash(*h)),
        }
    }

    /// Reads an XDR memo (text that is not UTF-8 is decoded lossily).
    pub fn from_xdr(memo: &xdr::Memo) -> Self {
        match memo {
            xdr::Memo::None => Self::None,
            xdr::Memo::Text(t) => Self::Text(String::from_utf8_lossy(t.as_slice()).into_owned()),
            xdr::Memo::Id(id) => Self::Id(*id),
            xdr::Memo::Hash(h) => Self::Hash(h.0),
            xdr::Memo::Return(h) => Self::Return(h.0),
        }
    }
}

fn decode_32(value: &str) -> Result<[u8; 32], MemoError> {
    let bytes = hex::decode(value)
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(value).ok())
        .ok_or_else(|| MemoError("hash memo must be 64 hex digits or base64".into()))?;
    bytes
        .try_into()
        .map_err(|_| MemoError("hash memo must be exactly 32 bytes".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_round_trips() {
        assert!(Memo::text(&"x".repeat(28)).is_ok());
        assert!(Memo::text(&"x".repeat(29)).is_err());
        assert_eq!(
            Memo::parse("id", "18446744073709551615").unwrap(),
            Memo::Id(u64::MAX)
        );
        assert!(Memo::parse("id", "-1").is_err());
        let h = Memo::parse("hash", &"ab".repeat(32)).unwrap();
        assert_eq!(h, Memo::Hash([0xab; 32]));
        assert_eq!(
            Memo::parse("return", &h.value().unwrap()).unwrap(),
            Memo::Return([0xab; 32])
        );
        assert!(Memo::parse("hash", "abcd").is_err());
        for m in [Memo::None, Memo::Text("hi".into()), Memo::Id(7), h] {
            assert_eq!(Memo::from_xdr(&m.to_xdr()), m);
        }
    }
}
