#![forbid(unsafe_code)]
//! Runs the shop with Polaris under `/anchor` on `HOST_URL` (default
//! `http://localhost:8000`, local mode): `cargo run -p embedded-app`.

use actix_web::cookie::Key;
use actix_web::{web, HttpServer};
use embedded_app::{app, Shop, PREFIX};
use polaris_actix::{cli, Polaris};
use polaris_core::Settings;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    cli::init_tracing();
    let settings = Settings::from_lookup(&|name| {
        std::env::var(name)
            .ok()
            .or_else(|| (name == "LOCAL_MODE").then(|| "true".to_string()))
    })
    .unwrap_or_else(|e| cli::fail(&e));
    let polaris = Polaris::builder(settings)
        .base_path(PREFIX)
        .run_migrations(true)
        .build()
        .await
        .unwrap_or_else(|e| cli::fail(&e));
    let shop = web::Data::new(Shop {
        name: "The Shop".into(),
        ..Shop::default()
    });
    let key = Key::generate();
    announce(&polaris);
    HttpServer::new(move || app(&polaris, shop.clone(), key.clone()))
        .bind(("127.0.0.1", 8000))?
        .run()
        .await
}

fn announce(polaris: &Polaris) {
    let settings = &polaris.context().settings;
    eprintln!(
        "the shop on http://127.0.0.1:8000/api/hello, Polaris on {} (stellar.toml at the root)",
        settings.url("")
    );
}
