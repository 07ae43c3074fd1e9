//! The interactive HTML pages: embedded tera templates and their UI strings.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Value};
use tera::Tera;

use crate::ApiError;

const KEYS: &[&str] = &[
    "title",
    "deposit",
    "withdraw",
    "amount",
    "continue",
    "details",
    "status",
    "id",
    "error",
    "amount_in",
    "amount_fee",
    "amount_out",
    "send_to",
    "memo",
    "bad_link",
    "reused",
    "no_session",
    "not_incomplete",
    "amount_out_of_bounds",
    "amount_below_fee",
    "invalid_amount",
    "csrf",
    "min",
    "max",
];

const EN: &[&str] = &[
    "Stellar transfer",
    "Deposit",
    "Withdraw",
    "Amount",
    "Continue",
    "Transaction details",
    "Status",
    "ID",
    "Something went wrong",
    "Amount sent",
    "Fee",
    "Amount received",
    "Send to account",
    "Memo",
    "This link is invalid or has expired. Start again from your wallet.",
    "This link was already used. Start again from your wallet.",
    "Your session does not cover this transaction. Start again from your wallet.",
    "This transaction is no longer waiting for your input.",
    "The amount is outside the allowed limits.",
    "The amount does not cover the fee.",
    "Enter a valid amount.",
    "The form expired. Reload the page and try again.",
    "Minimum",
    "Maximum",
];

const ES: &[&str] = &[
    "Transferencia Stellar",
    "Depositar",
    "Retirar",
    "Monto",
    "Continuar",
    "Detalles de la transacción",
    "Estado",
    "ID",
    "Algo salió mal",
    "Monto enviado",
    "Comisión",
    "Monto recibido",
    "Enviar a la cuenta",
    "Memo",
    "Este enlace no es válido o ha caducado. Empiece de nuevo desde su billetera.",
    "Este enlace ya se usó. Empiece de nuevo desde su billetera.",
    "Su sesión no cubre esta transacción. Empiece de nuevo desde su billetera.",
    "Esta transacción ya no espera sus datos.",
    "El monto está fuera de los límites permitidos.",
    "El monto no cubre la comisión.",
    "Introduzca un monto válido.",
    "El formulario caducó. Recargue la página e inténtelo de nuevo.",
    "Mínimo",
    "Máximo",
];

const FR: &[&str] = &[
    "Transfert Stellar",
    "Dépôt",
    "Retrait",
    "Montant",
    "Continuer",
    "Détails de la transaction",
    "Statut",
    "ID",
    "Une erreur est survenue",
    "Montant envoyé",
    "Frais",
    "Montant reçu",
    "Envoyer au compte",
    "Mémo",
    "Ce lien est invalide ou a expiré. Recommencez depuis votre portefeuille.",
    "Ce lien a déjà été utilisé. Recommencez depuis votre portefeuille.",
    "Votre session ne couvre pas cette transaction. Recommencez depuis votre portefeuille.",
    "Cette transaction n'attend plus votre saisie.",
    "Le montant est hors des limites autorisées.",
    "Le montant ne couvre pas les frais.",
    "Saisissez un montant valide.",
    "Le formulaire a expiré. Rechargez la page et réessayez.",
    "Minimum",
    "Maximum",
];

/// The UI strings of `lang` (English when unknown), keyed by message id.
pub fn strings(lang: &str) -> HashMap<&'static str, &'static str> {
    let table = match lang {
        "es" => ES,
        "fr" => FR,
        _ => EN,
    };
    KEYS.iter().copied().zip(table.iter().copied()).collect()
}

/// One UI string of `lang`, or the key itself when unknown.
pub fn text(lang: &str, key: &str) -> String {
    strings(lang)
        .get(key)
        .map_or_else(|| key.to_string(), |s| s.to_string())
}

fn engine() -> &'static Result<Tera, String> {
    static ENGINE: OnceLock<Result<Tera, String>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(vec![
            (
                "base.html",
                include_str!("../../../assets/templates/sep24/base.html"),
            ),
            (
                "amount.html",
                include_str!("../../../assets/templates/sep24/amount.html"),
            ),
            (
                "more_info.html",
                include_str!("../../../assets/templates/sep24/more_info.html"),
            ),
            (
                "error.html",
                include_str!("../../../assets/templates/sep24/error.html"),
            ),
        ])
        .map_err(|e| e.to_string())?;
        Ok(tera)
    })
}

/// Renders `template` with `values` plus `lang` and the UI strings `t`.
pub fn render(template: &str, lang: &str, values: Value) -> Result<String, ApiError> {
    let tera = engine().as_ref().map_err(ApiError::internal)?;
    let mut data = match values {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    data.insert("lang".into(), json!(lang));
    data.insert("t".into(), json!(strings(lang)));
    let ctx = tera::Context::from_value(Value::Object(data)).map_err(ApiError::internal)?;
    tera.render(template, &ctx).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string() {
        for table in [EN, ES, FR] {
            assert_eq!(table.len(), KEYS.len());
        }
        assert_eq!(text("fr", "amount"), "Montant");
    }

    #[test]
    fn pages_render_and_escape() {
        let html = render("error.html", "es", json!({"message": "<b>x</b>"})).unwrap();
        assert!(html.contains("&lt;b&gt;") && html.contains("Algo salió mal"));
    }
}
