//! Automations (recipes), their runs, dry runs and replays.

use axum::{extract::State, http::StatusCode, response::Response};
use sunday_types::{
    automations::{
        Automation, AutomationRun, CreateAutomationRequest, DryRunRequest, ReplayRequest, ReplayResponse,
        UpdateAutomationRequest,
    },
    dto::Page,
    AutomationId, BoardId, ItemId,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiResult, PageParams};
use crate::{
    extract::{Auth, IfMatch, Json, Path, Query, ReadAuth},
    idempotency::IdemJson,
    HttpState,
};

pub fn routes() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_automations, create_automation))
        .routes(routes!(get_automation, update_automation, delete_automation))
        .routes(routes!(automation_runs))
        .routes(routes!(item_runs))
        .routes(routes!(dry_run))
        .routes(routes!(replay))
        .routes(routes!(retry_run))
}

/// Run a failed run's recipe again on its item (a new run, `retry_of` the failed one).
#[utoipa::path(post, path = "/automation-runs/{id}/retry", tag = "automations", params(("id" = sunday_types::RunId, Path)),
    responses((status = 200, body = AutomationRun)))]
async fn retry_run(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<sunday_types::RunId>,
) -> ApiResult<axum::Json<AutomationRun>> {
    Ok(axum::Json(state.app.automations.retry(&actor, id).await?))
}

/// The board's automations, oldest first.
#[utoipa::path(get, path = "/boards/{id}/automations", tag = "automations", params(("id" = BoardId, Path)),
    responses((status = 200, body = Page<Automation>)))]
async fn list_automations(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
) -> ApiResult<axum::Json<Page<Automation>>> {
    Ok(axum::Json(state.app.automations.list(&actor, id).await?))
}

/// Save a recipe: a trigger, optional conditions (the board filter language) and actions.
/// Every column, label, group and person it names is checked against the board; changing
/// automations needs the board's `edit_all` permission.
#[utoipa::path(post, path = "/boards/{id}/automations", tag = "automations", params(("id" = BoardId, Path)),
    request_body = CreateAutomationRequest, responses((status = 201, body = Automation)))]
async fn create_automation(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<BoardId>,
    req: IdemJson<CreateAutomationRequest>,
) -> ApiResult<Response> {
    let svc = &state.app.automations;
    req.run(&state, &actor, StatusCode::CREATED, async |body| svc.create(&actor, id, body).await).await
}

#[utoipa::path(get, path = "/automations/{id}", tag = "automations", params(("id" = AutomationId, Path)),
    responses((status = 200, body = Automation)))]
async fn get_automation(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<AutomationId>,
) -> ApiResult<axum::Json<Automation>> {
    Ok(axum::Json(state.app.automations.get(&actor, id).await?))
}

/// Change a recipe, or switch it on or off (`enabled`); switching a paused recipe on clears
/// its pause.
#[utoipa::path(patch, path = "/automations/{id}", tag = "automations", params(("id" = AutomationId, Path)),
    request_body = UpdateAutomationRequest, responses((status = 200, body = Automation)))]
async fn update_automation(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<AutomationId>,
    IfMatch(if_match): IfMatch,
    Json(req): Json<UpdateAutomationRequest>,
) -> ApiResult<axum::Json<Automation>> {
    Ok(axum::Json(state.app.automations.update(&actor, id, req, if_match).await?))
}

/// Delete a recipe and its run log.
#[utoipa::path(delete, path = "/automations/{id}", tag = "automations", params(("id" = AutomationId, Path)),
    responses((status = 204, description = "deleted")))]
async fn delete_automation(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<AutomationId>,
) -> ApiResult<StatusCode> {
    state.app.automations.delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The recipe's runs, newest first: the triggering event, the conditions, each action with
/// its input, output or error, and the duration.
#[utoipa::path(get, path = "/automations/{id}/runs", tag = "automations", params(("id" = AutomationId, Path), PageParams),
    responses((status = 200, body = Page<AutomationRun>)))]
async fn automation_runs(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<AutomationId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<Page<AutomationRun>>> {
    let svc = &state.app.automations;
    Ok(axum::Json(svc.recipe_runs(&actor, id, p.cursor.as_deref(), p.limit).await?))
}

/// The automation runs that acted on the item, newest first.
#[utoipa::path(get, path = "/items/{id}/automation-runs", tag = "automations", params(("id" = ItemId, Path), PageParams),
    responses((status = 200, body = Page<AutomationRun>)))]
async fn item_runs(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<ItemId>,
    Query(p): Query<PageParams>,
) -> ApiResult<axum::Json<Page<AutomationRun>>> {
    Ok(axum::Json(state.app.automations.item_runs(&actor, id, p.cursor.as_deref(), p.limit).await?))
}

/// What the recipe would do to the item now (conditions, and each action resolved), without
/// writing anything.
#[utoipa::path(post, path = "/automations/{id}/dry-run", tag = "automations", params(("id" = AutomationId, Path)),
    request_body = DryRunRequest, responses((status = 200, body = AutomationRun)))]
async fn dry_run(
    State(state): State<HttpState>,
    ReadAuth(actor): ReadAuth,
    Path(id): Path<AutomationId>,
    Json(req): Json<DryRunRequest>,
) -> ApiResult<axum::Json<AutomationRun>> {
    Ok(axum::Json(state.app.automations.dry_run(&actor, id, req).await?))
}

/// Run the recipe over the board's past events from `since` to `until` (default now), as if
/// it had existed then. Replaying the same range again makes no second run of an event.
#[utoipa::path(post, path = "/automations/{id}/replay", tag = "automations", params(("id" = AutomationId, Path)),
    request_body = ReplayRequest, responses((status = 200, body = ReplayResponse)))]
async fn replay(
    State(state): State<HttpState>,
    Auth(actor): Auth,
    Path(id): Path<AutomationId>,
    Json(req): Json<ReplayRequest>,
) -> ApiResult<axum::Json<ReplayResponse>> {
    Ok(axum::Json(state.app.automations.replay(&actor, id, req).await?))
}
