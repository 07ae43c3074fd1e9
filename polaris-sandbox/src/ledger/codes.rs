//! Horizon's result code strings (`tx_bad_seq`, `op_no_trust` ...) for XDR results.

use serde::{Deserialize, Serialize};
use stellar_base::xdr;

/// Result codes as Horizon reports them in `extras.result_codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ResultCodes {
    /// The transaction code, e.g. `tx_failed`.
    pub transaction: String,
    /// For fee bumps: the inner transaction's codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_transaction: Option<Box<ResultCodes>>,
    /// One code per operation, e.g. `["op_success", "op_no_trust"]`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub operations: Vec<String>,
}

/// `TxBadSeq` -> `bad_seq` style conversion of an XDR variant name.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The Horizon code of a transaction result.
pub fn tx_code(result: &xdr::TransactionResultResult) -> String {
    match result {
        xdr::TransactionResultResult::TxNoAccount => "tx_no_source_account".into(),
        other => snake(other.name()),
    }
}

/// The Horizon code of an inner (fee-bumped) transaction result.
pub fn inner_tx_code(result: &xdr::InnerTransactionResultResult) -> String {
    match result {
        xdr::InnerTransactionResultResult::TxNoAccount => "tx_no_source_account".into(),
        other => snake(other.name()),
    }
}

/// The Horizon code of an operation result.
pub fn op_code(result: &xdr::OperationResult) -> String {
    use xdr::OperationResultTr as T;
    let inner = match result {
        xdr::OperationResult::OpInner(tr) => tr,
        xdr::OperationResult::OpNoAccount => return "op_no_source_account".into(),
        other => return format!("op_{}", snake(other.name()).trim_start_matches("op_")),
    };
    let name = match inner {
        T::CreateAccount(xdr::CreateAccountResult::AlreadyExist) => {
            return "op_already_exists".into()
        }
        T::PathPaymentStrictReceive(xdr::PathPaymentStrictReceiveResult::OverSendmax) => {
            return "op_over_source_max".into()
        }
        T::PathPaymentStrictSend(xdr::PathPaymentStrictSendResult::UnderDestmin) => {
            return "op_under_dest_min".into()
        }
        T::ManageData(xdr::ManageDataResult::NameNotFound) => {
            return "op_data_name_not_found".into()
        }
        T::ManageData(xdr::ManageDataResult::InvalidName) => return "op_data_invalid_name".into(),
        T::CreateAccount(r) => r.name(),
        T::Payment(r) => r.name(),
        T::PathPaymentStrictReceive(r) => r.name(),
        T::PathPaymentStrictSend(r) => r.name(),
        T::SetOptions(r) => r.name(),
        T::ChangeTrust(r) => r.name(),
        T::AllowTrust(r) => r.name(),
        T::ManageData(r) => r.name(),
        T::BumpSequence(r) => r.name(),
        T::CreateClaimableBalance(r) => r.name(),
        T::ClaimClaimableBalance(r) => r.name(),
        T::SetTrustLineFlags(r) => r.name(),
        _ => "NotSupported",
    };
    format!("op_{}", snake(name))
}

/// Whether an operation result is a success.
pub fn op_succeeded(result: &xdr::OperationResult) -> bool {
    op_code(result) == "op_success"
}

/// The codes of a transaction result, inner codes included for fee bumps.
pub fn result_codes(result: &xdr::TransactionResult) -> ResultCodes {
    use xdr::TransactionResultResult as R;
    match &result.result {
        R::TxSuccess(ops) | R::TxFailed(ops) => ResultCodes {
            transaction: tx_code(&result.result),
            inner_transaction: None,
            operations: ops.iter().map(op_code).collect(),
        },
        R::TxFeeBumpInnerSuccess(pair) | R::TxFeeBumpInnerFailed(pair) => {
            let inner = inner_codes(&pair.result.result);
            ResultCodes {
                transaction: tx_code(&result.result),
                operations: inner.operations.clone(),
                inner_transaction: Some(Box::new(inner)),
            }
        }
        other => ResultCodes {
            transaction: tx_code(other),
            ..Default::default()
        },
    }
}

/// The codes of a base64 `TransactionResult` (empty codes when it cannot be read).
pub fn codes_of_result_xdr(result_xdr: &str) -> ResultCodes {
    use stellar_base::xdr::XDRDeserialize as _;
    xdr::TransactionResult::from_xdr_base64(result_xdr)
        .map(|r| result_codes(&r))
        .unwrap_or_default()
}

fn inner_codes(result: &xdr::InnerTransactionResultResult) -> ResultCodes {
    use xdr::InnerTransactionResultResult as R;
    let operations = match result {
        R::TxSuccess(ops) | R::TxFailed(ops) => ops.iter().map(op_code).collect(),
        _ => vec![],
    };
    ResultCodes {
        transaction: inner_tx_code(result),
        inner_transaction: None,
        operations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_horizon() {
        assert_eq!(
            tx_code(&xdr::TransactionResultResult::TxBadSeq),
            "tx_bad_seq"
        );
        assert_eq!(
            tx_code(&xdr::TransactionResultResult::TxBadAuthExtra),
            "tx_bad_auth_extra"
        );
        assert_eq!(
            tx_code(&xdr::TransactionResultResult::TxNoAccount),
            "tx_no_source_account"
        );
        let op = |t| xdr::OperationResult::OpInner(t);
        assert_eq!(
            op_code(&op(xdr::OperationResultTr::Payment(
                xdr::PaymentResult::NoTrust
            ))),
            "op_no_trust"
        );
        assert_eq!(
            op_code(&op(xdr::OperationResultTr::Payment(
                xdr::PaymentResult::SrcNoTrust
            ))),
            "op_src_no_trust"
        );
        assert_eq!(
            op_code(&op(xdr::OperationResultTr::CreateAccount(
                xdr::CreateAccountResult::AlreadyExist
            ))),
            "op_already_exists"
        );
        assert_eq!(op_code(&xdr::OperationResult::OpBadAuth), "op_bad_auth");
        assert_eq!(
            op_code(&xdr::OperationResult::OpNotSupported),
            "op_not_supported"
        );
    }
}
