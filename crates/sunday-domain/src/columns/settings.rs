//! Column settings: validation, canonical form with every default filled, the read side used
//! by value validation, and the rule that keeps status labels and dropdown options that items
//! still use from disappearing.
//!
//! Canonical settings per type:
//! - `status`: `{"labels": [{"id", "name", "color", "done"}]}`; defaults to "Working on it"
//!   (orange), "Stuck" (red), "Done" (green, done). At most 40 labels, at most one `done`.
//! - `dropdown`: `{"options": [{"id", "name", "color"}]}` (`color` may be `null`); defaults to
//!   no options; at most 200.
//! - `number`: `{"unit": string or null, "decimals": 0..=6}`; unit up to 10 characters,
//!   decimals (places shown, stored values are never rounded) default 2.
//! - `rating`: `{"max": 1..=10}`, default 5.
//! - every other type: `{}`.
//!
//! Label and option names are 1 to 60 characters, unique case-insensitively. Ids are short
//! stable strings (`[A-Za-z0-9_-]`, at most 20): missing ones are generated as `l1`, `l2`, … for
//! labels and `o1`, `o2`, … for options, numbered past the highest existing one so a fresh id
//! never repeats a kept one. Colors are a [`PALETTE`] name or `#rrggbb`. Unknown keys
//! anywhere are refused (rule `unknown_setting`).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use sunday_types::boards::{Column, ColumnType};
use sunday_types::{ApiError, ErrorCode, ErrorDetails};

use super::kinds::kind_of;
use sunday_types::column_settings::{ColumnSettings, DropdownOption, DropdownSettings, Label, StatusSettings};

/// Named colors, monday-like; a color is one of these or `#rrggbb`.
pub const PALETTE: &[&str] = &[
    "green",
    "orange",
    "red",
    "blue",
    "purple",
    "grey",
    "yellow",
    "pink",
    "dark_blue",
    "sky",
    "teal",
    "lime",
    "brown",
    "dark_red",
    "indigo",
    "black",
];

const MAX_LABELS: usize = 40;
const MAX_OPTIONS: usize = 200;
const NAME_MAX: usize = 60;
const ID_MAX: usize = 20;
pub(crate) const UNIT_MAX: usize = 10;
pub(crate) const DECIMALS_MAX: u64 = 6;
pub(crate) const DEFAULT_DECIMALS: u64 = 2;
pub(crate) const RATING_MAX: u64 = 10;
pub(crate) const DEFAULT_RATING_MAX: u64 = 5;

/// One status label or dropdown option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Stable id, what cells store.
    pub id: String,
    /// Display name, unique case-insensitively within the column.
    pub name: String,
    /// A palette name or `#rrggbb`; options may have none.
    pub color: Option<String>,
    /// Whether this label means "done" (status only; at most one per column).
    pub done: bool,
}

/// Which list of choices a column type holds.
#[derive(Clone, Copy)]
enum ChoiceKind {
    Label,
    Option,
}

impl ChoiceKind {
    fn of(ty: ColumnType) -> Option<ChoiceKind> {
        match ty {
            ColumnType::Status => Some(ChoiceKind::Label),
            ColumnType::Dropdown => Some(ChoiceKind::Option),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            ChoiceKind::Label => "labels",
            ChoiceKind::Option => "options",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            ChoiceKind::Label => "label",
            ChoiceKind::Option => "option",
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            ChoiceKind::Label => "l",
            ChoiceKind::Option => "o",
        }
    }

    fn max(self) -> usize {
        match self {
            ChoiceKind::Label => MAX_LABELS,
            ChoiceKind::Option => MAX_OPTIONS,
        }
    }
}

fn default_labels() -> Vec<Choice> {
    [("l1", "Working on it", "orange", false), ("l2", "Stuck", "red", false), ("l3", "Done", "green", true)]
        .into_iter()
        .map(|(id, name, color, done)| Choice { id: id.into(), name: name.into(), color: Some(color.into()), done })
        .collect()
}

/// Validates `settings` for a column of type `ty` and returns them in canonical form, every
/// default filled. `None` and `null` mean "all defaults". Errors are `validation_failed` with
/// `details.field = "settings"` and the broken `rule`.
pub fn normalize_settings(ty: ColumnType, settings: Option<&Value>) -> Result<ColumnSettings, ApiError> {
    let empty = Map::new();
    let obj = match settings {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(settings_error(ty, "type", format!("settings of a {} column must be an object", ty.as_str())))
        }
    };
    kind_of(ty).settings(obj)
}

