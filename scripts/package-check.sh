#!/usr/bin/env bash
# Checks that the library crates can be published and used from a registry:
#
# 1. `cargo publish --dry-run --workspace` packages every publishable member (those without
#    `publish = false`) as a registry would receive it, members depending on each other's
#    packaged versions. Its own verification build is skipped: step 2 is that build.
# 2. A scratch application, outside the workspace, depends on those packaged crates by
#    version (patched to the archives, unpacked in target/package/) and must compile. It
#    uses the workspace's dev profile and lock file, so it reuses the workspace's builds.
#
# Extra arguments go to `cargo publish` (e.g. --allow-dirty while working on the tree).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

members=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["publish"] is None or p["publish"]:
        print(p["name"], p["version"])
')
[ -n "$members" ] || { echo "no publishable workspace member" >&2; exit 1; }
echo "publishable members:"
echo "$members" | sed 's/^/  /'

cargo publish --dry-run --workspace --no-verify "$@"

target="${CARGO_TARGET_DIR:-$root/target}"
echo "$members" | while read -r name version; do
  rm -rf "$target/package/$name-$version"
  archive="$target/package/$name-$version.crate"
  [ -f "$archive" ] || archive="$target/package/tmp-crate/$name-$version.crate"
  tar -xzf "$archive" -C "$target/package"
done
app="$target/package-check-app"
rm -rf "$app"
mkdir -p "$app/src"
{
  echo '[package]'
  echo 'name = "package-check-app"'
  echo 'version = "0.0.0"'
  echo 'edition = "2021"'
  echo 'publish = false'
  echo
  echo '[workspace]'
  echo
  echo '[dependencies]'
  echo 'actix-web = "4"'
  echo "$members" | while read -r name version; do echo "$name = \"=$version\""; done
  echo
  echo '[patch.crates-io]'
  echo "$members" | while read -r name version; do
    dir="$target/package/$name-$version"
    [ -f "$dir/Cargo.toml" ] || { echo "missing unpacked package $dir" >&2; exit 1; }
    echo "$name = { path = \"$dir\" }"
  done
  echo
  echo '[profile.dev]'
  echo 'debug = "line-tables-only"'
  echo '[profile.dev.package."*"]'
  echo 'debug = false'
} > "$app/Cargo.toml"
cat > "$app/src/main.rs" <<'RUST'
//! An anchor built on the packaged crates only: settings, the builder, mounting, the CLI.
use actix_web::{App, HttpServer};
use polaris_actix::Polaris;

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = polaris_actix::cli::load_settings();
    let polaris = Polaris::builder(settings).run_migrations(true).build().await?;
    let _settings: &polaris_core::Settings = &polaris.context().settings;
    let _server = HttpServer::new(move || App::new().configure(polaris.configure()))
        .bind(("127.0.0.1", 0))?;
    Ok(())
}
RUST
# The workspace's lock file pins the same dependency versions (and reuses their builds).
cp Cargo.lock "$app/Cargo.lock"
CARGO_TARGET_DIR="$target" cargo build --manifest-path "$app/Cargo.toml"
echo "package check: ok"
