//! The SEP-6 `more_info_url` page: a capability link, signed so that only someone given
//! the URL (the wallet, the user) can open it, even when a transaction id leaks.

use crate::context::Context;
use crate::error::ApiError;
use crate::model::Protocol;
use crate::params::Params;
use crate::sep24::pages::{self, PageRequest};
use crate::store::{assets, transactions};
use crate::transfer::links::verify_more_info;
use crate::ui::Ui;

/// `GET /sep6/transaction/more_info?id=&token=[&lang=]`: the transaction as an HTML page,
/// rendered with the same template as SEP-24's (`sep24/more_info.html`, replaceable through
/// `ASSETS_DIR`).
pub async fn more_info_page(ctx: &Context, params: &Params) -> Result<String, ApiError> {
    let id = params.required("id")?.to_string();
    let token = params.required("token")?;
    if !verify_more_info(&ctx.settings, Protocol::Sep6, &id, token) {
        return Err(ApiError::forbidden(
            serde_json::json!({ "error": "this link is not valid" }),
        ));
    }
    let uuid = id
        .parse()
        .map_err(|_| ApiError::bad_request("id is not a transaction id"))?;
    let tx = ctx
        .store
        .run(move |c| transactions::by_id(c, uuid))
        .await?
        .ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let asset_id = tx.asset_id;
    let asset = ctx
        .store
        .run(move |c| assets::by_id(c, asset_id))
        .await?
        .ok_or_else(|| ApiError::not_found("asset not found"))?;
    let lang = params
        .get("lang")
        .and_then(|l| Ui::get(&ctx.settings).ok()?.language(l))
        .or_else(|| tx.lang.clone())
        .unwrap_or_else(|| "en".to_string());
    let page = PageRequest {
        settings: &ctx.settings,
        lang: &lang,
        callback: None,
        params,
        csrf: "",
    };
    pages::more_info_page(ctx, &tx, &asset, &page).await
}