/// Settings of the kinds that hold choices (status labels, dropdown options).
pub(crate) fn choice_settings(ty: ColumnType, obj: &Map<String, Value>) -> Result<ColumnSettings, ApiError> {
    let Some(kind) = ChoiceKind::of(ty) else {
        return Err(settings_error(ty, "type", format!("a {} column has no choices", ty.as_str())));
    };
    allow_keys(ty, obj, &[kind.key()], "settings")?;
    let list = match (obj.get(kind.key()), kind) {
        (None | Some(Value::Null), ChoiceKind::Label) => default_labels(),
        (None | Some(Value::Null), ChoiceKind::Option) => Vec::new(),
        (Some(Value::Array(items)), _) => parse_choices(ty, kind, items)?,
        (Some(_), _) => {
            return Err(settings_error(ty, "type", format!("`{}` must be an array of {}s", kind.key(), kind.noun())))
        }
    };
    Ok(match kind {
        ChoiceKind::Label => ColumnSettings::Status(StatusSettings {
            labels: list.into_iter().map(|c| Label { id: c.id, name: c.name, color: c.color, done: c.done }).collect(),
        }),
        ChoiceKind::Option => ColumnSettings::Dropdown(DropdownSettings {
            options: list.into_iter().map(|c| DropdownOption { id: c.id, name: c.name, color: c.color }).collect(),
        }),
    })
}

/// Checks that replacing `column`'s settings with `new_settings` keeps every label (status) or
/// option (dropdown) that items still use: an id in `used_values` may only disappear when
/// `replacements` maps it to an id of the new settings (the caller then rewrites those cells).
/// Renaming or recoloring (same id) is always fine. Other column types always pass.
///
/// Errors: `new_settings` invalid (as [`normalize_settings`]); rule `label_in_use` with the
/// ids in `details.ids`; rule `unknown_replacement` when a replacement names an id that is not
/// in the new settings.
pub fn check_settings_change(
    column: &Column,
    new_settings: &Value,
    used_values: &HashSet<String>,
    replacements: &HashMap<String, String>,
) -> Result<(), ApiError> {
    let Some(kind) = ChoiceKind::of(column.column_type) else {
        return Ok(());
    };
    let new = normalize_settings(column.column_type, Some(new_settings))?;
    let new_ids: HashSet<&str> =
        new.labels().iter().map(|l| l.id.as_str()).chain(new.options().iter().map(|o| o.id.as_str())).collect();
    let removed_in_use: Vec<String> = choices(column)
        .into_iter()
        .map(|c| c.id)
        .filter(|id| !new_ids.contains(id.as_str()) && used_values.contains(id))
        .collect();
    let (replaced, unreplaced): (Vec<String>, Vec<String>) =
        removed_in_use.into_iter().partition(|id| replacements.contains_key(id));
    if !unreplaced.is_empty() {
        return Err(change_error(
            column,
            "label_in_use",
            format!(
                "column \"{}\": items still use the {} {} being removed; give a replacement for each",
                column.title,
                kind.noun(),
                quoted_list(&unreplaced)
            ),
            &unreplaced,
        ));
    }
    let bad: Vec<String> = replaced
        .into_iter()
        .filter(|id| replacements.get(id).is_none_or(|to| !new_ids.contains(to.as_str())))
        .collect();
    if !bad.is_empty() {
        return Err(change_error(
            column,
            "unknown_replacement",
            format!(
                "column \"{}\": the replacement for {} must be the id of a {} that the new settings keep",
                column.title,
                quoted_list(&bad),
                kind.noun()
            ),
            &bad,
        ));
    }
    Ok(())
}

/// The column's status labels or dropdown options, in order (empty for other types).
pub fn choices(column: &Column) -> Vec<Choice> {
    let labels = column.settings.labels().iter().map(|l| Choice {
        id: l.id.clone(),
        name: l.name.clone(),
        color: l.color.clone(),
        done: l.done,
    });
    let options = column.settings.options().iter().map(|o| Choice {
        id: o.id.clone(),
        name: o.name.clone(),
        color: o.color.clone(),
        done: false,
    });
    labels.chain(options).collect()
}

/// Places shown for a number column.
pub(crate) fn number_decimals(column: &Column) -> usize {
    let d = column.settings.number().map_or(DEFAULT_DECIMALS, |n| u64::from(n.decimals));
    d.min(DECIMALS_MAX) as usize
}

/// Highest rating of a rating column.
pub(crate) fn rating_max(column: &Column) -> u64 {
    column.settings.rating().map_or(DEFAULT_RATING_MAX, |r| u64::from(r.max)).clamp(1, RATING_MAX)
}

