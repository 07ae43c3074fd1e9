//! The interactive loop: form -> post -> validate -> `after_form_validation` -> next form,
//! until the anchor has no more form and no content, when the transaction moves to
//! `pending_user_transfer_start`.
//!
//! The web layer authenticates the request (one-time token or session cookie, CSRF) and
//! then calls [`show`], [`submit`] or [`complete`], which answer a [`Reply`].

use rust_decimal::Decimal;

use super::interactive::Denied;
use super::pages::{self, PageRequest};
use crate::forms::{FieldError, Form, FormData, AMOUNT_FIELD};
use crate::integrations::{
    ContentRequest, FlowReturn, IntegrationError, InteractiveRequest, PageContent, ValidatedForm,
};
use crate::model::{Asset, Kind, MemoType, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::ui::Ui;
use crate::{ApiError, Context};

/// What the web layer sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An HTML page with its status code.
    Page {
        /// 200, or 400 for a form with errors, 403 for a refusal.
        status: u16,
        /// The page.
        html: String,
    },
    /// A `303 See Other` to this location.
    Redirect(String),
}

/// The page of an `incomplete` transaction: the next form, a content page, the anchor's
/// external app, or (with nothing left to ask) the end of the flow.
pub async fn show(
    ctx: &Context,
    tx: Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
) -> Result<Reply, ApiError> {
    if tx.status != Status::Incomplete {
        return Ok(Reply::Redirect(pages::more_info_path(&tx, page)));
    }
    let req = page.interactive(&tx, asset);
    let hooks = &ctx.integrations.interactive;
    if let Some(url) = hooks.interactive_url(&req).await? {
        return Ok(Reply::Redirect(url));
    }
    let form = hooks.form_for_transaction(&req).await?;
    let content = content(ctx, req, form.as_ref()).await?;
    if form.is_none() && content.is_none() {
        return finish(ctx, tx, asset, page).await;
    }
    render(ctx, &tx, asset, page, form.as_ref(), content, 200).await
}

/// A posted form: re-shown with its errors, or accepted (then the next step is shown).
pub async fn submit(
    ctx: &Context,
    tx: Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
    data: &FormData,
) -> Result<Reply, ApiError> {
    if tx.status != Status::Incomplete {
        return Ok(Reply::Redirect(pages::more_info_path(&tx, page)));
    }
    let req = page.interactive(&tx, asset);
    let hooks = &ctx.integrations.interactive;
    let Some(mut form) = hooks.form_for_transaction(&req).await? else {
        return Ok(Reply::Redirect(pages::webapp_path(&tx, page)));
    };
    form.bind(data);
    let mut updated = tx.clone();
    if form.is_valid() && form.is_transaction_form() {
        fill_amounts(ctx, &mut updated, asset, &mut form, page.lang).await?;
    }
    if form.is_valid() {
        let validated = ValidatedForm::new(req.for_transaction(&updated), &form);
        match hooks.after_form_validation(&validated).await {
            Ok(()) => return accept(ctx, tx, updated, &form, page).await,
            Err(IntegrationError::Rejected(message)) => form.add_error(message),
            Err(e) => return Err(e.into()),
        }
    }
    let content = content(ctx, req, Some(&form)).await?;
    render(ctx, &tx, asset, page, Some(&form), content, 400).await
}

/// The end of an external interactive app (`.../interactive/complete`).
///
/// A bare GET from the user's browser proves nothing, so this completes only a transaction
/// the anchor sent to an external app (`interactive_url`), and only when the anchor's
/// `after_interactive_flow` hook confirms the app's flow is done. A transaction on
/// Polaris' own forms goes back to its form; an unconfirmed one gets a 403 page.
pub async fn complete(
    ctx: &Context,
    tx: Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
) -> Result<Reply, ApiError> {
    if tx.status != Status::Incomplete {
        return Ok(Reply::Redirect(pages::more_info_path(&tx, page)));
    }
    let req = page.interactive(&tx, asset);
    let hooks = &ctx.integrations.interactive;
    if hooks.interactive_url(&req).await?.is_none() {
        return Ok(Reply::Redirect(pages::webapp_path(&tx, page)));
    }
    let mut back = FlowReturn::new(req);
    if !hooks.after_interactive_flow(&mut back).await? {
        let html = pages::denied_page(&ctx.settings, page.lang, &Denied::FlowNotDone)?;
        return Ok(Reply::Page { status: 403, html });
    }
    let mut updated = back.transaction;
    updated.id = tx.id;
    updated.kind = tx.kind;
    updated.status = tx.status;
    finish(ctx, updated, asset, page).await
}

/// The anchor's content for the transaction's own page, showing `form`.
async fn content(
    ctx: &Context,
    req: InteractiveRequest<'_>,
    form: Option<&Form>,
) -> Result<Option<PageContent>, ApiError> {
    let template = pages::template(req.transaction.kind)?;
    let request = ContentRequest::new(req, template, form);
    Ok(ctx
        .integrations
        .interactive
        .content_for_template(&request)
        .await?)
}

