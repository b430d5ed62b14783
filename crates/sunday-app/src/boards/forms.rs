//! A form view's settings: typed ([`FormSettings`]), checked against the board, with what
//! Sunday keeps itself (the public link's secret, the password's hash) carried over from the
//! stored view whatever a client sends, and hidden from every answer.

use serde_json::Value;
use sunday_store::{BoardWrite, StoreError};
use sunday_types::{
    boards::{Column, Group, View, ViewType},
    forms::{FormSettings, FORM_COLUMN_TYPES},
    time::{now_millis, to_datetime},
    ApiError, ColumnId, ErrorCode, ViewId,
};

use super::{BoardService, MERGE_RETRIES};
use crate::{crypto, Actor};

/// The longest title, description, label or message a form keeps.
const MAX_TEXT: usize = 2_000;

/// A form's settings as sent: any unknown field or wrong type is a `settings` error.
pub(super) fn parse(settings: &Value) -> Result<FormSettings, ApiError> {
    serde_json::from_value(settings.clone())
        .map_err(|e| ApiError::validation("settings", "form_settings", format!("a form's settings: {e}")))
}

/// The settings of a stored form view (a view saved before its settings were checked, or of
/// another type, has none).
pub(crate) fn stored(view: &View) -> Option<FormSettings> {
    (view.view_type == ViewType::Form).then(|| serde_json::from_value(view.settings.clone()).ok()).flatten()
}

fn check(columns: &[Column], groups: &[Group], s: &FormSettings) -> Result<(), ApiError> {
    for (field, text) in [
        ("title", &s.title),
        ("description", &s.description),
        ("name_label", &s.name_label),
        ("submit_message", &s.submit_message),
    ] {
        if text.chars().count() > MAX_TEXT {
            let message = format!("at most {MAX_TEXT} characters");
            return Err(ApiError::validation(&format!("settings.{field}"), "too_long", message));
        }
    }
    if let Some(g) = s.group_id {
        if !groups.iter().any(|x| x.id == g) {
            return Err(ApiError::validation(
                "settings.group_id",
                "unknown_group",
                format!("no group `{g}` on this board"),
            ));
        }
    }
    for (i, f) in s.fields.iter().enumerate() {
        let at = format!("settings.fields[{i}]");
        let Some(c) = columns.iter().find(|c| c.id == f.column_id) else {
            let message = format!("no column `{}` on this board", f.column_id);
            return Err(ApiError::validation(&format!("{at}.column_id"), "unknown_column", message));
        };
        if !FORM_COLUMN_TYPES.contains(&c.column_type) {
            let message = format!("a form cannot ask for `{}` ({} column)", c.title, c.column_type.as_str());
            return Err(ApiError::validation(&format!("{at}.column_id"), "form_column_type", message));
        }
        if s.fields[..i].iter().any(|g| g.column_id == f.column_id) {
            let message = format!("`{}` is asked twice", c.title);
            return Err(ApiError::validation(&format!("{at}.column_id"), "duplicate", message));
        }
        if f.label.chars().count() > MAX_TEXT || f.help.chars().count() > MAX_TEXT {
            return Err(ApiError::validation(&at, "too_long", format!("at most {MAX_TEXT} characters")));
        }
    }
    Ok(())
}

/// The settings to store: `given` checked, with the secret and password hash of `previous`
/// (a new form gets a fresh secret), and without what answers add.
pub(super) fn settle(
    columns: &[Column],
    groups: &[Group],
    given: &Value,
    previous: Option<&FormSettings>,
) -> Result<Value, ApiError> {
    let mut s = parse(given)?;
    if let Some(p) = previous {
        // Questions whose column was deleted since are dropped, so saving what was shown works;
        // a column the form never asked must exist.
        let stale = |id: ColumnId| !columns.iter().any(|c| c.id == id) && p.fields.iter().any(|f| f.column_id == id);
        s.fields.retain(|f| !stale(f.column_id));
        if s.group_id.is_some_and(|g| !groups.iter().any(|x| x.id == g) && p.group_id == Some(g)) {
            s.group_id = None;
        }
    }
    check(columns, groups, &s)?;
    s.secret = previous.and_then(|p| p.secret.clone()).or_else(|| Some(crypto::new_token("")));
    s.password_hash = previous.and_then(|p| p.password_hash.clone());
    Ok(to_stored(s))
}

/// `password_hash` is never serialized (so no answer can carry it): the stored form adds it.
fn to_stored(mut s: FormSettings) -> Value {
    let hash = s.password_hash.take();
    s.has_password = false;
    s.link = None;
    let mut v = serde_json::to_value(&s).unwrap_or_default();
    if let (Some(h), Some(o)) = (hash, v.as_object_mut()) {
        o.insert("password_hash".into(), Value::String(h));
    }
    v
}

/// The public token of a form: its view's id and its secret.
pub(crate) fn token(view: ViewId, secret: &str) -> String {
    format!("{view}.{secret}")
}

/// A view as answered: a form's settings with `has_password` and its `link`, never its hash
/// (nor, for any other view, settings it kept from being a form).
pub(crate) fn shown(mut view: View) -> View {
    if let Some(mut s) = stored(&view) {
        s.has_password = s.password_hash.is_some();
        s.link = s.secret.as_deref().map(|secret| format!("/forms/{}", token(view.id, secret)));
        view.settings = serde_json::to_value(&s).unwrap_or_default();
    } else if let Some(o) = view.settings.as_object_mut() {
        o.remove("password_hash");
        o.remove("secret");
    }
    view
}

/// A view as the store gives it in a version conflict, [`shown`] the same way.
pub(crate) fn shown_json(stored: Value) -> Value {
    match serde_json::from_value::<View>(stored.clone()) {
        Ok(view) => serde_json::to_value(shown(view)).unwrap_or(stored),
        Err(_) => Value::Null,
    }
}

impl BoardService {
    /// Changes what Sunday keeps of a form (its secret, its password's hash); needs the
    /// board's structure permission, like any change of a view.
    pub(crate) async fn change_form(
        &self,
        actor: &Actor,
        id: ViewId,
        change: impl Fn(&mut FormSettings),
    ) -> Result<View, ApiError> {
        for _ in 0..MERGE_RETRIES {
            let current = self.view_as_stored(actor, id).await?;
            let access = self.access_for_write(actor, current.board_id).await?;
            access.require_structure()?;
            let Some(mut s) = stored(&current) else {
                return Err(ApiError::new(ErrorCode::FormNotFound, "this view is not a form"));
            };
            change(&mut s);
            let mut next = current.clone();
            next.settings = to_stored(s);
            next.version += 1;
            next.updated_at = to_datetime(now_millis());
            let write = BoardWrite::UpdateView { view: next.clone(), expected_version: current.version };
            match self.try_commit(current.board_id, vec![write], vec![]).await {
                Ok(_) => return Ok(shown(next)),
                Err(StoreError::VersionConflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the view kept changing under this write; retry"))
    }
}
