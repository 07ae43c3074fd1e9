//! Calls the interactive hooks of the deposit or withdrawal integration, by kind.

use crate::forms::Form;
use crate::integrations::{IntegrationError, InteractiveRequest, PageContent, Template};
use crate::model::{Kind, Transaction};
use crate::{ApiError, Context};

/// The page template of a kind of transaction.
pub fn template(kind: Kind) -> Template {
    match kind {
        Kind::Withdrawal => Template::Withdraw,
        _ => Template::Deposit,
    }
}

pub(crate) async fn form_for_transaction(
    ctx: &Context,
    req: &InteractiveRequest<'_>,
    tx: &Transaction,
) -> Result<Option<Form>, ApiError> {
    let i = &ctx.integrations;
    Ok(match tx.kind {
        Kind::Withdrawal => i.withdrawal.form_for_transaction(req, tx).await?,
        _ => i.deposit.form_for_transaction(req, tx).await?,
    })
}

pub(crate) async fn content(
    ctx: &Context,
    req: &InteractiveRequest<'_>,
    template: Template,
    form: Option<&Form>,
    tx: &Transaction,
) -> Result<Option<PageContent>, ApiError> {
    let i = &ctx.integrations;
    Ok(match tx.kind {
        Kind::Withdrawal => {
            i.withdrawal
                .content_for_template(req, template, form, tx)
                .await?
        }
        _ => {
            i.deposit
                .content_for_template(req, template, form, tx)
                .await?
        }
    })
}

pub(crate) async fn content_for_template(
    ctx: &Context,
    req: &InteractiveRequest<'_>,
    form: Option<&Form>,
    tx: &Transaction,
) -> Result<Option<PageContent>, ApiError> {
    content(ctx, req, template(tx.kind), form, tx).await
}

pub(crate) async fn after_form_validation(
    ctx: &Context,
    req: &InteractiveRequest<'_>,
    form: &Form,
    tx: &Transaction,
) -> Result<(), IntegrationError> {
    let i = &ctx.integrations;
    match tx.kind {
        Kind::Withdrawal => i.withdrawal.after_form_validation(req, form, tx).await,
        _ => i.deposit.after_form_validation(req, form, tx).await,
    }
}

pub(crate) async fn interactive_url(
    ctx: &Context,
    req: &InteractiveRequest<'_>,
    tx: &Transaction,
) -> Result<Option<String>, ApiError> {
    let i = &ctx.integrations;
    Ok(match tx.kind {
        Kind::Withdrawal => i.withdrawal.interactive_url(req, tx).await?,
        _ => i.deposit.interactive_url(req, tx).await?,
    })
}

pub(crate) async fn after_interactive_flow(
    ctx: &Context,
    req: &InteractiveRequest<'_>,
    tx: &mut Transaction,
) -> Result<bool, ApiError> {
    let i = &ctx.integrations;
    Ok(match tx.kind {
        Kind::Withdrawal => i.withdrawal.after_interactive_flow(req, tx).await?,
        _ => i.deposit.after_interactive_flow(req, tx).await?,
    })
}