/// Sets `amount_in`, `amount_fee` and `amount_out` from the amount form, or adds an error.
/// The amount agreed in the page becomes `amount_expected`: what the anchor waits for (the
/// start request's `amount`, when there was one, was only a suggestion the user could change).
async fn fill_amounts(
    ctx: &Context,
    tx: &mut Transaction,
    asset: &Asset,
    form: &mut Form,
    lang: &str,
) -> Result<(), ApiError> {
    let Some(amount) = form.decimal(AMOUNT_FIELD) else {
        return Ok(());
    };
    if tx.amount_in_asset.is_some() {
        exchange_amount(ctx, tx, form, amount, lang)?;
        return Ok(());
    }
    match amounts(ctx, asset, tx.kind, amount).await? {
        Some((amount_in, fee, amount_out)) => {
            tx.amount_in = Some(amount_in);
            tx.amount_expected = Some(amount_in);
            tx.amount_fee = Some(fee);
            tx.amount_out = Some(amount_out);
        }
        None => {
            let text = Ui::get(&ctx.settings)?.text(lang, "amount_below_fee");
            form.add_field_error(AMOUNT_FIELD, FieldError::Message(text));
        }
    }
    Ok(())
}

/// The amount form of an exchange: a quoted one keeps its quote's amounts, and any other
/// amount is a form error (the user cannot change what was quoted); one without a quote
/// records the amount the user will send, the anchor fixing the rest when funds arrive.
fn exchange_amount(
    ctx: &Context,
    tx: &mut Transaction,
    form: &mut Form,
    amount: Decimal,
    lang: &str,
) -> Result<(), ApiError> {
    if tx.quote_id.is_none() {
        tx.amount_in = Some(amount);
        tx.amount_expected = Some(amount);
        return Ok(());
    }
    if tx.amount_in != Some(amount) {
        let text = Ui::get(&ctx.settings)?.text(lang, "amount_quoted");
        form.add_field_error(AMOUNT_FIELD, FieldError::Message(text));
    }
    Ok(())
}

/// `(amount_in, fee, amount_out)` for `amount`, honouring `ADDITIVE_FEES_ENABLED`;
/// `None` when the fee swallows the amount.
pub async fn amounts(
    ctx: &Context,
    asset: &Asset,
    kind: Kind,
    amount: Decimal,
) -> Result<Option<(Decimal, Decimal, Decimal)>, ApiError> {
    let params = crate::integrations::FeeParams::new(asset, kind, amount);
    let fee = crate::transfer::fee(&ctx.integrations, &params).await?;
    if ctx.settings.additive_fees_enabled {
        let amount_in = crate::transfer::amount::gross_of_fee(amount, fee)
            .ok_or_else(|| ApiError::bad_request("the amount is too large"))?;
        return Ok(Some((amount_in, fee, amount)));
    }
    Ok(crate::transfer::amount::net_of_fee(amount, fee).map(|out| (amount, fee, out)))
}

/// Stores what the amount form filled in and goes on to the next step.
async fn accept(
    ctx: &Context,
    before: Transaction,
    mut updated: Transaction,
    form: &Form,
    page: &PageRequest<'_>,
) -> Result<Reply, ApiError> {
    if form.is_transaction_form() && updated != before {
        let saved = ctx
            .store
            .run(move |c| Ok(state::save(c, &mut updated).map(|_| updated)))
            .await?;
        if let Err(e) = saved {
            return conflict(e, &before, page);
        }
    }
    Ok(Reply::Redirect(pages::webapp_path(&before, page)))
}

/// Nothing left to ask: the transaction waits for the user's transfer.
async fn finish(
    ctx: &Context,
    mut tx: Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
) -> Result<Reply, ApiError> {
    if tx.kind.paid_on_stellar() {
        tx.receiving_anchor_account = asset.distribution_account();
        tx.memo = Some(crate::transfer::withdraw_memo(tx.id));
        tx.memo_type = MemoType::Hash;
    }
    let before = tx.clone();
    let callback = page.callback.map(str::to_string);
    let moved = ctx
        .store
        .run(move |c| Ok(super::callback::finish_flow(c, tx, callback.as_deref())))
        .await?;
    match moved {
        Ok(done) => Ok(Reply::Redirect(pages::more_info_path(&done, page))),
        Err(e) => conflict(e, &before, page),
    }
}

/// Another request moved the transaction on meanwhile: show where it is now.
fn conflict(
    e: TransitionError,
    tx: &Transaction,
    page: &PageRequest<'_>,
) -> Result<Reply, ApiError> {
    match e {
        TransitionError::Conflict { .. } => Ok(Reply::Redirect(pages::more_info_path(tx, page))),
        other => Err(ApiError::internal(other)),
    }
}

async fn render(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
    form: Option<&Form>,
    content: Option<PageContent>,
    status: u16,
) -> Result<Reply, ApiError> {
    let html = pages::transfer_page(ctx, tx, asset, page, form, content).await?;
    Ok(Reply::Page { status, html })
}
