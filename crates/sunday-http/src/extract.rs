//! Extractors: JSON bodies, path and query parameters with rejections mapped onto the error
//! table; the authenticated caller; the client address; `If-Match`.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, Method, StatusCode},
};
use serde::de::DeserializeOwned;
use sunday_app::{Actor, Credentials};
use sunday_domain::permissions::scope_for_method;
use sunday_types::{dto::Scope, ApiError, ErrorCode};

use crate::{error::HttpError, HttpState};

pub const SESSION_COOKIE: &str = "sunday_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A JSON body. Malformed JSON, a wrong shape, a missing content type and an oversized body
/// each get their own error code.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(rejection) => Err(json_rejection(rejection).into()),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let code = match &r {
        JsonRejection::JsonDataError(_) => ErrorCode::InvalidBody,
        JsonRejection::JsonSyntaxError(_) => ErrorCode::MalformedJson,
        JsonRejection::MissingJsonContentType(_) => ErrorCode::InvalidContentType,
        _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        _ => ErrorCode::InvalidBody,
    };
    let message = match code {
        ErrorCode::PayloadTooLarge | ErrorCode::InvalidContentType => code.description().to_owned(),
        _ => r.body_text(),
    };
    ApiError::new(code, message)
}

/// Path parameters; an id that does not parse is `invalid_parameter`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|r| ApiError::new(ErrorCode::InvalidParameter, r.body_text()).into())
    }
}

/// Query parameters; unknown or malformed ones are `invalid_parameter`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|r| ApiError::new(ErrorCode::InvalidParameter, r.body_text()).into())
    }
}

/// The value of one cookie.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Compares without an early exit, so the time taken does not reveal a matching prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The authenticated caller. Accepts `Authorization: Bearer` (session or personal token) or
/// the session cookie; cookie-authenticated writes must carry the CSRF header; personal
/// tokens must hold the scope the method needs; each user has a request-rate budget.
pub struct Auth(pub Actor);

impl FromRequestParts<HttpState> for Auth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        let scope = scope_for_method(parts.method.as_str());
        authenticate(parts, state, scope).await.map(Auth)
    }
}

/// The caller of a read sent as a POST because its parameters do not fit a URL (a board
/// query): like [`Auth`], but a `read`-scoped token suffices. Scopes follow the operation,
/// not the HTTP method.
pub struct ReadAuth(pub Actor);

impl FromRequestParts<HttpState> for ReadAuth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state, Scope::Read).await.map(ReadAuth)
    }
}

async fn authenticate(parts: &mut Parts, state: &HttpState, scope: Scope) -> Result<Actor, HttpError> {
    {
        let (token, via_cookie) = match parts.headers.get(header::AUTHORIZATION) {
            Some(value) => {
                let value = value.to_str().unwrap_or("");
                let token = value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
                    .ok_or_else(|| ApiError::new(ErrorCode::InvalidSession, "use `Authorization: Bearer <token>`"))?;
                (token.trim().to_owned(), false)
            }
            None => match cookie(parts, SESSION_COOKIE) {
                Some(c) => (c.to_owned(), true),
                None => return Err(ErrorCode::Unauthenticated.into()),
            },
        };
        let actor = state.app.accounts.authenticate(&token).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via_cookie && !safe {
            if let Credentials::Session { csrf_token, .. } = &actor.credentials {
                let sent = parts.headers.get(CSRF_HEADER).ok_or(ErrorCode::CsrfTokenMissing)?;
                if !constant_time_eq(sent.as_bytes(), csrf_token.as_bytes()) {
                    return Err(ErrorCode::CsrfTokenInvalid.into());
                }
            }
        }
        actor.require_scope(scope)?;
        state
            .user_limiter
            .check(&actor.user_id.to_string())
            .await
            .map_err(|secs| ApiError::of(ErrorCode::RateLimited).retry_after(secs))?;
        Ok(actor)
    }
}

/// The caller of a WebSocket upgrade: like [`Auth`], plus `?access_token=` for clients that
/// cannot set headers on a WebSocket request.
pub struct WsAuth(pub Actor);

impl FromRequestParts<HttpState> for WsAuth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "access_token")
                .map(|(_, v)| v.to_owned())
        });
        match from_query {
            Some(token) if !parts.headers.contains_key(header::AUTHORIZATION) => {
                Ok(WsAuth(state.app.accounts.authenticate(&token).await?))
            }
            _ => {
                // A browser sends the session cookie with any page's WebSocket: a cookie-borne
                // upgrade must come from Sunday's own origin or one the configuration allows.
                let by_cookie = !parts.headers.contains_key(header::AUTHORIZATION);
                if by_cookie && !origin_allowed(&parts.headers, &state.settings.cors_allowed_origins) {
                    return Err(
                        ApiError::new(ErrorCode::Forbidden, "this origin may not open Sunday's WebSocket").into()
                    );
                }
                Auth::from_request_parts(parts, state).await.map(|a| WsAuth(a.0))
            }
        }
    }
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop when configured to
/// trust a proxy.
pub fn client_ip(parts_headers: &axum::http::HeaderMap, peer: Option<SocketAddr>, trust_forwarded: bool) -> String {
    if trust_forwarded {
        // The trusted proxy appends the address it saw to the right; everything left of it
        // is whatever the client sent, so only the right-most entry can be believed.
        let forwarded = parts_headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip.to_string();
        }
    }
    peer.map(|p| p.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

pub struct ClientIp(pub String);

impl FromRequestParts<HttpState> for ClientIp {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        Ok(ClientIp(client_ip(&parts.headers, peer, state.settings.trust_forwarded_for)))
    }
}

/// `If-Match: "<version>"` (quotes optional); absent means unconditional.
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else { return Ok(IfMatch(None)) };
        value
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse::<i64>().ok())
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| {
                ApiError::new(ErrorCode::InvalidParameter, "`If-Match` must be a quoted version number, e.g. \"3\"")
                    .into()
            })
    }
}

/// Whether a browser request's `Origin` is Sunday's own (the host it was sent to) or one of the
/// configured origins; requests without `Origin` are not from a browser page.
fn origin_allowed(headers: &axum::http::HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    if allowed.iter().any(|a| a == "*" || a.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).is_some_and(|host| host.eq_ignore_ascii_case(origin_host))
}
