//! Building and signing transactions.
//!
//! ```
//! use polaris_core::stellar::{tx::{Op, TransactionBuilder}, Asset, KeyPair, Memo, TESTNET_PASSPHRASE};
//! let source = KeyPair::random();
//! let dest = KeyPair::random();
//! let env = TransactionBuilder::new(source.public_key(), 41, 100)
//!     .unwrap()
//!     .memo(Memo::Id(7))
//!     .timeout_at(1_900_000_000)
//!     .op(Op::payment(dest.public_key(), Asset::Native, 10_000_000).unwrap())
//!     .sign(&[&source], TESTNET_PASSPHRASE)
//!     .unwrap();
//! assert!(polaris_core::stellar::encode_xdr(&env).len() > 100);
//! ```

use stellar_base::xdr;

use super::asset::{account_id_xdr, Asset};
use super::envelope::{muxed_xdr, sign_envelope, EnvelopeError};
use super::keys::{Address, KeyError, KeyPair};
use super::memo::Memo;

/// Account flag: trustlines need the issuer's authorization.
pub const AUTH_REQUIRED_FLAG: u32 = 1;
/// Account flag: the issuer may revoke authorization.
pub const AUTH_REVOCABLE_FLAG: u32 = 2;
/// Account flag: the flags can no longer change.
pub const AUTH_IMMUTABLE_FLAG: u32 = 4;
/// Account flag: trustlines have clawback enabled.
pub const AUTH_CLAWBACK_FLAG: u32 = 8;

/// One operation, as Polaris builds them.
#[derive(Debug, Clone)]
pub struct Op(pub xdr::Operation);

fn op(body: xdr::OperationBody) -> Op {
    Op(xdr::Operation {
        source_account: None,
        body,
    })
}

fn parse(address: &str) -> Result<Address, KeyError> {
    Address::parse(address)
}

impl Op {
    /// Sets the operation's own source account.
    pub fn with_source(mut self, source: &str) -> Result<Self, KeyError> {
        self.0.source_account = Some(muxed_xdr(&parse(source)?));
        Ok(self)
    }

    /// A payment of `amount` stroops of `asset` to `destination` (`G...` or `M...`).
    pub fn payment(destination: &str, asset: Asset, amount: i64) -> Result<Self, KeyError> {
        Ok(op(xdr::OperationBody::Payment(xdr::PaymentOp {
            destination: muxed_xdr(&parse(destination)?),
            asset: asset.to_xdr(),
            amount,
        })))
    }

    /// Creates `destination` with `starting_balance` stroops of XLM.
    pub fn create_account(destination: &str, starting_balance: i64) -> Result<Self, KeyError> {
        let dest = parse(destination)?;
        Ok(op(xdr::OperationBody::CreateAccount(
            xdr::CreateAccountOp {
                destination: account_id_xdr(&dest.account_id()),
                starting_balance,
            },
        )))
    }

    /// Creates, changes or (with limit 0) removes a trustline.
    pub fn change_trust(asset: &Asset, limit: i64) -> Self {
        op(xdr::OperationBody::ChangeTrust(xdr::ChangeTrustOp {
            line: asset.to_change_trust_xdr(),
            limit,
        }))
    }

    /// A trustline with the largest possible limit.
    pub fn trust(asset: &Asset) -> Self {
        Self::change_trust(asset, i64::MAX)
    }

    /// Sets (`Some`) or deletes (`None`) a data entry. Names are 1-64 bytes, values at most 64.
    pub fn manage_data(name: &str, value: Option<&[u8]>) -> Result<Self, KeyError> {
        let name: xdr::String64 = name
            .as_bytes()
            .to_vec()
            .try_into()
            .map_err(|_| KeyError("data name longer than 64 bytes".into()))?;
        let value = match value {
            Some(v) => {
                Some(xdr::DataValue(v.to_vec().try_into().map_err(|_| {
                    KeyError("data value longer than 64 bytes".into())
                })?))
            }
            None => None,
        };
        Ok(op(xdr::OperationBody::ManageData(xdr::ManageDataOp {
            data_name: name,
            data_value: value,
        })))
    }

    /// A set-options operation; build its fields with [`SetOptions`].
    pub fn set_options(options: SetOptions) -> Self {
        op(xdr::OperationBody::SetOptions(options.0))
    }

    /// Creates a claimable balance claimable unconditionally by each of `claimants`.
    pub fn create_claimable_balance(
        asset: &Asset,
        amount: i64,
        claimants: &[&str],
    ) -> Result<Self, KeyError> {
        let mut list = Vec::new();
        for c in claimants {
            list.push(xdr::Claimant::ClaimantTypeV0(xdr::ClaimantV0 {
                destination: account_id_xdr(&parse(c)?.account_id()),
                predicate: xdr::ClaimPredicate::Unconditional,
            }));
        }
        let claimants = list
            .try_into()
            .map_err(|_| KeyError("at most 10 claimants".into()))?;
        Ok(op(xdr::OperationBody::CreateClaimableBalance(
            xdr::CreateClaimableBalanceOp {
                asset: asset.to_xdr(),
                amount,
                claimants,
            },
        )))
    }

    /// Claims a claimable balance by its id (`00000000` + 64 hex digits, as Horizon shows it).
    pub fn claim_claimable_balance(balance_id: &str) -> Result<Self, KeyError> {
        let bad = || KeyError(format!("'{balance_id}' is not a claimable balance id"));
        let hex_id = balance_id.strip_prefix("00000000").ok_or_else(bad)?;
        let bytes: [u8; 32] = hex::decode(hex_id)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        Ok(op(xdr::OperationBody::ClaimClaimableBalance(
            xdr::ClaimClaimableBalanceOp {
                balance_id: xdr::ClaimableBalanceId::ClaimableBalanceIdTypeV0(xdr::Hash(bytes)),
            },
        )))
    }

