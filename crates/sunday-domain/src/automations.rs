//! The pure half of automations: whether an event fires a trigger, and the text templates of
//! actions (`{item.name}`, `{item.id}`, `{board.name}`, `{column:<id>}`).

use sunday_types::{
    automations::{Trigger, INBOUND_ACTOR},
    boards::{BoardEvent, Column, Item},
    events::BoardChange,
    ApiError, ColumnId, ItemId,
};

use crate::columns::cell_text;

/// The item a trigger fires on for `event`, or `None` when it does not fire. `from` and `to`
/// of a column trigger are compared with the cell's stored value (the recipe holds them
/// normalized, as the column stores them). A subitem trigger fires on the subitem's parent
/// (the event comes from the subitem board).
pub fn fires(trigger: &Trigger, event: &BoardEvent) -> Option<ItemId> {
    match (trigger, &event.change) {
        (Trigger::ItemCreated, BoardChange::ItemCreated(c)) if c.item.parent_item_id.is_none() => Some(c.item.id),
        (Trigger::SubitemCreated, BoardChange::ItemCreated(c)) => c.item.parent_item_id,
        (Trigger::ColumnChanged { column_id, from, to }, BoardChange::ItemUpdated(c)) => {
            let hit = c.changes.iter().any(|cell| {
                column_id.is_none_or(|id| id == cell.column_id)
                    && from.as_ref().is_none_or(|f| cell.old.as_ref() == Some(f))
                    && to.as_ref().is_none_or(|t| cell.new.as_ref() == Some(t))
            });
            hit.then_some(c.item.id)
        }
        (Trigger::ItemMoved { group_id }, BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c)) => {
            let moved = c.group.as_ref()?;
            group_id.is_none_or(|g| g == moved.to).then_some(c.item.id)
        }
        (Trigger::ItemArchived, BoardChange::ItemArchived(c)) => Some(c.item.id),
        (Trigger::UpdatePosted, BoardChange::UpdatePosted(c)) if c.update.parent_id.is_none() => Some(c.update.item_id),
        (Trigger::ButtonClicked { column_id }, BoardChange::ButtonClicked(c)) if c.column_id == *column_id => {
            Some(c.item_id)
        }
        (Trigger::WebhookReceived, BoardChange::ItemCreated(c)) if event.actor == INBOUND_ACTOR => Some(c.item.id),
        (Trigger::WebhookReceived, BoardChange::ItemUpdated(c)) if event.actor == INBOUND_ACTOR => Some(c.item.id),
        _ => None,
    }
}

/// One piece of a parsed template.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    ItemName,
    ItemId,
    BoardName,
    Column(ColumnId),
}

/// Parses a template; `field` names it in the error. `{{` and `}}` are literal braces.
pub fn parse_template(field: &str, text: &str) -> Result<Vec<Piece>, ApiError> {
    let bad = |rule: &str, msg: String| Err(ApiError::validation(field, rule, msg));
    let mut out = vec![];
    let mut literal = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        literal.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{{") {
            literal.push('{');
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix("}}") {
            literal.push('}');
            rest = after;
            continue;
        }
        if tail.starts_with('}') {
            return bad(
                "unbalanced_brace",
                format!("a `}}` at {} closes nothing (write `}}}}` for a brace)", text.len() - tail.len()),
            );
        }
        let Some(end) = tail.find('}') else {
            return bad("unbalanced_brace", format!("the `{{` at {} is never closed", text.len() - tail.len()));
        };
        let name = &tail[1..end];
        let piece = match name {
            "item.name" => Piece::ItemName,
            "item.id" => Piece::ItemId,
            "board.name" => Piece::BoardName,
            _ => match name.strip_prefix("column:").map(str::parse::<ColumnId>) {
                Some(Ok(id)) => Piece::Column(id),
                _ => {
                    return bad(
                        "unknown_placeholder",
                        format!("`{{{name}}}` is not a placeholder: use {{item.name}}, {{item.id}}, {{board.name}} or {{column:<column id>}}"),
                    )
                }
            },
        };
        if !literal.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut literal)));
        }
        out.push(piece);
        rest = &tail[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        out.push(Piece::Text(literal));
    }
    Ok(out)
}

/// The columns a template names.
pub fn template_columns(pieces: &[Piece]) -> impl Iterator<Item = ColumnId> + '_ {
    pieces.iter().filter_map(|p| match p {
        Piece::Column(c) => Some(*c),
        _ => None,
    })
}

/// The template filled in for `item`; a column that is gone renders empty.
pub fn render(pieces: &[Piece], item: &Item, board_name: &str, columns: &[Column]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::ItemName => out.push_str(&item.name),
            Piece::ItemId => out.push_str(&item.id.to_string()),
            Piece::BoardName => out.push_str(board_name),
            Piece::Column(id) => {
                if let Some(c) = columns.iter().find(|c| c.id == *id) {
                    out.push_str(&cell_text(item, c));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_and_escapes_parse() {
        let id = ColumnId::new();
        let pieces = parse_template("t", &format!("Hi {{item.name}} ({{column:{id}}}) {{{{x}}}}")).unwrap();
        assert_eq!(
            pieces,
            vec![
                Piece::Text("Hi ".into()),
                Piece::ItemName,
                Piece::Text(" (".into()),
                Piece::Column(id),
                Piece::Text(") {x}".into()),
            ]
        );
    }

    #[test]
    fn bad_templates_name_the_problem() {
        for (text, rule) in
            [("{nope}", "unknown_placeholder"), ("{item.name", "unbalanced_brace"), ("a } b", "unbalanced_brace")]
        {
            let e = parse_template("actions[0].text", text).unwrap_err();
            let d = serde_json::to_value(e.details).unwrap();
            assert_eq!((d["field"].as_str(), d["rule"].as_str()), (Some("actions[0].text"), Some(rule)), "{text}");
        }
    }

    proptest! {
        /// Any text parses or is refused, never panics; text without braces is itself.
        #[test]
        fn templates_never_panic(text in ".{0,60}") {
            if let Ok(pieces) = parse_template("t", &text) {
                if !text.contains(['{', '}']) {
                    let plain: String = pieces.iter().map(|p| match p { Piece::Text(t) => t.clone(), _ => String::new() }).collect();
                    prop_assert_eq!(plain, text);
                }
            }
        }
    }
}
