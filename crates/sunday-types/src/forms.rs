//! Forms: a board's form view asks the public for an item. Its settings name the questions
//! (columns of the board, with a label, help text and whether an answer is required); once
//! published, anyone with its link may fill it in, and each submission becomes an item created
//! by the Form actor, an ordinary change like any other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::{boards::ColumnType, ids::*};

/// The actor of every item a form submission creates: shown as "Form".
pub const FORM_ACTOR: UserId = UserId(uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_a070_0005));

/// The types of column a form may ask for: those a stranger can answer by typing or picking
/// (not people of the organization, files, links to other items or values Sunday computes).
pub const FORM_COLUMN_TYPES: [ColumnType; 13] = [
    ColumnType::Text,
    ColumnType::LongText,
    ColumnType::Number,
    ColumnType::Status,
    ColumnType::Dropdown,
    ColumnType::Date,
    ColumnType::Timeline,
    ColumnType::Checkbox,
    ColumnType::Rating,
    ColumnType::Link,
    ColumnType::Email,
    ColumnType::Phone,
    ColumnType::Tags,
];

/// A form view's `settings`. Sunday keeps `secret` and `password_hash` itself: what a client
/// sends in their place is ignored, and answers carry `has_password` and `link` instead.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSettings {
    /// Shown at the top of the form (the view's name when empty).
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The question whose answer names the item (default "Name"); always asked, always required.
    #[serde(default)]
    pub name_label: String,
    /// The questions after the name, in order.
    #[serde(default)]
    pub fields: Vec<FormField>,
    /// The group new items go to (the board's first group when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    /// Whether the form answers at its public link.
    #[serde(default)]
    pub public: bool,
    /// Shown after a submission ("Thank you!" when empty).
    #[serde(default)]
    pub submit_message: String,
    /// The secret half of the public link (kept by Sunday; `POST /views/{id}/form/link` makes a
    /// new one, which revokes the old link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Kept by Sunday, never shown.
    #[serde(default, skip_serializing)]
    pub password_hash: Option<String>,
    /// In answers: whether the form asks for a password (`PUT /views/{id}/form/password`).
    #[serde(default)]
    pub has_password: bool,
    /// In answers: the form's public path, `/forms/{token}` (the page; the API's is under
    /// `/api/v1/forms/{token}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// One question of a form: a column of the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub column_id: ColumnId,
    /// The question (the column's title when empty).
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub required: bool,
}

/// `PUT /views/{id}/form/password`: `null` or empty removes the password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormPasswordRequest {
    pub password: Option<String>,
}

/// A published form as its public page shows it. A form with a password shows only its title
/// until the password is given (the `X-Form-Password` header).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicForm {
    pub title: String,
    pub description: String,
    pub name_label: String,
    pub fields: Vec<PublicField>,
    pub needs_password: bool,
}

/// A question on the public page, with what its column accepts.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicField {
    pub column_id: ColumnId,
    pub label: String,
    pub help: String,
    pub required: bool,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The column's settings (a status's or dropdown's labels, a rating's maximum…).
    #[schema(value_type = Object)]
    pub settings: Value,
}

/// `POST /api/v1/forms/{token}`: the answers, each in its column's value format.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSubmission {
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub values: BTreeMap<ColumnId, Value>,
    /// The form's password, when it has one.
    #[serde(default)]
    pub password: Option<String>,
    /// Left empty by people: the page hides it. A submission that fills it is taken for a
    /// bot's, answered as a success and dropped.
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FormSubmitted {
    pub submitted: bool,
    pub message: String,
}
