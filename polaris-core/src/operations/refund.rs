//! Refunds: each payment back to the user is added to the SEP `refunds` object.
//!
//! The SEPs' amount formulas hold after every refund: `refunds.amount_refunded` is the sum
//! of the payments' amounts, `refunds.amount_fee` the sum of their fees, and a partial refund
//! lowers `amount_out` to `amount_in - amount_fee - amount_refunded - refunds.amount_fee`,
//! which the processes then pay. A refund is full once the payments and their fees add up
//! to `amount_in`: the transaction ends `refunded`. A partial one leaves the status as it is,
//! so the transaction goes on with what is left (or the anchor fails it).

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{check, move_to, not_in_flight, on_transaction, OperationError};
use crate::model::{Kind, RefundPayment, Refunds, Stage, Status, Transaction};
use crate::state;
use crate::store::{DbConnection, Store};

/// Where a refund payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundIdType {
    /// On Stellar: the payment id is the transaction hash.
    Stellar,
    /// Off-chain: the payment id is the anchor's reference.
    External,
}

impl RefundIdType {
    /// The SEP string, `stellar` or `external`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stellar => "stellar",
            Self::External => "external",
        }
    }
}

/// One refund payment made to the user.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Refund {
    /// The transaction.
    pub id: Uuid,
    /// The payment: Stellar transaction hash or off-chain reference.
    pub payment_id: String,
    /// Where the payment was made.
    pub id_type: RefundIdType,
    /// The amount returned, in units of the asset received.
    pub amount: Decimal,
    /// What the refund cost the user. Default 0.
    pub fee: Decimal,
}

impl Refund {
    /// `amount` returned to the user of transaction `id` by payment `payment_id`, without fee.
    pub fn new(
        id: Uuid,
        payment_id: impl Into<String>,
        id_type: RefundIdType,
        amount: Decimal,
    ) -> Self {
        Self {
            id,
            payment_id: payment_id.into(),
            id_type,
            amount,
            fee: Decimal::ZERO,
        }
    }

    /// With the fee charged for the refund.
    pub fn with_fee(mut self, fee: Decimal) -> Self {
        self.fee = fee;
        self
    }

    fn payment(&self) -> RefundPayment {
        RefundPayment {
            id: self.payment_id.clone(),
            id_type: self.id_type.as_str().to_string(),
            amount: self.amount,
            fee: self.fee,
        }
    }
}

/// Records one refund payment. Refused before the funds arrived, once the transaction is
/// over (except from `error`), while its money is moving, and for amounts that are not
/// positive or would refund more than `amount_in`.
pub async fn refund(store: &Store, request: Refund) -> Result<Transaction, OperationError> {
    let payment = request.payment();
    on_transaction(store, request.id, move |c, tx| apply_refund(c, tx, payment)).await
}

/// [`refund`] on a loaded transaction, written through the state machine.
pub(crate) fn apply_refund(
    c: &mut DbConnection,
    tx: &mut Transaction,
    payment: RefundPayment,
) -> Result<(), OperationError> {
    not_in_flight(tx)?;
    match add_payment(tx, payment)? {
        Some(to) => move_to(c, tx, to),
        // Wallets show the refunds object: their callback hears of it.
        None => Ok(state::save_notify(c, tx)?),
    }
}

/// Adds `payment` to `tx`'s refunds and fixes its amounts; returns `Some(refunded)` when the
/// refund is now full. `tx` is left unchanged on error.
fn add_payment(
    tx: &mut Transaction,
    payment: RefundPayment,
) -> Result<Option<Status>, OperationError> {
    if payment.amount <= Decimal::ZERO || payment.fee < Decimal::ZERO {
        return Err(OperationError::BadAmount(format!(
            "a refund needs a positive amount and a fee of 0 or more, got {} and {}",
            payment.amount, payment.fee
        )));
    }
    if !holds_funds(tx) {
        return Err(OperationError::NotAllowed {
            status: tx.status,
            reason: "the anchor holds no funds of this transaction to refund".into(),
        });
    }
    let amount_in = tx
        .amount_in
        .ok_or_else(|| OperationError::BadAmount("no amount_in was recorded".into()))?;
    let mut refunds = tx.refunds.clone().unwrap_or_default();
    refunds.amount_refunded = add(refunds.amount_refunded, payment.amount)?;
    refunds.amount_fee = add(refunds.amount_fee, payment.fee)?;
    refunds.payments.push(payment);
    let total = add(refunds.amount_refunded, refunds.amount_fee)?;
    if total > amount_in {
        return Err(OperationError::BadAmount(format!(
            "the refunds and their fees ({total}) would exceed amount_in ({amount_in})"
        )));
    }
    if total == amount_in {
        check(tx, Status::Refunded)?;
        finish_full(tx, refunds);
        return Ok(Some(Status::Refunded));
    }
    let left = left_to_pay(tx, amount_in, &refunds)?;
    tx.refunds = Some(refunds);
    tx.amount_out = Some(left);
    Ok(None)
}

