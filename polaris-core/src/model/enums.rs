//! The string enums of the SEPs, with `Display`/`FromStr` equal to the SEP strings.

use std::fmt;
use std::str::FromStr;

/// A string that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {what}")]
pub struct UnknownValue {
    /// What was being parsed, e.g. `status`.
    pub what: &'static str,
    /// The value given.
    pub value: String,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The SEP string.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { what: $what, value: s.to_string() }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_enum!(
    /// The kind of a transaction.
    Kind, "kind", {
        /// Off-chain funds in, Stellar asset out.
        Deposit = "deposit",
        /// Stellar asset in, off-chain funds out.
        Withdrawal = "withdrawal",
        /// A SEP-31 cross-border payment received.
        Send = "send",
    }
);

impl Kind {
    /// Whether the user pays the anchor on Stellar (a withdrawal or a send: to the asset's
    /// distribution account, with the memo the anchor gave) rather than off-chain.
    pub fn paid_on_stellar(self) -> bool {
        match self {
            Self::Deposit => false,
            Self::Withdrawal | Self::Send => true,
        }
    }
}

string_enum!(
    /// The SEP through which a transaction was created.
    Protocol, "protocol", {
        /// SEP-6.
        Sep6 = "sep6",
        /// SEP-24.
        Sep24 = "sep24",
        /// SEP-31.
        Sep31 = "sep31",
    }
);

string_enum!(
    /// A memo type as the SEPs name them.
    MemoType, "memo_type", {
        /// Up to 28 bytes of text.
        Text = "text",
        /// An unsigned 64-bit integer.
        Id = "id",
        /// 32 bytes, base64 in JSON.
        Hash = "hash",
    }
);

string_enum!(
    /// A transaction status, exactly as SEP-6, SEP-24 and SEP-31 define them.
    Status, "status", {
        /// The user has not finished the interactive flow.
        Incomplete = "incomplete",
        /// Waiting for the user to send the funds.
        PendingUserTransferStart = "pending_user_transfer_start",
        /// The user's funds arrived; the anchor has not yet paid out (withdrawals).
        PendingUserTransferComplete = "pending_user_transfer_complete",
        /// Waiting on an external system (bank, processor).
        PendingExternal = "pending_external",
        /// The anchor is processing.
        PendingAnchor = "pending_anchor",
        /// Held by the anchor for additional checks (e.g. compliance) after the funds
        /// arrived; the transaction resumes its regular course once released.
        OnHold = "on_hold",
        /// The Stellar payment is being submitted.
        PendingStellar = "pending_stellar",
        /// The destination needs a trustline to the asset.
        PendingTrust = "pending_trust",
        /// The user must act (e.g. answer a question).
        PendingUser = "pending_user",
        /// The anchor needs more KYC information (SEP-6).
        PendingCustomerInfoUpdate = "pending_customer_info_update",
        /// The anchor needs more transaction information (SEP-6).
        PendingTransactionInfoUpdate = "pending_transaction_info_update",
        /// Waiting for the sending anchor (SEP-31).
        PendingSender = "pending_sender",
        /// Waiting for the receiving anchor (SEP-31).
        PendingReceiver = "pending_receiver",
        /// Done.
        Completed = "completed",
        /// The funds were returned to the user.
        Refunded = "refunded",
        /// The user never finished in time.
        Expired = "expired",
        /// No market for the requested conversion.
        NoMarket = "no_market",
        /// The amount was below the minimum.
        TooSmall = "too_small",
        /// The amount was above the maximum.
        TooLarge = "too_large",
        /// Something went wrong; see `status_message`.
        Error = "error",
    }
);

string_enum!(
    /// Polaris' internal stage of a transaction, beside the SEP status.
    ///
    /// The SEP status stays exactly what the SEP defines; the stage tells the
    /// processors what to do next, so that "waiting for a KYC review" and "funds
    /// received, pay out now" can never be confused.
    Stage, "stage", {
        /// Nothing for a processor to do.
        None = "none",
        /// Held for the anchor's KYC review: never paid out in this stage.
        KycReview = "kyc_review",
        /// Funds received: the payout may run.
        ReadyToPay = "ready_to_pay",
        /// A Stellar payment was signed and stored; its outcome must be settled by hash.
        Submitting = "submitting",
        /// The off-chain payout was started and is being polled.
        AwaitingExternal = "awaiting_external",
        /// The rails hook was called for this withdrawal (`payout_started_at` says when):
        /// never called again. Left here by a crash, it waits for the operator.
        PayingOut = "paying_out",
        /// The payment received differs from the agreed amount, breaks the asset's limits,
        /// or its fee could not be computed: held for the anchor, never paid out automatically.
        AmountReview = "amount_review",
    }
);

impl Status {
    /// Whether the transaction is over: no further transition is expected.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Completed
                | Status::Refunded
                | Status::Expired
                | Status::NoMarket
                | Status::TooSmall
                | Status::TooLarge
                | Status::Error
        )
    }

    /// Whether the transaction waits on the user: the statuses in which SEP-6 and SEP-24
    /// show `user_action_required_by`.
    pub fn awaits_user(self) -> bool {
        matches!(
            self,
            Status::Incomplete
                | Status::PendingUserTransferStart
                | Status::PendingUser
                | Status::PendingCustomerInfoUpdate
                | Status::PendingTransactionInfoUpdate
                | Status::PendingTrust
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_string() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), *s);
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
        for k in Kind::ALL {
            assert_eq!(k.to_string().parse::<Kind>().unwrap(), *k);
        }
        for m in MemoType::ALL {
            assert_eq!(m.to_string().parse::<MemoType>().unwrap(), *m);
        }
        for p in Protocol::ALL {
            assert_eq!(p.to_string().parse::<Protocol>().unwrap(), *p);
        }
        for st in Stage::ALL {
            assert_eq!(st.to_string().parse::<Stage>().unwrap(), *st);
        }
    }

    #[test]
    fn unknown_strings_are_refused() {
        let err = "pending".parse::<Status>().unwrap_err();
        assert_eq!(err.to_string(), "'pending' is not a valid status");
        assert!(serde_json::from_str::<Kind>("\"Deposit\"").is_err());
    }
}
