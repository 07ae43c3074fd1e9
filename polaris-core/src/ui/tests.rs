use serde_json::json;

use super::*;
use crate::forms::{Field, Form};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polaris-ui-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn embedded_languages_have_every_english_key() {
    let ui = Ui::load(None).unwrap();
    assert_eq!(ui.languages(), vec!["en", "es", "fr"]);
    let en = ui.locales.table("en");
    for lang in ["es", "fr"] {
        let own = ui.locales.tables.get(lang).unwrap();
        let missing: Vec<_> = en.keys().filter(|k| !own.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
    }
    assert_eq!(ui.language("es-AR").as_deref(), Some("es"));
    assert_eq!(ui.language("xx"), None);
}

#[test]
fn every_widget_renders_with_its_errors() {
    let ui = Ui::load(None).unwrap();
    let mut form = Form::new("all")
        .field(Field::text("a", "A").required())
        .field(Field::email("b", "B"))
        .field(Field::decimal("c", "C", 2))
        .field(Field::integer("d", "D", None, None))
        .field(Field::choice("e", "E", [("1", "One")]))
        .field(Field::radio("f", "F", [("1", "One")]))
        .field(Field::checkbox("g", "G"))
        .field(Field::date("h", "H"))
        .field(Field::hidden("i", "secret"))
        .field(Field::textarea("j", "J"))
        .field(Field::file("k", "K"));
    form.bind(&crate::forms::FormData::default());
    let view = form.view(&|e| ui.error_text("fr", e));
    let html = ui
        .render(
            "sep24/deposit.html",
            "fr",
            json!({"form": view, "action": "/x", "transaction_id": "t", "csrf": "c"}),
        )
        .unwrap();
    for name in ["a", "b", "c", "d", "e", "f", "g", "h", "j", "k"] {
        assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
    }
    assert!(html.contains("type=\"hidden\" name=\"i\""));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("Ce champ est obligatoire."));
}

#[test]
fn pages_escape_values() {
    let ui = Ui::load(None).unwrap();
    let html = ui
        .render("sep24/error.html", "es", json!({"message": "<b>x</b>"}))
        .unwrap();
    assert!(html.contains("&lt;b&gt;") && html.contains("Algo salió mal"));
}

#[test]
fn assets_dir_replaces_and_adds_files() {
    let dir = temp_dir("override");
    std::fs::create_dir_all(dir.join("templates/sep24")).unwrap();
    std::fs::create_dir_all(dir.join("locales")).unwrap();
    std::fs::create_dir_all(dir.join("static/polaris")).unwrap();
    std::fs::write(
        dir.join("templates/sep24/error.html"),
        "{% extends \"sep24/base.html\" %}{% block content %}OWN {{ message }}{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        dir.join("locales/de.toml"),
        "title = \"Stellar-Überweisung\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("locales/fr.toml"), "continue = \"Suivant\"\n").unwrap();
    std::fs::write(dir.join("static/polaris/polaris.css"), "body{}").unwrap();
    std::fs::write(dir.join("static/own.txt"), "hello").unwrap();
    let ui = Ui::load(Some(dir.clone())).unwrap();

    let html = ui
        .render("sep24/error.html", "de", json!({"message": "m"}))
        .unwrap();
    assert!(html.contains("OWN m") && html.contains("Stellar-Überweisung"));
    assert_eq!(ui.language("de").as_deref(), Some("de"));
    // A partial locale falls back to English; an overridden key wins.
    assert_eq!(ui.text("de", "continue"), "Continue");
    assert_eq!(ui.text("fr", "continue"), "Suivant");
    assert_eq!(ui.text("fr", "amount"), "Montant");

    let css = ui.static_file("polaris/polaris.css").unwrap();
    assert_eq!(&*css.body, b"body{}");
    assert_eq!(css.content_type, "text/css");
    assert_eq!(&*ui.static_file("own.txt").unwrap().body, b"hello");
    let js = ui.static_file("polaris/polaris.js").unwrap();
    assert!(js.content_type.contains("javascript"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn static_paths_cannot_escape() {
    let ui = Ui::load(None).unwrap();
    for path in [
        "../Cargo.toml",
        "/etc/passwd",
        "",
        "polaris/../../x",
        "nope.css",
    ] {
        assert!(ui.static_file(path).is_none(), "{path}");
    }
    let logo = ui.static_file("polaris/logo.svg").unwrap();
    assert_eq!(logo.content_type, "image/svg+xml");
    assert!(logo.etag.starts_with('"') && logo.etag.len() > 10);
}
