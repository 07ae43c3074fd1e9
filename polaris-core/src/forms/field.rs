//! One input of a form: its kind, label, constraints, bound value and errors.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

/// A custom check of a field's text value; `Err` holds the message shown to the user.
pub type Validator = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// A value the user can pick in a [`Widget::Choice`] or [`Widget::Radio`] field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The value posted back.
    pub value: String,
    /// The text shown.
    pub label: String,
}

/// The kind of input a field is, with the constraints that belong to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    /// One line of text.
    Text,
    /// An email address.
    Email,
    /// A decimal number with bounds and at most `decimals` decimal places.
    Decimal {
        /// Smallest accepted value.
        min: Option<Decimal>,
        /// Largest accepted value.
        max: Option<Decimal>,
        /// Decimal places accepted.
        decimals: u32,
    },
    /// A whole number with bounds.
    Integer {
        /// Smallest accepted value.
        min: Option<i64>,
        /// Largest accepted value.
        max: Option<i64>,
    },
    /// A drop-down list.
    Choice(Vec<Choice>),
    /// A set of radio buttons.
    Radio(Vec<Choice>),
    /// A check box; its value is `true` when ticked.
    Checkbox,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A value posted back unchanged and not shown.
    Hidden,
    /// Several lines of text.
    Textarea,
    /// An uploaded file (the form is then posted as `multipart/form-data`).
    File,
}

impl Widget {
    /// The widget's name, which is also its template: `sep24/widgets/<name>.html`.
    pub fn name(&self) -> &'static str {
        match self {
            Widget::Text => "text",
            Widget::Email => "email",
            Widget::Decimal { .. } => "decimal",
            Widget::Integer { .. } => "integer",
            Widget::Choice(_) => "choice",
            Widget::Radio(_) => "radio",
            Widget::Checkbox => "checkbox",
            Widget::Date => "date",
            Widget::Hidden => "hidden",
            Widget::Textarea => "textarea",
            Widget::File => "file",
        }
    }
}

/// Why a field's value was refused. Polaris' own errors are translated when the page is
/// rendered; [`FieldError::Message`] is shown as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "arg", rename_all = "snake_case")]
pub enum FieldError {
    /// The field is required and empty.
    Required,
    /// Not an email address.
    InvalidEmail,
    /// Not a number.
    InvalidNumber,
    /// Below the minimum, which is given.
    BelowMin(String),
    /// Above the maximum, which is given.
    AboveMax(String),
    /// More decimal places than allowed (the count allowed).
    TooManyDecimals(u32),
    /// Not one of the choices.
    InvalidChoice,
    /// Not a `YYYY-MM-DD` date.
    InvalidDate,
    /// A message from the anchor (a validator or `after_form_validation`).
    Message(String),
}

/// An uploaded file of a [`Widget::File`] field.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The file name the browser sent.
    pub filename: Option<String>,
    /// The content type the browser sent.
    pub content_type: Option<String>,
    /// The bytes.
    pub data: Vec<u8>,
}

impl fmt::Debug for UploadedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadedFile")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

/// One input of a [`Form`](super::Form).
#[derive(Clone)]
pub struct Field {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) widget: Widget,
    pub(crate) required: bool,
    pub(crate) initial: Option<String>,
    pub(crate) help: Option<String>,
    pub(crate) placeholder: Option<String>,
    pub(crate) validators: Vec<Validator>,
    pub(crate) value: Option<String>,
    pub(crate) file: Option<UploadedFile>,
    pub(crate) errors: Vec<FieldError>,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field")
            .field("name", &self.name)
            .field("widget", &self.widget)
            .field("required", &self.required)
            .field("value", &self.value)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl Field {
    /// A field of any widget; optional until [`Field::required`].
    pub fn new(name: impl Into<String>, label: impl Into<String>, widget: Widget) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            widget,
            required: false,
            initial: None,
            help: None,
            placeholder: None,
            validators: Vec::new(),
            value: None,
            file: None,
            errors: Vec::new(),
        }
    }

    /// A one-line text field.
    pub fn text(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(name, label, Widget::Text)
    }

    /// An email field.
    pub fn email(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(name, label, Widget::Email)
    }

    /// A decimal field with up to `decimals` places and no bounds (see [`Field::bounds`]).
    pub fn decimal(name: impl Into<String>, label: impl Into<String>, decimals: u32) -> Self {
        let widget = Widget::Decimal {
            min: None,
            max: None,
            decimals,
        };
        Self::new(name, label, widget)
    }

    /// A whole-number field with optional bounds.
    pub fn integer(
        name: impl Into<String>,
        label: impl Into<String>,
        min: Option<i64>,
        max: Option<i64>,
    ) -> Self {
        Self::new(name, label, Widget::Integer { min, max })
    }

    /// A drop-down list of `(value, label)` pairs.
    pub fn choice<V: Into<String>, L: Into<String>>(
        name: impl Into<String>,
        label: impl Into<String>,
        choices: impl IntoIterator<Item = (V, L)>,
    ) -> Self {
        Self::new(name, label, Widget::Choice(choices_of(choices)))
    }

    /// Radio buttons of `(value, label)` pairs.
    pub fn radio<V: Into<String>, L: Into<String>>(
        name: impl Into<String>,
        label: impl Into<String>,
        choices: impl IntoIterator<Item = (V, L)>,
    ) -> Self {
        Self::new(name, label, Widget::Radio(choices_of(choices)))
    }

    /// A check box.
    pub fn checkbox(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(name, label, Widget::Checkbox)
    }

    /// A date field.
    pub fn date(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(name, label, Widget::Date)
    }

    /// A hidden field carrying `value`.
    pub fn hidden(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(name, "", Widget::Hidden).initial(value)
    }

    /// A multi-line text field.
    pub fn textarea(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(name, label, Widget::Textarea)
    }

    /// A file upload field.
    pub fn file(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(name, label, Widget::File)
    }

    /// Makes the field required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The value shown before the user types anything.
    pub fn initial(mut self, value: impl Into<String>) -> Self {
        self.initial = Some(value.into());
        self
    }

    /// A help text shown under the field.
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// A placeholder shown inside an empty field.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.placeholder = Some(text.into());
        self
    }

    /// Bounds of a decimal field (ignored by other widgets).
    pub fn bounds(mut self, min: Option<Decimal>, max: Option<Decimal>) -> Self {
        if let Widget::Decimal { decimals, .. } = self.widget {
            self.widget = Widget::Decimal { min, max, decimals };
        }
        self
    }

    /// Adds a check run on the non-empty text value after the built-in ones.
    pub fn validator(
        mut self,
        check: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.validators.push(Arc::new(check));
        self
    }

    /// The field's name, as posted.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The widget.
    pub fn widget(&self) -> &Widget {
        &self.widget
    }

    /// Whether the field is required.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// The bound value (after a post), else the initial value.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref().or(self.initial.as_deref())
    }

    /// The uploaded file of a file field, after a post.
    pub fn uploaded(&self) -> Option<&UploadedFile> {
        self.file.as_ref()
    }

    /// The errors found by the last validation.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

fn choices_of<V: Into<String>, L: Into<String>>(
    choices: impl IntoIterator<Item = (V, L)>,
) -> Vec<Choice> {
    choices
        .into_iter()
        .map(|(v, l)| Choice {
            value: v.into(),
            label: l.into(),
        })
        .collect()
}