    /// A path payment (strict receive) with an empty path.
    pub fn path_payment_strict_receive(
        send_asset: &Asset,
        send_max: i64,
        destination: &str,
        dest_asset: &Asset,
        dest_amount: i64,
    ) -> Result<Self, KeyError> {
        Ok(op(xdr::OperationBody::PathPaymentStrictReceive(
            xdr::PathPaymentStrictReceiveOp {
                send_asset: send_asset.to_xdr(),
                send_max,
                destination: muxed_xdr(&parse(destination)?),
                dest_asset: dest_asset.to_xdr(),
                dest_amount,
                path: Default::default(),
            },
        )))
    }
}

/// The fields of a set-options operation; unset fields stay unchanged.
#[derive(Debug, Clone, Default)]
pub struct SetOptions(pub xdr::SetOptionsOp);

impl SetOptions {
    /// Sets the master key weight.
    pub fn master_weight(mut self, weight: u8) -> Self {
        self.0.master_weight = Some(weight.into());
        self
    }

    /// Sets the low, medium and high thresholds.
    pub fn thresholds(mut self, low: u8, med: u8, high: u8) -> Self {
        self.0.low_threshold = Some(low.into());
        self.0.med_threshold = Some(med.into());
        self.0.high_threshold = Some(high.into());
        self
    }

    /// Adds, updates or (weight 0) removes an ed25519 signer.
    pub fn signer(mut self, account: &str, weight: u8) -> Result<Self, KeyError> {
        let key = *parse(account)?.key();
        self.0.signer = Some(xdr::Signer {
            key: xdr::SignerKey::Ed25519(xdr::Uint256(key)),
            weight: weight.into(),
        });
        Ok(self)
    }

    /// Sets account flags (see the `AUTH_*_FLAG` constants).
    pub fn set_flags(mut self, flags: u32) -> Self {
        self.0.set_flags = Some(flags);
        self
    }

    /// Clears account flags.
    pub fn clear_flags(mut self, flags: u32) -> Self {
        self.0.clear_flags = Some(flags);
        self
    }

    /// Sets the home domain (at most 32 bytes).
    pub fn home_domain(mut self, domain: &str) -> Result<Self, KeyError> {
        let d: xdr::StringM<32> = domain
            .as_bytes()
            .to_vec()
            .try_into()
            .map_err(|_| KeyError("home domain longer than 32 bytes".into()))?;
        self.0.home_domain = Some(xdr::String32(d));
        Ok(self)
    }
}

/// Builds a v1 transaction.
#[derive(Debug, Clone)]
pub struct TransactionBuilder {
    source: Address,
    sequence: i64,
    base_fee: u32,
    memo: Memo,
    time_bounds: Option<(u64, u64)>,
    ops: Vec<Op>,
}

impl TransactionBuilder {
    /// A transaction from `source` (`G...`/`M...`) using `sequence` (the account's current
    /// sequence plus one), paying `base_fee` stroops per operation.
    pub fn new(source: &str, sequence: i64, base_fee: u32) -> Result<Self, KeyError> {
        Ok(Self {
            source: parse(source)?,
            sequence,
            base_fee,
            memo: Memo::None,
            time_bounds: None,
            ops: vec![],
        })
    }

    /// Sets the memo.
    pub fn memo(mut self, memo: Memo) -> Self {
        self.memo = memo;
        self
    }

    /// Valid only up to `max_time` (unix seconds); `0` means no upper bound.
    pub fn timeout_at(mut self, max_time: u64) -> Self {
        let min = self.time_bounds.map_or(0, |t| t.0);
        self.time_bounds = Some((min, max_time));
        self
    }

    /// Sets both time bounds (unix seconds; `0` means unbounded).
    pub fn time_bounds(mut self, min_time: u64, max_time: u64) -> Self {
        self.time_bounds = Some((min_time, max_time));
        self
    }

    /// Adds an operation.
    pub fn op(mut self, op: Op) -> Self {
        self.ops.push(op);
        self
    }

    /// The unsigned transaction.
    pub fn build(&self) -> Result<xdr::Transaction, EnvelopeError> {
        let fee = self.base_fee.saturating_mul(self.ops.len().max(1) as u32);
        let cond = match self.time_bounds {
            None => xdr::Preconditions::None,
            Some((min, max)) => xdr::Preconditions::Time(xdr::TimeBounds {
                min_time: xdr::TimePoint(min),
                max_time: xdr::TimePoint(max),
            }),
        };
        let operations = self
            .ops
            .iter()
            .map(|o| o.0.clone())
            .collect::<Vec<_>>()
            .try_into();
        Ok(xdr::Transaction {
            source_account: muxed_xdr(&self.source),
            fee,
            seq_num: xdr::SequenceNumber(self.sequence),
            cond,
            memo: self.memo.to_xdr(),
            operations: operations.map_err(|_| EnvelopeError("at most 100 operations".into()))?,
            ext: xdr::TransactionExt::V0,
        })
    }

    /// Builds the envelope and signs it with every key in `signers`.
    pub fn sign(
        &self,
        signers: &[&KeyPair],
        passphrase: &str,
    ) -> Result<xdr::TransactionEnvelope, EnvelopeError> {
        let mut env = xdr::TransactionEnvelope::Tx(xdr::TransactionV1Envelope {
            tx: self.build()?,
            signatures: Default::default(),
        });
        for key in signers {
            sign_envelope(&mut env, key, passphrase)?;
        }
        Ok(env)
    }
}
