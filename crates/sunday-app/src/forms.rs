//! Forms at their public links: what the page shows, and submissions, each an item created
//! by the Form actor through the board service (so it is an ordinary change: event, activity,
//! real time, automations). No session: the link's secret is the key, a password may be asked
//! on top, and each client IP may submit a form a few times a minute.

use std::sync::Arc;

use serde_json::{Map, Value};
use sunday_store::Store;
use sunday_types::{
    board_api::CreateItemRequest,
    boards::Column,
    boards::View,
    forms::{
        FormField, FormSettings, FormSubmission, FormSubmitted, PublicField, PublicForm, FORM_ACTOR, FORM_COLUMN_TYPES,
    },
    ApiError, ErrorCode, ViewId,
};

use crate::{
    boards::{forms as settings, BoardService},
    crypto::{self, PasswordHasher},
    limits::RateLimiter,
    Actor, Credentials,
};

#[derive(Clone)]
pub struct FormService {
    store: Arc<dyn Store>,
    boards: BoardService,
    hasher: PasswordHasher,
    /// Submissions per form and client IP.
    submissions: Arc<RateLimiter>,
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::FormNotFound)
}

/// The questions the form asks now: those whose column is still on the board and still of a
/// kind a form may ask for (a column deleted or retyped since the form was saved is not asked).
fn asked<'a>(form: &'a FormSettings, columns: &'a [Column]) -> Vec<(&'a FormField, &'a Column)> {
    form.fields
        .iter()
        .filter_map(|f| columns.iter().find(|c| c.id == f.column_id).map(|c| (f, c)))
        .filter(|(_, c)| FORM_COLUMN_TYPES.contains(&c.column_type))
        .collect()
}

/// An answer left empty: nothing, blank text, an empty list or object.
fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty() || o.values().all(blank),
        _ => false,
    }
}

impl FormService {
    pub fn new(
        store: Arc<dyn Store>,
        boards: BoardService,
        hasher: PasswordHasher,
        submissions_per_minute: u32,
    ) -> FormService {
        FormService { store, boards, hasher, submissions: Arc::new(RateLimiter::per_minute(submissions_per_minute)) }
    }

    /// The published form behind `token` (`{view_id}.{secret}`): `form_not_found` when the
    /// token is wrong, the form unpublished or its view gone.
    async fn published(&self, token: &str) -> Result<(View, FormSettings), ApiError> {
        let (id, secret) = token.split_once('.').ok_or_else(not_found)?;
        let id: ViewId = id.parse().map_err(|_| not_found())?;
        let view = self.store.view(id).await?.ok_or_else(not_found)?;
        let form = settings::stored(&view).ok_or_else(not_found)?;
        // Compared as hashes, so the time taken says nothing about how much of it matched.
        let matches = form.secret.as_deref().is_some_and(|s| crypto::hash_token(s) == crypto::hash_token(secret));
        if !form.public || !matches {
            return Err(not_found());
        }
        Ok((view, form))
    }

    async fn unlock(&self, form: &FormSettings, password: Option<&str>) -> Result<(), ApiError> {
        let Some(hash) = &form.password_hash else { return Ok(()) };
        let given = password.unwrap_or_default().to_owned();
        if given.is_empty() || !self.hasher.verify(given, Some(hash.clone())).await? {
            return Err(ApiError::of(ErrorCode::FormPassword));
        }
        Ok(())
    }

    /// What the public page shows: with a password set and not given (or wrong), only the
    /// title and that a password is needed. Password guesses from `ip` count against the same
    /// per-minute budget as submissions.
    pub async fn form(&self, token: &str, password: Option<&str>, ip: &str) -> Result<PublicForm, ApiError> {
        let (view, form) = self.published(token).await?;
        let title = if form.title.trim().is_empty() { view.name.clone() } else { form.title.clone() };
        if form.password_hash.is_some() && password.is_some() {
            self.limit(view.id, ip)?;
        }
        let locked = match self.unlock(&form, password).await {
            Ok(()) => false,
            Err(e) if e.code == ErrorCode::FormPassword => true,
            Err(e) => return Err(e),
        };
        let mut fields = Vec::new();
        if !locked {
            let columns = self.store.columns(view.board_id).await?;
            for (f, c) in asked(&form, &columns) {
                fields.push(PublicField {
                    column_id: c.id,
                    label: if f.label.trim().is_empty() { c.title.clone() } else { f.label.clone() },
                    help: f.help.clone(),
                    required: f.required,
                    column_type: c.column_type,
                    settings: serde_json::to_value(&c.settings).unwrap_or_default(),
                });
            }
        }
        Ok(PublicForm {
            title,
            description: if locked { String::new() } else { form.description.clone() },
            name_label: if form.name_label.trim().is_empty() { "Name".into() } else { form.name_label.clone() },
            fields,
            needs_password: locked,
        })
    }

