//! SEP-1: `GET /.well-known/stellar.toml`.

use actix_web::{web, HttpResponse};
use polaris_core::{sep1, Context};

use crate::error::HttpResult;

/// Mounts the stellar.toml route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/.well-known/stellar.toml")
            .wrap(crate::cors::sep())
            .route(web::get().to(stellar_toml)),
    );
}

async fn stellar_toml(ctx: web::Data<Context>) -> HttpResult {
    let text = sep1::stellar_toml(&ctx).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text.to_string()))
}
