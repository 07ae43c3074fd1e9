//! Prometheus metrics over HTTP: the request middleware [`HttpMetrics`], `GET /metrics`, and
//! a listener of its own for `METRICS_BIND` ([`server`]). The metrics themselves are
//! [`polaris_core::metrics`]'s; `docs/metrics.md` lists them.
//!
//! Requests are counted by method, route *pattern* (`/sep24/transaction`, never the raw
//! path, so labels stay few) and status, with a latency histogram. Wrap the app with
//! [`Polaris::http_metrics`](crate::Polaris::http_metrics); [`crate::cli::serve`] does.

use std::future::{ready, Ready};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{forward_ready, Server, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::Method;
use actix_web::{web, App, Error, HttpResponse, HttpServer};
use futures::future::LocalBoxFuture;
use polaris_core::metrics::{Metrics, CONTENT_TYPE, UNMATCHED_ROUTE};
use polaris_core::Context;

/// Registers `GET /metrics`. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(scrape));
}

async fn scrape(ctx: web::Data<Context>) -> HttpResponse {
    let text = ctx.metrics.render(&ctx.store).await;
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header(("Cache-Control", "no-store"))
        .body(text)
}

/// A server answering only `GET /metrics` on `addr` (`METRICS_BIND`), on one worker, for
/// `serve` and the process commands. Run (or spawn) the returned server; stop it through
/// its handle.
pub fn server(ctx: Context, addr: SocketAddr) -> std::io::Result<Server> {
    let data = web::Data::new(ctx);
    let server = HttpServer::new(move || App::new().app_data(data.clone()).configure(configure))
        .workers(1)
        .disable_signals()
        .bind(addr)?;
    for addr in server.addrs() {
        tracing::info!("metrics on http://{addr}/metrics");
    }
    Ok(server.run())
}

/// The middleware recording every request in a context's [`Metrics`].
#[derive(Clone)]
pub struct HttpMetrics(Arc<Metrics>);

impl HttpMetrics {
    /// Records into `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self(metrics)
    }
}

impl<S, B> Transform<S, ServiceRequest> for HttpMetrics
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = HttpMetricsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(HttpMetricsService {
            service,
            metrics: self.0.clone(),
        }))
    }
}

/// The service [`HttpMetrics`] wraps around the app.
pub struct HttpMetricsService<S> {
    service: S,
    metrics: Arc<Metrics>,
}

impl<S, B> Service<ServiceRequest> for HttpMetricsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let started = Instant::now();
        let method = method_label(req.method());
        let route = req
            .match_pattern()
            .unwrap_or_else(|| UNMATCHED_ROUTE.to_string());
        let metrics = self.metrics.clone();
        let answer = self.service.call(req);
        Box::pin(async move {
            let result = answer.await;
            let status = match &result {
                Ok(response) => response.status(),
                Err(e) => e.as_response_error().status_code(),
            };
            metrics.http_request(method, &route, status.as_u16(), started.elapsed());
            result
        })
    }
}

/// The method as a label: the standard ones by name, any other as `other`.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    KNOWN
        .into_iter()
        .find(|m| *m == method.as_str())
        .unwrap_or("other")
}
