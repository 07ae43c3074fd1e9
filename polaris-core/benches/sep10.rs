//! SEP-10 throughput: challenges built, and signed challenges verified, per second.
//!
//! Run with `cargo bench -p polaris-core --bench sep10`.

use std::collections::HashMap;

use criterion::{criterion_main, Criterion, Throughput};
use polaris_core::sep10::{
    build_challenge, read_challenge, sign_challenge, verify_signers, ChallengeRequest,
};
use polaris_core::stellar::KeyPair;
use polaris_core::Settings;

fn settings() -> Settings {
    let map: HashMap<String, String> = [
        (
            "SIGNING_SEED".to_string(),
            KeyPair::random().seed().expose().to_string(),
        ),
        (
            "SERVER_JWT_KEY".to_string(),
            "bench-secret-of-some-length".to_string(),
        ),
        (
            "HOST_URL".to_string(),
            "https://anchor.example.com".to_string(),
        ),
    ]
    .into();
    Settings::from_map(&map).expect("bench settings")
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn bench(c: &mut Criterion) {
    let s = settings();
    let client = KeyPair::random();
    let params = ChallengeRequest::from_query(&format!("account={}", client.public_key()))
        .validate(&s)
        .expect("valid request");
    let mut group = c.benchmark_group("sep10");
    group.throughput(Throughput::Elements(1));
    group.bench_function("challenge_build", |b| {
        b.iter(|| build_challenge(&s, &params, None, now()).expect("challenge"))
    });
    let xdr = build_challenge(&s, &params, None, now())
        .expect("challenge")
        .transaction;
    let signed = sign_challenge(&xdr, &client, &s.network_passphrase).expect("signed");
    let server = s.signing_key.public_key_bytes();
    group.bench_function("challenge_verify", |b| {
        b.iter(|| {
            let challenge = read_challenge(&s, &signed, now()).expect("readable");
            verify_signers(&challenge, None, &server).expect("verified")
        })
    });
    group.finish();
}

mod harness {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(harness::benches);
