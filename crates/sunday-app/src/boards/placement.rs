//! Turning a requested placement (a key, before/after a sibling, top/bottom) into a
//! fractional-index position, so a move or insert never renumbers other rows.

use sunday_domain::position;
use sunday_types::{
    board_api::{Placement, RelativePlacement},
    boards::Item,
    ApiError, ErrorCode, GroupId, ItemId,
};

/// A position among `siblings` (id, position), sorted by position then id.
pub fn among(siblings: &[(String, String)], placement: Option<&Placement>, what: &str) -> Result<String, ApiError> {
    let last = siblings.last().map(|(_, p)| p.as_str());
    let first = siblings.first().map(|(_, p)| p.as_str());
    let index_of = |id: &str| {
        siblings.iter().position(|(sid, _)| sid == id).ok_or_else(|| {
            ApiError::validation("position", "unknown_sibling", format!("no {what} `{id}` to place next to"))
        })
    };
    match placement {
        None => position::between(last, None),
        Some(Placement::Key(k)) => {
            if position::is_valid(k) {
                Ok(k.clone())
            } else {
                Err(ApiError::validation("position", "invalid_key", "a position key uses only 0-9, A-Z and a-z"))
            }
        }
        Some(Placement::Relative(RelativePlacement { before: Some(id), after: None, at: None })) => {
            let i = index_of(id)?;
            let prev = i.checked_sub(1).map(|j| siblings[j].1.as_str());
            position::between(prev, Some(&siblings[i].1))
        }
        Some(Placement::Relative(RelativePlacement { after: Some(id), before: None, at: None })) => {
            let i = index_of(id)?;
            position::between(Some(&siblings[i].1), siblings.get(i + 1).map(|s| s.1.as_str()))
        }
        Some(Placement::Relative(RelativePlacement { at: Some(at), before: None, after: None })) => match at.as_str() {
            "top" => position::between(None, first),
            "bottom" => position::between(last, None),
            _ => Err(ApiError::validation("position", "invalid_at", "`at` is `top` or `bottom`")),
        },
        Some(_) => Err(ApiError::new(ErrorCode::ValidationFailed, "give exactly one of `before`, `after` or `at`")
            .with_details(serde_json::json!({"field": "position", "rule": "one_of"}))),
    }
}

/// A position for an item in `group` (under `parent`, for subitems), among the board's live
/// items and the ones being created in the same request.
pub fn item_position(
    board_items: &[Item],
    pending: &[&Item],
    group: GroupId,
    parent: Option<ItemId>,
    placement: Option<&Placement>,
) -> Result<String, ApiError> {
    let mut siblings: Vec<(String, String)> = board_items
        .iter()
        .chain(pending.iter().copied())
        .filter(|i| i.group_id == group && i.parent_item_id == parent)
        .map(|i| (i.id.to_string(), i.position.clone()))
        .collect();
    siblings.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    among(&siblings, placement, "item")
}
