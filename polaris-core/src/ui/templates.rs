//! The tera templates: embedded ones, replaced or extended by `ASSETS_DIR/templates`.

use std::path::Path;

use tera::Tera;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../assets/templates/", $name)))),*]
    };
}

/// The templates Polaris ships, by name (their path under `assets/templates/`).
pub const EMBEDDED: &[(&str, &str)] = embedded!(
    "sep24/base.html",
    "sep24/deposit.html",
    "sep24/withdraw.html",
    "sep24/form.html",
    "sep24/more_info.html",
    "sep24/error.html",
    "sep24/widgets/text.html",
    "sep24/widgets/email.html",
    "sep24/widgets/decimal.html",
    "sep24/widgets/integer.html",
    "sep24/widgets/choice.html",
    "sep24/widgets/radio.html",
    "sep24/widgets/checkbox.html",
    "sep24/widgets/date.html",
    "sep24/widgets/hidden.html",
    "sep24/widgets/textarea.html",
    "sep24/widgets/file.html",
    "backoffice/base.html",
    "backoffice/macros.html",
    "backoffice/login.html",
    "backoffice/message.html",
    "backoffice/transactions.html",
    "backoffice/transaction.html",
    "backoffice/assets.html",
    "backoffice/asset_form.html",
    "backoffice/payments.html",
    "backoffice/customers.html",
);

/// Loads `dir/templates/**/*.html` (when `dir` is set) over the embedded templates.
pub fn load(dir: Option<&Path>) -> Result<Tera, String> {
    let mut embedded = Tera::default();
    embedded
        .add_raw_templates(EMBEDDED.iter().copied())
        .map_err(|e| format!("embedded templates: {e}"))?;
    let mut tera = match dir.map(|d| d.join("templates")).filter(|d| d.is_dir()) {
        Some(d) => {
            let glob = format!("{}/**/*.html", d.display());
            let mut own = Tera::parse(&glob).map_err(|e| format!("{glob}: {e:?}"))?;
            own.extend(&embedded).map_err(|e| e.to_string())?;
            own.build_inheritance_chains()
                .map_err(|e| format!("templates in {}: {e:?}", d.display()))?;
            own
        }
        None => embedded,
    };
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    Ok(tera)
}

/// HTML escaping for text and quoted attribute values. Unlike tera's default it leaves
/// `/` alone, so URLs stay readable in the page source.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}
