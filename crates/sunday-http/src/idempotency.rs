//! `Idempotency-Key` on POSTs: a retried request with the same key gets the first response
//! instead of doing the work twice (a lost response, a double click). Keys are scoped to the
//! user; the same key with a different request body or path is `409 idempotency_key_reused`.
//! Only successful responses are remembered, so a request that failed may be retried.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use sunday_app::Actor;
use sunday_store::IdempotentResponse;
use sunday_types::{ApiError, ErrorCode};

use crate::{error::HttpError, HttpState};

const HEADER: &str = "idempotency-key";

/// A JSON body together with the request's idempotency key and fingerprint.
pub struct IdemJson<T> {
    pub body: T,
    key: Option<String>,
    fingerprint: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for IdemJson<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let key = match req.headers().get(HEADER) {
            Some(v) => {
                let k = v.to_str().ok().map(str::trim).filter(|k| !k.is_empty() && k.len() <= 255);
                Some(
                    k.ok_or_else(|| {
                        ApiError::new(ErrorCode::InvalidParameter, "`Idempotency-Key` is 1 to 255 visible characters")
                    })?
                    .to_owned(),
                )
            }
            None => None,
        };
        let path = req.uri().path().to_owned();
        let crate::extract::Json(value): crate::extract::Json<serde_json::Value> =
            crate::extract::Json::from_request(req, state).await?;
        let bytes = Bytes::from(value.to_string());
        let fingerprint = hex(&Sha256::digest([path.as_bytes(), b"\n", &bytes].concat()));
        let body = serde_json::from_value(value).map_err(|e| ApiError::new(ErrorCode::InvalidBody, e.to_string()))?;
        Ok(IdemJson { body, key, fingerprint })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl<T> IdemJson<T> {
    /// Runs `work` unless this key already produced a response, which is replayed.
    pub async fn run<R, F>(
        self,
        state: &HttpState,
        actor: &Actor,
        status: StatusCode,
        work: F,
    ) -> Result<Response, HttpError>
    where
        R: Serialize,
        F: AsyncFnOnce(T) -> Result<R, ApiError>,
    {
        let saved_responses = &state.app.idempotency;
        if let Some(key) = &self.key {
            if let Some(saved) = saved_responses.saved(actor.user_id, key).await? {
                if saved.request_hash != self.fingerprint {
                    return Err(ErrorCode::IdempotencyKeyReused.into());
                }
                let code = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
                let mut r = (code, [("content-type", "application/json")], saved.body).into_response();
                r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
                return Ok(r);
            }
        }
        let result = work(self.body).await?;
        let body = serde_json::to_string(&result).map_err(ApiError::internal)?;
        if let Some(key) = &self.key {
            let saved = IdempotentResponse {
                request_hash: self.fingerprint.clone(),
                status: status.as_u16(),
                body: body.clone(),
            };
            saved_responses.save(actor.user_id, key, &saved).await?;
        }
        Ok((status, [("content-type", "application/json")], body).into_response())
    }
}
