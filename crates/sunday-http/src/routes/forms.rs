//! Forms: the two public endpoints a form's link opens (no session: the token in the path is
//! the credential), and, for the board's editors, the form's password and a new link.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
};
use sunday_types::{
    boards::View,
    forms::{FormPasswordRequest, FormSubmission, FormSubmitted, PublicForm},
    ViewId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, ClientIp, Json, Path},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(public_form, submit_form))
        .routes(routes!(form_password))
        .routes(routes!(form_link))
}

/// A published form as its page shows it. With a password set, send it in `X-Form-Password`;
/// without it (or wrong) the answer has only the title and `needs_password: true`. Each
/// password tried counts against the client IP's submissions a minute (`429` beyond).
#[utoipa::path(get, path = "/forms/{token}", tag = "forms", security(()), params(("token" = String, Path),
    ("X-Form-Password" = Option<String>, Header, description = "the form's password, when it has one")),
    responses((status = 200, body = PublicForm)))]
async fn public_form(
    State(state): State<HttpState>,
    Path(token): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> ApiResult<axum::Json<PublicForm>> {
    let password = headers.get("x-form-password").and_then(|v| v.to_str().ok());
    Ok(axum::Json(state.app.forms.form(&token, password, &ip).await?))
}

/// Submit a form: creates an item on its board as the "Form" actor. Answers are checked as
/// any item's values are (errors name `values.{column_id}`), required ones must be there, and
/// each client IP may submit a form `boards.form_submissions_per_minute` times a minute.
#[utoipa::path(post, path = "/forms/{token}", tag = "forms", security(()), params(("token" = String, Path)),
    request_body = FormSubmission, responses((status = 201, body = FormSubmitted)))]
async fn submit_form(
    State(state): State<HttpState>,
    Path(token): Path<String>,
    ClientIp(ip): ClientIp,
    Json(body): Json<FormSubmission>,
) -> ApiResult<(StatusCode, axum::Json<FormSubmitted>)> {
    Ok((StatusCode::CREATED, axum::Json(state.app.forms.submit(&token, &ip, body).await?)))
}

/// Set the form's password (or remove it with `null`); needs the board's structure permission.
#[utoipa::path(put, path = "/views/{id}/form/password", tag = "forms", params(("id" = ViewId, Path)),
    request_body = FormPasswordRequest, responses((status = 200, body = View)))]
async fn form_password(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ViewId>,
    Json(req): Json<FormPasswordRequest>,
) -> ApiResult<axum::Json<View>> {
    Ok(axum::Json(state.app.forms.set_password(&actor, id, req.password).await?))
}

/// Give the form a new public link; the old link answers `404 form_not_found` from now on.
#[utoipa::path(post, path = "/views/{id}/form/link", tag = "forms", params(("id" = ViewId, Path)),
    responses((status = 200, body = View)))]
async fn form_link(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ViewId>,
) -> ApiResult<axum::Json<View>> {
    Ok(axum::Json(state.app.forms.new_link(&actor, id).await?))
}