fn parse_choices(ty: ColumnType, kind: ChoiceKind, items: &[Value]) -> Result<Vec<Choice>, ApiError> {
    if items.len() > kind.max() {
        return Err(settings_error(
            ty,
            "max_items",
            format!("a {} column has at most {} {}s", ty.as_str(), kind.max(), kind.noun()),
        ));
    }
    let mut given_ids = HashSet::new();
    for item in items {
        if let Some(id) = item.get("id").filter(|v| !v.is_null()) {
            let id = id
                .as_str()
                .ok_or_else(|| settings_error(ty, "type", format!("{} ids must be strings", kind.noun())))?;
            let ok = !id.is_empty()
                && id.len() <= ID_MAX
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                return Err(settings_error(
                    ty,
                    "invalid_id",
                    format!("{} id `{id}` must be 1 to {ID_MAX} characters of A-Z, a-z, 0-9, _ and -", kind.noun()),
                ));
            }
            if !given_ids.insert(id) {
                return Err(settings_error(ty, "duplicate_id", format!("{} id `{id}` is used twice", kind.noun())));
            }
        }
    }
    let mut next_number = given_ids
        .iter()
        .filter_map(|id| id.strip_prefix(kind.id_prefix())?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    let with_done = matches!(kind, ChoiceKind::Label);
    let allowed: &[&str] = if with_done { &["id", "name", "color", "done"] } else { &["id", "name", "color"] };
    let mut names = HashSet::new();
    let mut done_count = 0;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let obj = item.as_object().ok_or_else(|| {
            settings_error(ty, "type", format!("each {} must be an object with a `name`", kind.noun()))
        })?;
        allow_keys(ty, obj, allowed, kind.noun())?;
        let name = match obj.get("name") {
            Some(Value::String(s)) => s.trim(),
            Some(v) if !v.is_null() => {
                return Err(settings_error(ty, "type", format!("{} names must be strings", kind.noun())))
            }
            _ => "",
        };
        if name.is_empty() {
            return Err(settings_error(ty, "required", format!("{} {} needs a name", kind.noun(), index + 1)));
        }
        if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
            return Err(settings_error(
                ty,
                "max_length",
                format!("{} name `{}` must be one line of at most {NAME_MAX} characters", kind.noun(), short(name)),
            ));
        }
        if !names.insert(name.to_lowercase()) {
            return Err(settings_error(
                ty,
                "duplicate_name",
                format!("two {}s are named `{}`", kind.noun(), short(name)),
            ));
        }
        let color = match obj.get("color") {
            None | Some(Value::Null) => with_done.then(|| PALETTE[index % PALETTE.len()].to_owned()),
            Some(Value::String(s)) => Some(parse_color(s).ok_or_else(|| {
                settings_error(
                    ty,
                    "color",
                    format!("color `{}` must be `#rrggbb` or one of: {}", short(s), PALETTE.join(", ")),
                )
            })?),
            Some(_) => return Err(settings_error(ty, "type", "colors must be strings".into())),
        };
        let done = match obj.get("done") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(settings_error(ty, "type", "`done` must be true or false".into())),
        };
        if done {
            done_count += 1;
            if done_count > 1 {
                return Err(settings_error(ty, "multiple_done", "only one label can mean done".into()));
            }
        }
        let id = match obj.get("id").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => {
                let id = format!("{}{next_number}", kind.id_prefix());
                next_number = next_number.saturating_add(1);
                id
            }
        };
        out.push(Choice { id, name: name.to_owned(), color, done });
    }
    Ok(out)
}

/// A palette name (any case) or `#rrggbb` (any case), lower-cased.
fn parse_color(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_lowercase();
    let hex = s.strip_prefix('#').is_some_and(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    (hex || PALETTE.contains(&s.as_str())).then_some(s)
}

pub(crate) fn bounded_integer(
    ty: ColumnType,
    obj: &Map<String, Value>,
    key: &str,
    min: u64,
    max: u64,
    default: u64,
) -> Result<u64, ApiError> {
    let message = format!("`{key}` must be a whole number from {min} to {max}");
    match obj.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => {
            let n =
                v.as_f64().filter(|n| n.fract() == 0.0).ok_or_else(|| settings_error(ty, "type", message.clone()))?;
            if n < min as f64 || n > max as f64 {
                return Err(settings_error(ty, "range", message));
            }
            Ok(n as u64)
        }
    }
}

pub(crate) fn allow_keys(
    ty: ColumnType,
    obj: &Map<String, Value>,
    allowed: &[&str],
    what: &str,
) -> Result<(), ApiError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let expected = if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            };
            Err(settings_error(
                ty,
                "unknown_setting",
                format!("unknown key `{}` in {what} of a {} column (allowed: {expected})", short(k), ty.as_str()),
            ))
        }
    }
}

pub(crate) fn settings_error(ty: ColumnType, rule: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed, message).with_details(ErrorDetails {
        column_type: Some(ty.as_str().to_owned()),
        ..ErrorDetails::rule("settings", rule)
    })
}

fn change_error(column: &Column, rule: &str, message: String, ids: &[String]) -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed, message).with_details(ErrorDetails {
        column: Some(column.title.clone()),
        ids: Some(ids.to_vec()),
        ..ErrorDetails::rule("settings", rule).column(column.id)
    })
}

fn quoted_list(ids: &[String]) -> String {
    ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
}

fn short(s: &str) -> &str {
    super::truncate_chars(s, 60)
}
