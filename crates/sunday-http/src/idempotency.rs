//! `Idempotency-Key` on POSTs: a retried request with the same key gets the first response
//! instead of doing the work twice (a lost response, a double click), also when the copies
//! arrive at the same moment. Keys are scoped to the user; the same key with a different
//! request body or path is `409 idempotency_key_reused`, and a copy that arrives while the
//! first is still running waits for its response or gets `409 idempotency_key_in_use`. Only
//! successful responses are remembered, so a request that failed may be retried. The rules
//! live in `sunday_app::idempotency`; this module extracts the key and renders the answer.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use sunday_app::{idempotency::IdempotentRequest, Actor};
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
        let Some(key) = self.key else {
            let body = serde_json::to_string(&work(self.body).await?).map_err(ApiError::internal)?;
            return Ok((status, [("content-type", "application/json")], body).into_response());
        };
        let request = IdempotentRequest { user: actor.user_id, key, request_hash: self.fingerprint };
        let answer = state.app.idempotency.run(request, status.as_u16(), work(self.body)).await?;
        let code = StatusCode::from_u16(answer.response.status).unwrap_or(StatusCode::OK);
        let mut r = (code, [("content-type", "application/json")], answer.response.body).into_response();
        if answer.replayed {
            r.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        Ok(r)
    }
}
