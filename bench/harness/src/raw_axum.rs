//! The raw ceiling for W1: axum alone answering a small JSON document, no auth, no store.
//! `raw-axum 127.0.0.1:9000` listens on the given address.

use axum::{routing::get, Json, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9000".into());
    let app = Router::new().route(
        "/api/v1/me",
        get(|| async { Json(serde_json::json!({"user": {"id": "0", "name": "raw"}, "orgs": []})) }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
