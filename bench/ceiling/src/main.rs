//! A trivial actix-web JSON handler: the most requests/s any actix-web server can
//! answer on this machine, to put the anchor's numbers in proportion.
//!
//! Usage: `bench-ceiling [BIND]` (default `127.0.0.1:8090`); 2 workers.

use actix_web::{get, web, App, HttpServer, Responder};
use serde::Serialize;

#[derive(Serialize)]
struct Info {
    message: &'static str,
}

#[get("/json")]
async fn json() -> impl Responder {
    web::Json(Info {
        message: "Hello, World!",
    })
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".to_string());
    HttpServer::new(|| App::new().service(json))
        .workers(2)
        .bind(bind)?
        .run()
        .await
}