fn finish_full(tx: &mut Transaction, refunds: Refunds) {
    tx.refunds = Some(refunds);
    tx.refunded = true;
    tx.amount_out = Some(Decimal::ZERO);
    tx.stage = Stage::None;
    tx.resume_status = None;
}

/// `amount_in - amount_fee - amount_refunded - refunds.amount_fee`, which must stay positive.
fn left_to_pay(
    tx: &Transaction,
    amount_in: Decimal,
    r: &Refunds,
) -> Result<Decimal, OperationError> {
    let left = amount_in
        .checked_sub(tx.amount_fee.unwrap_or_default())
        .and_then(|v| v.checked_sub(r.amount_refunded))
        .and_then(|v| v.checked_sub(r.amount_fee));
    match left {
        Some(left) if left > Decimal::ZERO => Ok(left),
        _ => Err(OperationError::BadAmount(format!(
            "after its fee nothing of amount_in ({amount_in}) would be left to pay out: refund it in full"
        ))),
    }
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, OperationError> {
    a.checked_add(b)
        .ok_or_else(|| OperationError::BadAmount("the refund total overflows".into()))
}

/// Whether the anchor holds (or is receiving) the user's funds in this status.
fn holds_funds(tx: &Transaction) -> bool {
    use Status::*;
    match tx.status {
        PendingAnchor
        | OnHold
        | PendingUserTransferComplete
        | PendingTrust
        | PendingReceiver
        | Error => true,
        PendingExternal => match tx.kind {
            Kind::Deposit => true,
            Kind::Withdrawal | Kind::Send => false,
        },
        Incomplete
        | PendingUserTransferStart
        | PendingStellar
        | PendingUser
        | PendingCustomerInfoUpdate
        | PendingTransactionInfoUpdate
        | PendingSender
        | Completed
        | Refunded
        | Expired
        | NoMarket
        | TooSmall
        | TooLarge => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn received(amount_in: Decimal, fee: Decimal) -> Transaction {
        let mut tx = Transaction::new(Kind::Withdrawal, crate::model::Protocol::Sep24, 1, "G");
        tx.status = Status::PendingAnchor;
        tx.stage = Stage::ReadyToPay;
        (tx.amount_in, tx.amount_fee) = (Some(amount_in), Some(fee));
        tx.amount_out = amount_in.checked_sub(fee);
        tx
    }

    fn payment(amount: Decimal, fee: Decimal) -> RefundPayment {
        Refund::new(Uuid::nil(), "ref", RefundIdType::External, amount)
            .with_fee(fee)
            .payment()
    }

    #[test]
    fn partial_refunds_keep_the_sep_amount_formulas() {
        let mut tx = received(dec!(100), dec!(2));
        assert_eq!(
            add_payment(&mut tx, payment(dec!(10), dec!(1))).unwrap(),
            None
        );
        assert_eq!(
            add_payment(&mut tx, payment(dec!(5), dec!(0))).unwrap(),
            None
        );
        let r = tx.refunds.clone().unwrap();
        assert_eq!((r.amount_refunded, r.amount_fee), (dec!(15), dec!(1)));
        assert_eq!(r.payments.len(), 2);
        // amount_out = amount_in - amount_fee - amount_refunded - refunds.amount_fee
        assert_eq!(tx.amount_out, Some(dec!(82)));
        assert!(!tx.refunded);
        assert_eq!(tx.stage, Stage::ReadyToPay, "the rest is still paid out");
    }

    #[test]
    fn a_refund_adding_up_to_amount_in_is_full() {
        let mut tx = received(dec!(100), dec!(2));
        let to = add_payment(&mut tx, payment(dec!(99), dec!(1))).unwrap();
        assert_eq!(to, Some(Status::Refunded));
        assert!(tx.refunded);
        assert_eq!(tx.amount_out, Some(Decimal::ZERO));
        assert_eq!(tx.stage, Stage::None);
    }

    #[test]
    fn bad_amounts_are_refused_and_change_nothing() {
        let mut tx = received(dec!(100), dec!(2));
        let before = tx.clone();
        for (amount, fee) in [(dec!(0), dec!(0)), (dec!(-1), dec!(0)), (dec!(1), dec!(-1))] {
            let e = add_payment(&mut tx, payment(amount, fee)).unwrap_err();
            assert!(matches!(e, OperationError::BadAmount(_)), "{e}");
        }
        let e = add_payment(&mut tx, payment(dec!(100), dec!(1))).unwrap_err();
        assert!(e.to_string().contains("exceed amount_in"), "{e}");
        let e = add_payment(&mut tx, payment(dec!(98.5), dec!(0))).unwrap_err();
        assert!(e.to_string().contains("in full"), "{e}");
        assert_eq!(tx, before);
        tx.status = Status::PendingUserTransferStart;
        let e = add_payment(&mut tx, payment(dec!(1), dec!(0))).unwrap_err();
        assert!(matches!(e, OperationError::NotAllowed { .. }), "{e}");
    }
}
