//! Route registration: one module per resource, each contributing its handlers (and their
//! OpenAPI declarations) to one `OpenApiRouter`.

mod auth;
mod boards;
mod collab;
mod items;
mod me;
pub mod ops;
mod orgs;
pub mod realtime;
mod structure;
mod workspaces;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{openapi::ApiDoc, HttpState};

/// Error responses every handler may return, documented through the shared `Error` response.
pub type ApiResult<T> = Result<T, crate::HttpError>;

pub fn all() -> OpenApiRouter<HttpState> {
    let v1 = OpenApiRouter::new()
        .merge(auth::routes())
        .merge(me::routes())
        .merge(orgs::routes())
        .merge(workspaces::routes())
        .merge(boards::routes())
        .merge(structure::routes())
        .merge(items::routes())
        .merge(collab::routes())
        .merge(realtime::routes());
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", v1).merge(ops::routes())
}
