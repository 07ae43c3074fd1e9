//! set_options and set_trust_line_flags.

use stellar_base::xdr;

use super::{source, OpContext};
use polaris_core::stellar::asset::account_id_string;
use polaris_core::stellar::tx::{AUTH_IMMUTABLE_FLAG, AUTH_REVOCABLE_FLAG};
use polaris_core::stellar::Asset;
use stellar_strkey::ed25519;

const KNOWN_FLAGS: u32 = 0xf;
const MAX_SIGNERS: usize = 20;

/// Applies set_options.
pub(super) fn set_options(
    ctx: &mut OpContext<'_>,
    op: &xdr::SetOptionsOp,
) -> xdr::SetOptionsResult {
    use xdr::SetOptionsResult as R;
    if let Err(r) = check_options(ctx, op) {
        return r;
    }
    let acc = source(ctx);
    if let Some(f) = op.set_flags {
        acc.flags |= f;
    }
    if let Some(f) = op.clear_flags {
        acc.flags &= !f;
    }
    let byte = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
    if let Some(w) = op.master_weight {
        acc.master_weight = byte(w);
    }
    for (i, t) in [op.low_threshold, op.med_threshold, op.high_threshold]
        .into_iter()
        .enumerate()
    {
        if let Some(t) = t {
            acc.thresholds[i] = byte(t);
        }
    }
    if let Some(d) = &op.home_domain {
        acc.home_domain = String::from_utf8_lossy(d.0.as_slice()).into_owned();
    }
    if let Some(s) = &op.signer {
        if let xdr::SignerKey::Ed25519(k) = &s.key {
            let id = ed25519::PublicKey(k.0).to_string();
            if s.weight == 0 {
                acc.signers.remove(&id);
            } else {
                acc.signers.insert(id, byte(s.weight));
            }
        }
    }
    R::Success
}

fn check_options(ctx: &OpContext<'_>, op: &xdr::SetOptionsOp) -> Result<(), xdr::SetOptionsResult> {
    use xdr::SetOptionsResult as R;
    let acc = &ctx.state.accounts[&ctx.source];
    let (set, clear) = (op.set_flags.unwrap_or(0), op.clear_flags.unwrap_or(0));
    if (set | clear) & !KNOWN_FLAGS != 0 {
        return Err(R::UnknownFlag);
    }
    if set & clear != 0 {
        return Err(R::BadFlags);
    }
    if (set | clear) != 0 && acc.flags & AUTH_IMMUTABLE_FLAG != 0 {
        return Err(R::CantChange);
    }
    let weights = [
        op.master_weight,
        op.low_threshold,
        op.med_threshold,
        op.high_threshold,
    ];
    if weights.iter().flatten().any(|w| *w > 255) {
        return Err(R::ThresholdOutOfRange);
    }
    if let Some(d) = &op.home_domain {
        if d.0.as_slice().iter().any(|b| !(0x20..0x7f).contains(b)) {
            return Err(R::InvalidHomeDomain);
        }
    }
    if let Some(dest) = &op.inflation_dest {
        if !ctx.state.accounts.contains_key(&account_id_string(dest)) {
            return Err(R::InvalidInflation);
        }
    }
    match &op.signer {
        Some(s) => check_signer(ctx, s),
        None => Ok(()),
    }
}

fn check_signer(ctx: &OpContext<'_>, s: &xdr::Signer) -> Result<(), xdr::SetOptionsResult> {
    use xdr::SetOptionsResult as R;
    let acc = &ctx.state.accounts[&ctx.source];
    let xdr::SignerKey::Ed25519(k) = &s.key else {
        return Err(R::BadSigner);
    };
    let id = ed25519::PublicKey(k.0).to_string();
    if id == acc.id || s.weight > 255 {
        return Err(R::BadSigner);
    }
    if s.weight > 0 && !acc.signers.contains_key(&id) {
        if acc.signers.len() >= MAX_SIGNERS {
            return Err(R::TooManySigners);
        }
        let reserve = ctx.state.base_reserve;
        if acc.balance < acc.min_balance(reserve) + reserve {
            return Err(R::LowReserve);
        }
    }
    Ok(())
}

/// Applies set_trust_line_flags (the authorized flag only).
pub(super) fn set_trust_line_flags(
    ctx: &mut OpContext<'_>,
    op: &xdr::SetTrustLineFlagsOp,
) -> xdr::SetTrustLineFlagsResult {
    use xdr::SetTrustLineFlagsResult as R;
    let Some(asset) = Asset::from_xdr(&op.asset) else {
        return R::Malformed;
    };
    if asset.issuer() != Some(ctx.source.as_str()) || op.set_flags & op.clear_flags != 0 {
        return R::Malformed;
    }
    let revoking = op.clear_flags & 1 != 0;
    if revoking && ctx.state.accounts[&ctx.source].flags & AUTH_REVOCABLE_FLAG == 0 {
        return R::CantRevoke;
    }
    let trustor = account_id_string(&op.trustor);
    let ledger = ctx.state.next_seq();
    let Some(line) = ctx
        .state
        .accounts
        .get_mut(&trustor)
        .and_then(|a| a.trustlines.get_mut(&asset.to_string()))
    else {
        return R::NoTrustLine;
    };
    if op.set_flags & 1 != 0 {
        line.authorized = true;
    }
    if revoking {
        line.authorized = false;
    }
    line.last_modified_ledger = ledger;
    R::Success
}
