//! The web app inside the binary. A release build embeds `web/dist` as it was when the binary
//! was built (a debug build reads the same folder at run time), so `sunday serve` anywhere
//! serves the whole product. `web.dir` overrides it with a folder on disk, for development.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct WebApp;

/// Whether this binary carries a built web app.
pub fn embedded() -> bool {
    WebApp::get("index.html").is_some()
}

/// A file of the app, or `index.html` for any other path (the app's own routes). Vite names
/// everything under `assets/` by content hash, so those are cached for a year; the rest (the
/// page itself) is revalidated by `ETag` on every load.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    let (name, file) = match WebApp::get(path).filter(|_| !path.is_empty()) {
        Some(f) => (path, f),
        None => match WebApp::get("index.html") {
            Some(f) => ("index.html", f),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let hash = file.metadata.sha256_hash();
    let etag = format!("\"{}\"", hash[..12].iter().map(|b| format!("{b:02x}")).collect::<String>());
    let cache = if name.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut response = if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(file.data.into_owned()));
        if let Ok(v) = HeaderValue::from_str(file.metadata.mimetype()) {
            r.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        r
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}
