//! Route registration: one module per resource, each contributing its handlers (and their
//! OpenAPI declarations) to one `OpenApiRouter`.

mod admin;
mod analytics;
mod auth;
mod automations;
mod boards;
mod collab;
mod dashboards;
mod files;
mod forms;
mod items;
mod links;
mod me;
pub mod ops;
mod orgs;
pub mod realtime;
mod search;
mod structure;
mod webhooks;
mod workspaces;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{openapi::ApiDoc, HttpState};

/// Error responses every handler may return, documented through the shared `Error` response.
pub type ApiResult<T> = Result<T, crate::HttpError>;

/// `?limit=&cursor=` of every cursor-paged list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub fn all() -> OpenApiRouter<HttpState> {
    let v1 = OpenApiRouter::new()
        .merge(auth::routes())
        .merge(me::routes())
        .merge(orgs::routes())
        .merge(workspaces::routes())
        .merge(dashboards::routes())
        .merge(boards::routes())
        .merge(structure::routes())
        .merge(items::routes())
        .merge(collab::routes())
        .merge(automations::routes())
        .merge(webhooks::routes())
        .merge(links::routes())
        .merge(files::routes())
        .merge(forms::routes())
        .merge(search::routes())
        .merge(analytics::routes())
        .merge(realtime::routes())
        .merge(admin::routes());
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", v1).merge(ops::routes())
}

/// Routes between the nodes of a cluster, outside the public API.
pub fn internal() -> axum::Router<HttpState> {
    analytics::internal_route()
}
