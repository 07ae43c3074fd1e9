//! How a deposit reaches its destination: a payment when the account exists and trusts
//! the asset; a claimable balance when the wallet supports them and the trustline (or the
//! account) is missing; otherwise the account is created and the deposit waits in
//! `pending_trust`.

use stellar_base::xdr;

use crate::model::{Asset, Transaction};
use crate::stellar::envelope::{decode_envelope, muxed_address};
use crate::stellar::tx::Op;
use crate::stellar::{Address, Asset as StellarAsset};
use crate::transfer::amount::to_stroops as stroops;

/// XLM, in stroops, given to an account Polaris creates: the minimum balance of an
/// account with one trustline (1.5 XLM) and a margin for the user's first fees.
pub const STARTING_BALANCE: i64 = 20_000_000;

/// What the envelope of one deposit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// A payment (several deposits may share an envelope).
    Payment,
    /// A claimable balance for an existing account without the trustline.
    Claimable,
    /// Create the account; the deposit then waits for the trustline.
    CreateAccount,
    /// Create the account and leave a claimable balance for it.
    CreateAndClaimable,
}

/// What an applied envelope did for one deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Delivered {
    /// The funds were paid.
    Paid,
    /// The funds wait in this claimable balance.
    Claimable(String),
    /// Only the account was created.
    AccountCreated,
}

/// The operations of `delivery` for `tx`.
pub(crate) fn ops(tx: &Transaction, asset: &Asset, delivery: Delivery) -> Result<Vec<Op>, String> {
    let amount = tx.amount_out.ok_or("no amount_out to pay")?;
    let amount =
        stroops(amount).ok_or_else(|| format!("amount {amount} cannot be paid on Stellar"))?;
    let destination = tx.to_address.clone().ok_or("no destination account")?;
    let account = Address::parse(&destination).map_err(|e| e.0)?.account_id();
    let stellar_asset = StellarAsset::credit(&asset.code, &asset.issuer).map_err(|e| e.0)?;
    let create = || Op::create_account(&account, STARTING_BALANCE).map_err(|e| e.0);
    let claimable = || {
        Op::create_claimable_balance(&stellar_asset, amount, &[account.as_str()]).map_err(|e| e.0)
    };
    Ok(match delivery {
        Delivery::Payment => {
            vec![Op::payment(&destination, stellar_asset.clone(), amount).map_err(|e| e.0)?]
        }
        Delivery::Claimable => vec![claimable()?],
        Delivery::CreateAccount => vec![create()?],
        Delivery::CreateAndClaimable => vec![create()?, claimable()?],
    })
}

/// The index of the operation of `envelope` that carries `tx`'s funds (or creates its
/// account when nothing else does), and what it did once applied.
pub(crate) fn find(envelope: &str, tx: &Transaction) -> Option<(usize, Delivered)> {
    let xdr::TransactionEnvelope::Tx(v1) = decode_envelope(envelope).ok()? else {
        return None;
    };
    let to = Address::parse(tx.to_address.as_deref()?).ok()?;
    let amount = stroops(tx.amount_out?)?;
    let mut created = None;
    for (i, op) in v1.tx.operations.iter().enumerate() {
        match &op.body {
            xdr::OperationBody::Payment(p)
                if muxed_address(&p.destination) == to && p.amount == amount =>
            {
                return Some((i, Delivered::Paid));
            }
            xdr::OperationBody::CreateClaimableBalance(c) if c.amount == amount => {
                let ours = c.claimants.iter().any(|xdr::Claimant::ClaimantTypeV0(v)| {
                    let xdr::PublicKey::PublicKeyTypeEd25519(k) = &v.destination.0;
                    Address::Account(k.0) == Address::Account(*to.key())
                });
                if ours {
                    let source = muxed_address(&v1.tx.source_account).account_id();
                    let id = balance_id(&source, v1.tx.seq_num.0, i as u32)?;
                    return Some((i, Delivered::Claimable(id)));
                }
            }
            xdr::OperationBody::CreateAccount(c) => {
                let xdr::PublicKey::PublicKeyTypeEd25519(k) = &c.destination.0;
                if k.0 == *to.key() && created.is_none() {
                    created = Some((i, Delivered::AccountCreated));
                }
            }
            _ => {}
        }
    }
    created
}

/// Horizon's id of the claimable balance made by operation `index` of a transaction of
/// `source` with sequence number `seq`: `00000000` and the hex SHA-256 of its operation id.
pub fn balance_id(source: &str, seq: i64, index: u32) -> Option<String> {
    use sha2::{Digest, Sha256};
    use stellar_base::xdr::{Limits, WriteXdr};
    let key = Address::parse(source).ok()?;
    let preimage = xdr::HashIdPreimage::OpId(xdr::HashIdPreimageOperationId {
        source_account: xdr::AccountId(xdr::PublicKey::PublicKeyTypeEd25519(xdr::Uint256(
            *key.key(),
        ))),
        seq_num: xdr::SequenceNumber(seq),
        op_num: index,
    });
    let bytes = preimage.to_xdr(Limits::none()).ok()?;
    Some(format!("00000000{}", hex::encode(Sha256::digest(bytes))))
}
