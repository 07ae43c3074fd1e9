//! A form: fields, the data posted to it, and its errors.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::field::{Field, FieldError, UploadedFile, Widget};
use super::validate;
use crate::model::{Asset, Kind};

/// The id of the form built by [`Form::transaction`].
pub const TRANSACTION_FORM: &str = "transaction";

/// The name of the amount field of [`Form::transaction`].
pub const AMOUNT_FIELD: &str = "amount";

/// What a browser posted: text values by name, and uploaded files by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormData {
    /// Text values; when a name is posted twice the last value wins.
    pub values: HashMap<String, String>,
    /// Uploaded files.
    pub files: HashMap<String, UploadedFile>,
}

impl FormData {
    /// Data made of text values only.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            files: HashMap::new(),
        }
    }
}

/// A form shown on an interactive page: built by the anchor in
/// `form_for_transaction`, bound to the posted data and validated by Polaris, then handed
/// to `after_form_validation` where its values are read.
#[derive(Debug, Clone)]
pub struct Form {
    id: String,
    fields: Vec<Field>,
    errors: Vec<FieldError>,
    bound: bool,
}

impl Form {
    /// An empty form; `id` tells the anchor's forms apart (e.g. `"kyc"`).
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            fields: Vec::new(),
            errors: Vec::new(),
            bound: false,
        }
    }

    /// The amount form of a deposit or withdrawal of `asset`: one required decimal field
    /// named [`AMOUNT_FIELD`], bounded by the asset's limits for `kind` and by its
    /// significant decimals, pre-filled with the wallet's `amount`. When it validates,
    /// Polaris computes the fee and stores `amount_in`, `amount_fee` and `amount_out`.
    pub fn transaction(asset: &Asset, kind: Kind, amount: Option<Decimal>) -> Self {
        let config = asset.operation(kind);
        let mut field = Field::decimal(AMOUNT_FIELD, "amount", asset.significant_decimals)
            .required()
            .bounds(config.min_amount, config.max_amount);
        if let Some(a) = amount {
            field = field.initial(a.normalize().to_string());
        }
        Self::new(TRANSACTION_FORM).field(field)
    }

    /// Adds a field.
    pub fn field(mut self, field: Field) -> Self {
        self.fields.push(field);
        self
    }

    /// The form's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this is the amount form of [`Form::transaction`].
    pub fn is_transaction_form(&self) -> bool {
        self.id == TRANSACTION_FORM
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The field called `name`.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The value of field `name` (bound or initial). Check boxes read `"true"`/`"false"`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Field::value)
    }

    /// The value of a decimal field.
    pub fn decimal(&self, name: &str) -> Option<Decimal> {
        self.value(name).and_then(|v| v.parse().ok())
    }

    /// The file uploaded in field `name`.
    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.get(name).and_then(Field::uploaded)
    }

    /// Whether a browser must post it as `multipart/form-data` (it has a file field).
    pub fn is_multipart(&self) -> bool {
        self.fields.iter().any(|f| f.widget == Widget::File)
    }

    /// Form-level errors (not tied to one field).
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Adds a form-level error, e.g. a message from `after_form_validation`.
    pub fn add_error(&mut self, message: impl Into<String>) {
        self.errors.push(FieldError::Message(message.into()));
    }

    /// Adds an error to field `name` (a form error when there is no such field).
    pub fn add_field_error(&mut self, name: &str, error: FieldError) {
        match self.fields.iter_mut().find(|f| f.name == name) {
            Some(f) => f.errors.push(error),
            None => self.errors.push(error),
        }
    }

    /// Binds posted data to the fields and validates every one of them.
    pub fn bind(&mut self, data: &FormData) {
        self.bound = true;
        self.errors.clear();
        for f in &mut self.fields {
            f.value = data.values.get(&f.name).cloned();
            f.file = data.files.get(&f.name).cloned();
            validate::field(f);
        }
    }

    /// Whether the form was bound and has no error at all.
    pub fn is_valid(&self) -> bool {
        self.bound && self.errors.is_empty() && self.fields.iter().all(|f| f.errors.is_empty())
    }

    /// The form as template data; `message` turns an error into text in the page language.
    pub fn view(&self, message: &dyn Fn(&FieldError) -> String) -> Value {
        let fields: Vec<Value> = self.fields.iter().map(|f| field_view(f, message)).collect();
        json!({
            "id": self.id,
            "multipart": self.is_multipart(),
            "errors": self.errors.iter().map(message).collect::<Vec<_>>(),
            "fields": fields,
        })
    }
}

fn field_view(f: &Field, message: &dyn Fn(&FieldError) -> String) -> Value {
    let value = f.value().unwrap_or_default();
    let mut v = json!({
        "name": f.name,
        "label": f.label,
        "widget": f.widget.name(),
        "required": f.required,
        "value": value,
        "help": f.help,
        "placeholder": f.placeholder,
        "errors": f.errors.iter().map(message).collect::<Vec<_>>(),
        "checked": value == "true" || value == "on",
    });
    match &f.widget {
        Widget::Choice(choices) | Widget::Radio(choices) => {
            v["choices"] = choices
                .iter()
                .map(|c| json!({"value": c.value, "label": c.label, "selected": c.value == value}))
                .collect();
        }
        Widget::Decimal { min, max, decimals } => {
            v["min"] = json!(min.map(|m| m.normalize().to_string()));
            v["max"] = json!(max.map(|m| m.normalize().to_string()));
            v["decimals"] = json!(decimals);
        }
        Widget::Integer { min, max } => {
            v["min"] = json!(min);
            v["max"] = json!(max);
        }
        _ => {}
    }
    v
}