    /// A submission from `ip`: the answers checked against the form (each error names its
    /// field), then one item created. A filled honeypot is answered as a success and dropped.
    pub async fn submit(&self, token: &str, ip: &str, sub: FormSubmission) -> Result<FormSubmitted, ApiError> {
        let (view, form) = self.published(token).await?;
        self.limit(view.id, ip)?;
        self.unlock(&form, sub.password.as_deref()).await?;
        let message =
            if form.submit_message.trim().is_empty() { "Thank you!".to_owned() } else { form.submit_message.clone() };
        if sub.website.as_deref().is_some_and(|w| !w.is_empty()) {
            tracing::info!(view = %view.id, "a form submission filled the honeypot: dropped");
            return Ok(FormSubmitted { submitted: true, message });
        }
        let columns = self.store.columns(view.board_id).await?;
        let asked = asked(&form, &columns);
        for id in sub.values.keys() {
            if !asked.iter().any(|(f, _)| f.column_id == *id) {
                return Err(ApiError::validation(
                    &format!("values.{id}"),
                    "not_in_form",
                    "this form does not ask for it",
                ));
            }
        }
        for (f, c) in &asked {
            if f.required && sub.values.get(&f.column_id).is_none_or(blank) {
                let label = if f.label.trim().is_empty() { c.title.as_str() } else { f.label.as_str() };
                let message = format!("`{label}` is required");
                return Err(ApiError::validation(&format!("values.{}", f.column_id), "required", message));
            }
        }
        let name = sub.name.trim();
        if name.is_empty() {
            return Err(ApiError::validation("name", "required", "the item's name is required"));
        }
        let values: Map<String, Value> =
            sub.values.into_iter().filter(|(_, v)| !blank(v)).map(|(k, v)| (k.to_string(), v)).collect();
        let board = self.store.board(view.board_id).await?.ok_or_else(not_found)?;
        let actor = Actor { user_id: FORM_ACTOR, credentials: Credentials::Automation { org_id: board.org_id } };
        // A group deleted since the form was saved: new items go to the first group.
        let groups = self.store.groups(board.id, None).await?;
        let group_id = form.group_id.filter(|g| groups.iter().any(|x| x.id == *g));
        let req = CreateItemRequest { name: name.to_owned(), group_id, values: Some(values), position: None };
        let item = self.boards.create_item(&actor, board.id, req).await?;
        tracing::info!(view = %view.id, item = %item.id, "form submitted");
        Ok(FormSubmitted { submitted: true, message })
    }

    /// Takes one of the minute's submissions (or password guesses) of `ip` on the form.
    fn limit(&self, view: ViewId, ip: &str) -> Result<(), ApiError> {
        self.submissions
            .check(&format!("{view}:{ip}"))
            .map_err(|secs| ApiError::of(ErrorCode::RateLimited).retry_after(secs))
    }

    /// Sets or (with `None` or empty) removes the form's password.
    pub async fn set_password(&self, actor: &Actor, id: ViewId, password: Option<String>) -> Result<View, ApiError> {
        let hash = match password.filter(|p| !p.is_empty()) {
            Some(p) if p.chars().count() > 256 => {
                return Err(ApiError::validation("password", "too_long", "at most 256 characters"))
            }
            Some(p) => Some(self.hasher.hash(p).await?),
            None => None,
        };
        self.boards.change_form(actor, id, |s| s.password_hash.clone_from(&hash)).await
    }

    /// A new public link: the old one answers `form_not_found` from now on.
    pub async fn new_link(&self, actor: &Actor, id: ViewId) -> Result<View, ApiError> {
        let secret = crypto::new_token("");
        self.boards.change_form(actor, id, |s| s.secret = Some(secret.clone())).await
    }
}
