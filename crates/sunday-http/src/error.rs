//! Rendering [`ApiError`] as a response: the error's status, the shared JSON body with the
//! request id, `Retry-After` for rate limits. Internal and unavailable errors log their full
//! cause chain here, once, and answer with the generic message only.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use sunday_types::{ApiError, ErrorCode, ErrorKind};

/// The ids of the request being served: its request id and, when traces are exported, its
/// trace id.
#[derive(Clone, Debug)]
pub(crate) struct RequestIds {
    pub request_id: String,
    pub trace_id: Option<String>,
}

tokio::task_local! {
    /// Set by the gateway middleware so that any error rendered deeper down (including
    /// extractor rejections) can quote them.
    pub(crate) static REQUEST_IDS: RequestIds;
}

pub fn current_request_id() -> Option<String> {
    REQUEST_IDS.try_with(|ids| ids.request_id.clone()).ok()
}

fn current_trace_id() -> Option<String> {
    REQUEST_IDS.try_with(|ids| ids.trace_id.clone()).ok().flatten()
}

/// An [`ApiError`] on its way out of a handler.
#[derive(Debug)]
pub struct HttpError(pub ApiError);

impl From<ApiError> for HttpError {
    fn from(e: ApiError) -> Self {
        HttpError(e)
    }
}

impl From<ErrorCode> for HttpError {
    fn from(code: ErrorCode) -> Self {
        HttpError(ApiError::of(code))
    }
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let e = self.0;
        let request_id = current_request_id();
        match e.code.kind() {
            ErrorKind::Internal | ErrorKind::Unavailable => {
                let cause = e.source.as_deref().map(|s| chain(s)).unwrap_or_default();
                tracing::error!(code = %e.code, request_id = request_id.as_deref().unwrap_or(""), cause, "request failed");
            }
            _ => tracing::debug!(code = %e.code, "request rejected"),
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(e.body(request_id, current_trace_id()))).into_response();
        if let Some(secs) = e.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
