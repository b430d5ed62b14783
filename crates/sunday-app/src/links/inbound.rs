//! Inbound webhooks: a JSON body creates an item, or updates the one whose match column
//! holds the body's value, through the board service as the Webhook actor, so the change
//! is an ordinary event (activity, real time, and the `webhook_received` trigger).

use std::sync::Arc;

use serde_json::{Map, Value};
use sunday_store::Store;
use sunday_types::{
    automations::INBOUND_ACTOR,
    board_api::{CreateItemRequest, UpdateItemRequest},
    boards::Column,
    links::{BoardLink, InboundMapping, InboundResult},
    ApiError, BoardId, ColumnId, ErrorCode,
};

use crate::{automations::validate::label_by_name, boards::BoardService, Actor, Credentials};

fn pointer(field: &str, p: &str) -> Result<(), ApiError> {
    if p.is_empty() || p.starts_with('/') {
        Ok(())
    } else {
        Err(ApiError::validation(field, "bad_pointer", format!("`{p}` is not a JSON pointer (like `/title`)")))
    }
}

fn column<'a>(columns: &'a [Column], id: ColumnId, field: &str) -> Result<&'a Column, ApiError> {
    columns
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::validation(field, "unknown_column", format!("no column `{id}` on this board")))
}

/// The mapping, checked against the board: pointers well formed, columns and group there,
/// every mapped column one a person could write.
pub(super) async fn check_mapping(
    boards: &BoardService,
    board: BoardId,
    m: InboundMapping,
) -> Result<InboundMapping, ApiError> {
    let (columns, groups) = boards.structure_of(board).await?;
    pointer("mapping.name", &m.name)?;
    if let Some(g) = m.group_id {
        if !groups.iter().any(|x| x.id == g) {
            return Err(ApiError::validation(
                "mapping.group_id",
                "unknown_group",
                format!("no group `{g}` on this board"),
            ));
        }
    }
    for (id, p) in &m.values {
        let field = format!("mapping.values.{id}");
        pointer(&field, p)?;
        let c = column(&columns, *id, &field)?;
        if !sunday_domain::columns::is_written(c.column_type) {
            return Err(ApiError::validation(&field, "read_only_column", format!("`{}` is kept by Sunday", c.title)));
        }
    }
    if let Some(rule) = &m.matching {
        pointer("mapping.match.pointer", &rule.pointer)?;
        column(&columns, rule.column_id, "mapping.match.column_id")?;
    }
    Ok(m)
}

/// The mapped cells the body has (a pointer it lacks leaves its cell alone).
fn values(columns: &[Column], m: &InboundMapping, body: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (id, p) in &m.values {
        if let (Some(v), Some(c)) = (body.pointer(p), columns.iter().find(|c| c.id == *id)) {
            out.insert(id.to_string(), label_by_name(c, v));
        }
    }
    out
}

pub(super) async fn receive(
    boards: &BoardService,
    store: &Arc<dyn Store>,
    link: &BoardLink,
    m: &InboundMapping,
    body: Value,
) -> Result<InboundResult, ApiError> {
    if !body.is_object() {
        return Err(ApiError::new(ErrorCode::InvalidBody, "an inbound webhook's body is a JSON object"));
    }
    let board = store.board(link.board_id).await?.ok_or_else(|| ApiError::of(ErrorCode::LinkNotFound))?;
    let actor = Actor { user_id: INBOUND_ACTOR, credentials: Credentials::Automation { org_id: board.org_id } };
    let columns = store.columns(board.id).await?;
    let values = values(&columns, m, &body);
    let name = match body.pointer(&m.name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(v @ Value::Number(_)) => Some(v.to_string()),
        _ => None,
    };
    if let Some(rule) = &m.matching {
        if let (Some(wanted), Some(c)) = (body.pointer(&rule.pointer), columns.iter().find(|c| c.id == rule.column_id))
        {
            // The body's value as the column stores it, compared with each item's cell.
            let mut one = Map::new();
            one.insert(c.id.to_string(), label_by_name(c, wanted));
            let normalized = boards.normalize_values(&board, &columns, &one).await?;
            let stored = normalized.into_iter().next().and_then(|(_, v)| v);
            if let Some(stored) = stored {
                let found =
                    store.all_items(board.id).await?.into_iter().find(|i| i.values.cell(c).as_ref() == Some(&stored));
                if let Some(item) = found {
                    let req = UpdateItemRequest { name, values: Some(values), ..Default::default() };
                    let after = boards.update_item(&actor, item.id, req, None).await?;
                    return Ok(InboundResult { item_id: after.id, created: false });
                }
            }
        }
    }
    let name = name.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
        ApiError::validation("name", "required", format!("the body has no item name at `{}`", m.name))
    })?;
    let req = CreateItemRequest { name, group_id: m.group_id, values: Some(values), position: None };
    let created = boards.create_item(&actor, board.id, req).await?;
    Ok(InboundResult { item_id: created.id, created: true })
}
