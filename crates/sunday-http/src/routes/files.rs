//! Files: upload (a streamed raw body), download with ranges, signed links, thumbnails.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use sunday_app::files::{content_disposition, Download, Upload};
use sunday_types::{
    dto::Page,
    files::{Binary, FileInfo, SignedUrl},
    ApiError, ErrorCode, FileId, OrgId,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{
    extract::{Auth, Path, Query, ReadAuth},
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(upload, list_files))
        .routes(routes!(download))
        .routes(routes!(file_info))
        .routes(routes!(thumbnail))
        .routes(routes!(signed_link))
        .routes(routes!(download_signed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    /// The file's name (made safe: no path, no control characters, at most 255 characters);
    /// default `file`.
    filename: Option<String>,
    /// The organization the file is for; may be left out by members of only one.
    org_id: Option<OrgId>,
}

/// Upload a file: the raw bytes as the body (any `Content-Type`; the type kept is sniffed from
/// the content), streamed to the file storage. Attach it by putting its id in a file cell
/// (`{"files": [{"file_id": …}]}`) or in an update's `files`; an upload nothing holds is
/// deleted after `files.orphan_grace_secs`. `413` over `files.max_upload_bytes` (at once when
/// `Content-Length` says so), `415` for a refused type, `503` when the storage is down: in
/// each case nothing is kept.
#[utoipa::path(post, path = "/files", tag = "files", params(UploadParams),
    request_body(content = Binary, content_type = "application/octet-stream"),
    responses((status = 201, body = FileInfo)))]
async fn upload(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let header = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let up = Upload {
        org_id: params.org_id,
        name: params.filename.unwrap_or_default(),
        claimed_type: header(header::CONTENT_TYPE).map(str::to_owned),
        length: header(header::CONTENT_LENGTH).and_then(|n| n.parse().ok()),
    };
    let info = state.app.files.upload(&actor, up, body.into_data_stream()).await?;
    Ok((StatusCode::CREATED, axum::Json(info)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListParams {
    /// Comma-separated file ids (at most 200).
    ids: String,
}

/// Describe several files at once (a file cell's names and previews): those you may read, in
/// the order asked; the others are left out.
#[utoipa::path(get, path = "/files", tag = "files", params(ListParams),
    responses((status = 200, body = Page<FileInfo>)))]
async fn list_files(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<Page<FileInfo>>> {
    let mut ids = Vec::new();
    for part in params.ids.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        ids.push(part.parse::<FileId>().map_err(|_| {
            ApiError::new(ErrorCode::InvalidParameter, format!("`ids`: \"{}\" is not a file id", part.escape_debug()))
        })?);
    }
    Ok(axum::Json(Page::whole(state.app.files.infos(&actor, &ids).await?)))
}

/// The file's bytes: `206` with `Content-Range` for a `Range: bytes=…` request (one range),
/// `416` for a range past the end. Needs read access to a board holding the file (or to have
/// uploaded it).
#[utoipa::path(get, path = "/files/{id}", tag = "files", params(("id" = FileId, Path)),
    responses((status = 200, description = "the bytes", content_type = "*/*", body = Binary),
        (status = 206, description = "the bytes asked for", content_type = "*/*", body = Binary)))]
async fn download(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<FileId>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    Ok(bytes_response(state.app.files.download(&actor, id, range).await?))
}

/// The file's name, size, type, SHA-256 and preview kind.
#[utoipa::path(get, path = "/files/{id}/info", tag = "files", params(("id" = FileId, Path)),
    responses((status = 200, body = FileInfo)))]
async fn file_info(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<FileId>,
) -> ApiResult<axum::Json<FileInfo>> {
    Ok(axum::Json(state.app.files.info(&actor, id).await?))
}

/// A preview: a PNG of at most 320 pixels a side for PNG, JPEG, GIF and WebP images, an SVG
/// icon of the type for anything else.
#[utoipa::path(get, path = "/files/{id}/thumbnail", tag = "files", params(("id" = FileId, Path)),
    responses((status = 200, description = "the preview", content_type = "image/*", body = Binary)))]
async fn thumbnail(State(state): State<HttpState>, Auth(actor): Auth, Path(id): Path<FileId>) -> ApiResult<Response> {
    let thumb = state.app.files.thumbnail(&actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, thumb.content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        ],
        thumb.bytes,
    )
        .into_response())
}

/// A link to the file's bytes that works without signing in, for `files.signed_url_secs`
/// (default five minutes). A read: a `read`-scoped token may ask for one.
#[utoipa::path(post, path = "/files/{id}/link", tag = "files", params(("id" = FileId, Path)),
    responses((status = 201, body = SignedUrl)))]
async fn signed_link(
    State(state): State<HttpState>,
    ReadAuth(actor): ReadAuth,
    Path(id): Path<FileId>,
) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, axum::Json(state.app.files.signed_url(&actor, id).await?)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SignedParams {
    /// When the link stops working (milliseconds since the epoch).
    expires: i64,
    signature: String,
}

/// The file's bytes through a signed link (see `POST /files/{id}/link`); ranges as for
/// `GET /files/{id}`. `404 file_not_found` once expired or when the signature is wrong.
#[utoipa::path(get, path = "/files/{id}/signed", tag = "files", security(()), params(("id" = FileId, Path), SignedParams),
    responses((status = 200, description = "the bytes", content_type = "*/*", body = Binary),
        (status = 206, description = "the bytes asked for", content_type = "*/*", body = Binary)))]
async fn download_signed(
    State(state): State<HttpState>,
    Path(id): Path<FileId>,
    Query(params): Query<SignedParams>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    Ok(bytes_response(state.app.files.download_signed(id, params.expires, &params.signature, range).await?))
}

/// A file's bytes with headers that keep them inert: the sniffed type, `nosniff` (set for
/// every answer), a disposition that shows only images and PDFs in the browser, and a
/// sandboxing policy for everything but PDFs (whose viewer needs to run).
fn bytes_response(d: Download) -> Response {
    let ty = d.file.content_type.as_str();
    let inline = ty.starts_with("image/") && ty != "image/svg+xml" || ty == "application/pdf";
    let size = u64::try_from(d.file.size).unwrap_or(0);
    let mut response = Response::new(Body::from_stream(d.body));
    let h = response.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, value(ty));
    h.insert(header::CONTENT_DISPOSITION, value(&content_disposition(inline, &d.file.name)));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    // The web app shows PDFs in a frame of its own.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    let policy = if ty == "application/pdf" {
        "default-src 'self'; frame-ancestors 'self'"
    } else {
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
    };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    h.insert(header::ETAG, value(&format!("\"{}\"", d.file.sha256)));
    match d.range {
        Some(r) => {
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(r.end - r.start));
            h.insert(header::CONTENT_RANGE, value(&format!("bytes {}-{}/{size}", r.start, r.end - 1)));
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        }
        None => {
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        }
    }
    response
}
