//! `/auth`: signup, login, logout. Signup and login answer with the token in the body and as
//! the `sunday_session` cookie (HttpOnly, SameSite=Lax; Secure when configured).

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use sunday_types::dto::{LoginRequest, LoginResponse, SignupRequest, SignupResponse};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, ClientIp, Json, SESSION_COOKIE},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(signup)).routes(routes!(login)).routes(routes!(logout))
}

fn session_cookie(state: &HttpState, token: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if state.settings.cookie_secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}"
    ))
    .ok()
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
}

/// Create an account (and its organization, unless joining by invitation).
#[utoipa::path(post, path = "/auth/signup", tag = "auth", security(()), request_body = SignupRequest,
    responses((status = 201, body = SignupResponse), (status = 409, description = "`email_taken`", body = sunday_types::ErrorBody)))]
async fn signup(State(state): State<HttpState>, Json(req): Json<SignupRequest>) -> ApiResult<Response> {
    let s = state.app.accounts.signup(req).await?;
    let cookie = session_cookie(&state, &s.session.token, state.settings.session_ttl_secs);
    let body = SignupResponse {
        user: s.user,
        org: s.org,
        role: s.role,
        token: s.session.token,
        csrf_token: s.session.csrf_token,
    };
    Ok(with_cookie((StatusCode::CREATED, axum::Json(body)).into_response(), cookie))
}

/// Log in with email and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", security(()), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "`invalid_credentials`", body = sunday_types::ErrorBody),
        (status = 429, description = "`too_many_login_attempts`", body = sunday_types::ErrorBody)))]
async fn login(
    State(state): State<HttpState>,
    ClientIp(ip): ClientIp,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Response> {
    let l = state.app.accounts.login(req, &ip).await?;
    let cookie = session_cookie(&state, &l.session.token, state.settings.session_ttl_secs);
    let body = LoginResponse { user: l.user, token: l.session.token, csrf_token: l.session.csrf_token };
    Ok(with_cookie(axum::Json(body).into_response(), cookie))
}

/// End the current session and clear the cookie.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204, description = "logged out")))]
async fn logout(State(state): State<HttpState>, Auth(actor): Auth) -> ApiResult<Response> {
    state.app.accounts.logout(&actor).await?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), session_cookie(&state, "", 0)))
}
