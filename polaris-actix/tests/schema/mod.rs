//! Checks response bodies against the JSON Schemas in `schemas/` at the repository root
//! (written from the SEP texts; see docs/conformance.md).
//!
//! [`read`] is what the HTTP tests call on every response: it finds the schema of the endpoint
//! that answered (by route pattern, method and status), validates the JSON body and panics with
//! every validation error. [`assert_valid`] and [`errors`] check a body against a named schema.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::dev::ServiceResponse;
use actix_web::test;
use jsonschema::{Registry, Resource, Validator};
use serde_json::{json, Value};

/// The `$id` prefix of every schema file; a file's `$id` is this plus its path under `schemas/`.
pub const BASE: &str = "https://polaris-rs.invalid/schemas/";

/// The `schemas/` directory at the root of the workspace (found from any member crate).
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|p| p.join("schemas"))
        .find(|p| p.join("common/error.json").is_file())
        .expect("schemas/ at the workspace root")
}

/// Every schema file as (path under `schemas/` with `/` separators, parsed JSON).
pub fn files() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    collect(&dir(), "", &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, Value)>) {
    for entry in std::fs::read_dir(dir).expect("schemas/ directory") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        if path.is_dir() {
            collect(&path, &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".json") && name != "routes.json" {
            let text = std::fs::read_to_string(&path).expect("read schema");
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("schemas/{prefix}{name} is not JSON: {e}"));
            out.push((format!("{prefix}{name}"), value));
        }
    }
}

fn registry() -> &'static Registry<'static> {
    static REGISTRY: OnceLock<Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let resources = files()
            .into_iter()
            .map(|(name, value)| (format!("{BASE}{name}"), Resource::from_contents(value)));
        Registry::new()
            .extend(resources)
            .and_then(|b| b.prepare())
            .expect("the schemas form a registry")
    })
}

/// The compiled validator of `name`: a file under `schemas/`, optionally with a JSON pointer
/// fragment, e.g. `sep24/info.json` or `sep6/deposit.json#/$defs/success`.
pub fn validator(name: &str) -> Result<Arc<Validator>, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().expect("cache").get(name) {
        return Ok(v.clone());
    }
    let validator = jsonschema::options()
        .with_registry(registry())
        .should_validate_formats(true)
        .build(&json!({ "$ref": format!("{BASE}{name}") }))
        .map_err(|e| format!("schemas/{name} does not compile: {e}"))?;
    let validator = Arc::new(validator);
    cache
        .lock()
        .expect("cache")
        .insert(name.to_string(), validator.clone());
    Ok(validator)
}

/// Every way `body` breaks schema `name` (empty when it validates), each with its location.
pub fn errors(name: &str, body: &Value) -> Vec<String> {
    let validator = validator(name).unwrap_or_else(|e| panic!("{e}"));
    validator
        .iter_errors(body)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("at {at}: {e}")
        })
        .collect()
}

/// Panics, listing every error, unless `body` validates against schema `name`.
pub fn assert_valid(name: &str, body: &Value) {
    let errors = errors(name, body);
    assert!(
        errors.is_empty(),
        "the body breaks schemas/{name}:\n  {}\nbody: {body}",
        errors.join("\n  ")
    );
}

/// What the schema lookup needs to know about a response.
#[derive(Debug, Clone, Copy)]
pub struct Answered<'a> {
    /// The HTTP method of the request.
    pub method: &'a str,
    /// The matched route pattern (e.g. `/sep6/transactions/{id}`), else the request path.
    pub route: &'a str,
    /// The status code.
    pub status: u16,
}

/// `schemas/routes.json`: which schema each SEP answer must satisfy (shared with the Python
/// wallet suites).
fn routes() -> &'static Value {
    static ROUTES: OnceLock<Value> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let text = std::fs::read_to_string(dir().join("routes.json")).expect("routes.json");
        serde_json::from_str(&text).expect("routes.json is JSON")
    })
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// The schema a response must satisfy, from `schemas/routes.json`; `None` when the route
/// answers no JSON (HTML pages, files, empty 200s) or is not a SEP route (`/protected` in the
/// SEP-10 tests). Panics on a successful SEP route it does not know, so a new endpoint cannot
/// go unchecked.
pub fn schema_for(a: Answered) -> Option<String> {
    let r = routes();
    let prefix = strings(&r["prefixes"]).find(|p| a.route.starts_with(p))?;
    if strings(&r["no_json"]).any(|p| p == a.route) {
        return None;
    }
    let key = format!("{} {}", a.method, a.route);
    let name = if (200..300).contains(&a.status) {
        if strings(&r["empty_success"]).any(|k| k == key) {
            return None;
        }
        r["success"][&key]
            .as_str()
            .unwrap_or_else(|| panic!("no schema for {key} in schemas/routes.json"))
    } else {
        r["errors"][format!("{} {key}", a.status)]
            .as_str()
            .or_else(|| r["error_by_prefix"][prefix].as_str())
            .expect("an error schema for every prefix")
    };
    Some(name.to_string())
}

/// Validates `body` against the schema of the endpoint that answered (see [`schema_for`]).
pub fn check(a: Answered, body: &Value) {
    if let Some(name) = schema_for(a) {
        let errors = errors(&name, body);
        assert!(
            errors.is_empty(),
            "{} {} answered {} with a body that breaks schemas/{name}:\n  {}\nbody: {body}",
            a.method,
            a.route,
            a.status,
            errors.join("\n  ")
        );
    }
}

/// Reads a response: its status and JSON body (`Null` if not JSON), checked by [`check`].
pub async fn read(resp: ServiceResponse) -> (u16, Value) {
    let status = resp.status().as_u16();
    let method = resp.request().method().to_string();
    let route = resp
        .request()
        .match_pattern()
        .unwrap_or_else(|| resp.request().path().to_string());
    let bytes = test::read_body(resp).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    check(
        Answered {
            method: &method,
            route: &route,
            status,
        },
        &body,
    );
    (status, body)
}
