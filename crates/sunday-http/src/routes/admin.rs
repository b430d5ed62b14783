//! `/admin`: the instance's operators (`auth.instance_admins`), not an organization's.

use axum::extract::State;
use sunday_types::{
    dto::{AdminStatus, EngineStatus, StoreStatus},
    ApiError, ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::{extract::Auth, HttpState};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(status))
}

/// Refuses (`403`) anyone but the instance's admins (`auth.instance_admins`, by email): what
/// the whole node holds is theirs to see, not any organization's.
pub(super) async fn require_instance_admin(state: &HttpState, actor: &sunday_app::Actor) -> Result<(), ApiError> {
    let me = state.app.accounts.me(actor).await?;
    let admins = &state.settings.instance_admins;
    if !admins.iter().any(|a| a.eq_ignore_ascii_case(&me.user.email)) {
        return Err(ApiError::new(ErrorCode::Forbidden, "Only the instance's admins see its status."));
    }
    Ok(())
}

/// This node at a glance: version, roles, store, board engine, and the service level
/// objectives as it measured them since it started (availability, p95 per route class,
/// WebSocket delivery lag). Instance admins only (`403 forbidden` for everyone else).
#[utoipa::path(get, path = "/admin/status", tag = "operations", responses((status = 200, body = AdminStatus),
    (status = 403, description = "`forbidden`: not an instance admin", body = sunday_types::ErrorBody)))]
async fn status(State(state): State<HttpState>, Auth(actor): Auth) -> ApiResult<axum::Json<AdminStatus>> {
    require_instance_admin(&state, &actor).await?;
    let health = state.app.health();
    let (schema_version, expected_schema_version) = health.schema_versions().await.map_err(ApiError::from)?;
    let pool = health.pool_stats();
    let engine = state.app.engine_stats();
    Ok(axum::Json(AdminStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        roles: state.settings.node_roles.clone(),
        store: StoreStatus {
            backend: health.backend().to_owned(),
            schema_version,
            expected_schema_version,
            pool_size: pool.size,
            pool_available: pool.available,
        },
        engine: EngineStatus { boards: engine.boards, items: engine.items, bytes: engine.bytes },
        slo: sunday_app::slo::global().report(),
    }))
}
