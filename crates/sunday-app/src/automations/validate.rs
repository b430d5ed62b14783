//! A recipe checked against its board when saved: every column, label, group, board and
//! person it names exists and fits the action, conditions parse, templates are well formed.
//! Each refusal names its field (`trigger.to`, `actions[1].group_id`, `conditions.…`).
//! Values (`to`, `from`, `set_column`'s `value`) come back normalized as the column stores
//! them, so a run compares and writes exactly what an edit would.

use serde_json::{Map, Value};
use sunday_domain::{
    automations::parse_template,
    columns::{normalize_settings, normalize_value, ValueContext},
    filter::parse_filter,
    schedule,
};
use sunday_types::{
    automations::{Action, Period, Person, Recipe, Trigger},
    boards::{Board, Column, ColumnType},
    ApiError, ColumnId, ErrorCode, ErrorDetails, GroupId,
};

use super::{AutomationService, MAX_ACTIONS};
use crate::{boards::BoardService, Actor};

fn invalid(field: String, rule: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation(&field, rule, message)
}

/// Puts `field` in front of the field a nested check named (`values.<id>` → `trigger.to`).
fn at(field: &str, mut e: ApiError) -> ApiError {
    if let Some(d) = e.details.as_mut() {
        d.field = Some(match d.field.take() {
            Some(f) if f.starts_with("values.") || f.is_empty() => field.to_owned(),
            Some(f) => format!("{field}.{f}"),
            None => field.to_owned(),
        });
    } else if e.code == ErrorCode::ValidationFailed || e.code == ErrorCode::GroupNotFound {
        e.details_mut().field = Some(field.to_owned());
    }
    e
}

fn column(columns: &[Column], id: ColumnId, field: String) -> Result<&Column, ApiError> {
    columns.iter().find(|c| c.id == id).ok_or_else(|| {
        ApiError::new(ErrorCode::ValidationFailed, format!("no column `{id}` on this board"))
            .with_details(ErrorDetails::rule(&field, "unknown_column").column(id))
    })
}

fn of_type(c: &Column, types: &[ColumnType], field: String, what: &str) -> Result<(), ApiError> {
    if types.contains(&c.column_type) {
        Ok(())
    } else {
        Err(invalid(
            field,
            "wrong_column_type",
            format!("`{}` is a {} column; {what}", c.title, c.column_type.as_str()),
        ))
    }
}

/// The people column a `notify` or `send_email` reaches.
fn people_column(columns: &[Column], id: ColumnId, field: String) -> Result<(), ApiError> {
    of_type(column(columns, id, field.clone())?, &[ColumnType::People], field, "it must be a people column")
}

fn group(groups: &[sunday_types::boards::Group], id: GroupId, field: String) -> Result<(), ApiError> {
    if groups.iter().any(|g| g.id == id) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::ValidationFailed, format!("no group `{id}` on this board")).with_details(
            ErrorDetails { group_id: Some(id.to_string()), ..ErrorDetails::rule(&field, "unknown_group") },
        ))
    }
}

/// One value for `column`, normalized as the column stores it (`null` stays `null`).
async fn normalized(
    boards: &BoardService,
    board: &Board,
    columns: &[Column],
    column: &Column,
    raw: &Value,
    field: &str,
) -> Result<Value, ApiError> {
    let raw = label_by_name(column, raw);
    if column.column_type == ColumnType::Formula {
        // A formula's value is one of its result type: "when Total changes to 100".
        let ty = column.value_type();
        let as_value = Column { column_type: ty, settings: normalize_settings(ty, None)?, ..column.clone() };
        let ctx = ValueContext { is_org_member: &|_| false };
        let v = normalize_value(&as_value, &raw, &ctx).map_err(|e| at(field, e))?;
        return Ok(v.map(|v| v.to_json()).unwrap_or(Value::Null));
    }
    let mut values = Map::new();
    values.insert(column.id.to_string(), raw);
    let out = boards.normalize_values(board, columns, &values).await.map_err(|e| at(field, e))?;
    Ok(out.into_iter().next().and_then(|(_, v)| v).map(|v| v.to_json()).unwrap_or(Value::Null))
}

/// A status label named by its name ("Done"), as people say it, turned into the label's id
/// the cell stores; any other value as it is.
pub(crate) fn label_by_name(column: &Column, raw: &Value) -> Value {
    match raw {
        Value::String(name) if column.column_type == ColumnType::Status => {
            let labels = column.settings.labels();
            labels
                .iter()
                .find(|l| l.id == *name)
                .or_else(|| labels.iter().find(|l| l.name.eq_ignore_ascii_case(name)))
                .map_or_else(|| raw.clone(), |l| Value::String(l.id.clone()))
        }
        _ => raw.clone(),
    }
}

fn template(field: String, text: &str, columns: &[Column]) -> Result<(), ApiError> {
    let pieces = parse_template(&field, text)?;
    for id in sunday_domain::automations::template_columns(&pieces) {
        column(columns, id, field.clone())?;
    }
    if text.chars().count() > 2_000 {
        return Err(invalid(field, "too_long", "at most 2000 characters"));
    }
    Ok(())
}

async fn people(boards: &BoardService, board: &Board, users: &[Person], field: &str) -> Result<(), ApiError> {
    for (i, p) in users.iter().enumerate() {
        if let Person::User(u) = p {
            if !boards.is_org_member(board.org_id, *u).await? {
                return Err(invalid(
                    format!("{field}[{i}]"),
                    "not_a_member",
                    format!("`{u}` is not in this organization"),
                ));
            }
        }
    }
    Ok(())
}

/// The recipe, normalized, or the first problem found.
pub(super) async fn recipe(
    svc: &AutomationService,
    actor: &Actor,
    board: &Board,
    mut recipe: Recipe,
) -> Result<Recipe, ApiError> {
    let boards = &svc.boards;
    let (columns, groups) = boards.structure_of(board.id).await?;
    match &mut recipe.trigger {
        Trigger::ColumnChanged { column_id, from, to } => {
            if let Some(id) = column_id {
                let c = column(&columns, *id, "trigger.column_id".into())?;
                for (name, v) in [("trigger.from", from), ("trigger.to", to)] {
                    if let Some(raw) = v.as_ref() {
                        *v = Some(normalized(boards, board, &columns, c, raw, name).await?);
                    }
                }
            } else if from.is_some() || to.is_some() {
                return Err(invalid("trigger.column_id".into(), "required", "`from` and `to` need a `column_id`"));
            }
        }
        Trigger::ItemMoved { group_id: Some(g) } => group(&groups, *g, "trigger.group_id".into())?,
        Trigger::DateArrives { column_id, offset_days, at, tz } => {
            of_type(
                column(&columns, *column_id, "trigger.column_id".into())?,
                &[ColumnType::Date, ColumnType::Timeline],
                "trigger.column_id".into(),
                "a date trigger needs a date or timeline column",
            )?;
            if offset_days.unsigned_abs() > 3_650 {
                return Err(invalid("trigger.offset_days".into(), "out_of_range", "at most 3650 days either way"));
            }
            if let Some(at) = at {
                schedule::parse_at("trigger.at", at)?;
            }
            schedule::parse_zone("trigger.tz", tz.as_deref())?;
        }
        Trigger::ButtonClicked { column_id } => of_type(
            column(&columns, *column_id, "trigger.column_id".into())?,
            &[ColumnType::Button],
            "trigger.column_id".into(),
            "a button trigger needs a button column",
        )?,
        Trigger::Every { period, at, weekday, day, tz } => {
            schedule::parse_at("trigger.at", at)?;
            schedule::parse_zone("trigger.tz", tz.as_deref())?;
            match period {
                Period::Week if !matches!(weekday, Some(1..=7)) => {
                    return Err(invalid("trigger.weekday".into(), "required", "a weekly trigger needs `weekday` 1–7"))
                }
                Period::Month if !matches!(day, Some(1..=31)) => {
                    return Err(invalid("trigger.day".into(), "required", "a monthly trigger needs `day` 1–31"))
                }
                _ => {}
            }
        }
        _ => {}
    }
    if let Some(c) = &recipe.conditions {
        parse_filter(c, &columns).map_err(|e| at("conditions", e))?;
    }
    if recipe.actions.is_empty() {
        return Err(invalid("actions".into(), "required", "a recipe needs at least one action"));
    }
    if recipe.actions.len() > MAX_ACTIONS {
        return Err(invalid("actions".into(), "too_many", format!("at most {MAX_ACTIONS} actions")));
    }
    for (i, action) in recipe.actions.iter_mut().enumerate() {
        let f = |name: &str| format!("actions[{i}].{name}");
        match action {
            Action::SetColumn { column_id, value } => {
                let c = column(&columns, *column_id, f("column_id"))?;
                of_written(c, f("column_id"))?;
                if let (Value::String(text), true) = (&*value, is_text(c)) {
                    template(f("value"), text, &columns)?;
                } else {
                    *value = normalized(boards, board, &columns, c, value, &f("value")).await?;
                }
            }
            Action::ClearColumn { column_id } => {
                of_written(column(&columns, *column_id, f("column_id"))?, f("column_id"))?
            }
            Action::IncrementColumn { column_id, by } => {
                of_type(
                    column(&columns, *column_id, f("column_id"))?,
                    &[ColumnType::Number],
                    f("column_id"),
                    "increment needs a number column",
                )?;
                if !by.is_finite() {
                    return Err(invalid(f("by"), "not_finite", "`by` must be a finite number"));
                }
            }
            Action::AssignPerson { column_id, person } => {
                of_type(
                    column(&columns, *column_id, f("column_id"))?,
                    &[ColumnType::People],
                    f("column_id"),
                    "assigning needs a people column",
                )?;
                people(boards, board, std::slice::from_ref(person), &f("person")).await?;
            }
            Action::UnassignPerson { column_id, person } => {
                of_type(
                    column(&columns, *column_id, f("column_id"))?,
                    &[ColumnType::People],
                    f("column_id"),
                    "unassigning needs a people column",
                )?;
                if let Some(p) = person {
                    people(boards, board, std::slice::from_ref(p), &f("person")).await?;
                }
            }
            Action::PushDate { column_id, days } => {
                let c = column(&columns, *column_id, f("column_id"))?;
                of_type(
                    c,
                    &[ColumnType::Date, ColumnType::Timeline],
                    f("column_id"),
                    "pushing a date needs a date or timeline column",
                )?;
                if days.unsigned_abs() > 36_500 {
                    return Err(invalid(f("days"), "out_of_range", "`days` is at most 36500 either way"));
                }
            }
            Action::MoveToGroup { group_id } => group(&groups, *group_id, f("group_id"))?,
            Action::Archive | Action::Duplicate => {}
            Action::CreateItem { board_id, group_id, name, copy_values: _, values } => {
                template(f("name"), name, &columns)?;
                let target = match board_id.filter(|b| *b != board.id) {
                    Some(other) => {
                        let row = other_board(boards, actor, board, other, *group_id, &f).await?;
                        let (other_columns, _) = boards.structure_of(other).await?;
                        (row, other_columns)
                    }
                    None => {
                        if let Some(g) = group_id {
                            group(&groups, *g, f("group_id"))?;
                        }
                        (board.clone(), columns.clone())
                    }
                };
                for (key, value) in values.iter_mut() {
                    let field = format!("{}.{key}", f("values"));
                    let id: ColumnId = key
                        .parse()
                        .map_err(|_| invalid(field.clone(), "unknown_column", format!("`{key}` is not a column id")))?;
                    let c = column(&target.1, id, field.clone())?;
                    of_written(c, field.clone())?;
                    // A text cell is a template over the triggering item's columns.
                    if let (Value::String(text), true) = (&*value, is_text(c)) {
                        template(field, text, &columns)?;
                    } else {
                        *value = normalized(boards, &target.0, &target.1, c, value, &field).await?;
                    }
                }
            }
            Action::MoveToBoard { board_id, group_id } => {
                if *board_id == board.id {
                    return Err(invalid(f("board_id"), "same_board", "move to a group to stay on this board"));
                }
                other_board(boards, actor, board, *board_id, *group_id, &f).await?;
            }
            Action::CreateSubitem { name } => template(f("name"), name, &columns)?,
            Action::PostUpdate { text } => template(f("text"), text, &columns)?,
            Action::Notify { users, people_column_id, text } => {
                template(f("text"), text, &columns)?;
                if users.is_empty() && people_column_id.is_none() {
                    return Err(invalid(f("users"), "required", "notify needs `users` or a `people_column_id`"));
                }
                people(boards, board, users, &f("users")).await?;
                if let Some(id) = people_column_id {
                    people_column(&columns, *id, f("people_column_id"))?;
                }
            }
            Action::CallWebhook { webhook_id } => {
                let on_board = svc.store.webhook(*webhook_id).await?.is_some_and(|w| w.webhook.board_id == board.id);
                if !on_board {
                    return Err(invalid(
                        f("webhook_id"),
                        "unknown_webhook",
                        format!("no webhook subscription `{webhook_id}` on this board"),
                    ));
                }
            }
            Action::SendEmail { to, people_column_id, subject, text } => {
                if svc.mail.is_none() {
                    return Err(invalid(
                        f("type"),
                        "mail_not_configured",
                        "sending email needs an SMTP server (`mail.smtp_host`) in the configuration",
                    ));
                }
                if to.is_empty() && people_column_id.is_none() {
                    return Err(invalid(f("to"), "required", "send_email needs `to` or a `people_column_id`"));
                }
                for (k, address) in to.iter().enumerate() {
                    if address.parse::<lettre::Address>().is_err() {
                        return Err(invalid(
                            format!("{}[{k}]", f("to")),
                            "bad_email",
                            format!("`{address}` is not an email address"),
                        ));
                    }
                }
                if let Some(id) = people_column_id {
                    people_column(&columns, *id, f("people_column_id"))?;
                }
                template(f("subject"), subject, &columns)?;
                template(f("text"), text, &columns)?;
            }
        }
    }
    Ok(recipe)
}

/// Another board a recipe writes to: its maker must be able to add items there (a recipe
/// cannot reach a board its author could not), in the same organization, and `group` is one
/// of its groups. Answers that board.
async fn other_board(
    boards: &BoardService,
    actor: &Actor,
    board: &Board,
    other: sunday_types::BoardId,
    group_id: Option<GroupId>,
    f: &(dyn Fn(&str) -> String + Sync),
) -> Result<Board, ApiError> {
    let access = boards.access_for_write(actor, other).await.map_err(|e| match e.code {
        ErrorCode::BoardNotFound => {
            invalid(f("board_id"), "unknown_board", format!("no board `{other}` you can add items to"))
        }
        _ => at(&f("board_id"), e),
    })?;
    access.require_content().map_err(|e| at(&f("board_id"), e))?;
    if access.board.org_id != board.org_id || access.board.parent_board_id.is_some() {
        return Err(invalid(f("board_id"), "other_organization", "a recipe acts on the boards of its organization"));
    }
    if let Some(g) = group_id {
        let (_, other_groups) = boards.structure_of(other).await?;
        group(&other_groups, g, f("group_id"))?;
    }
    Ok(access.board)
}

/// Text columns take a template as their value (`{item.name}`, `{column:<id>}`…), filled
/// in when the action runs.
pub(super) fn is_text(c: &Column) -> bool {
    matches!(c.column_type, ColumnType::Text | ColumnType::LongText)
}

fn of_written(c: &Column, field: String) -> Result<(), ApiError> {
    if sunday_domain::columns::is_written(c.column_type) {
        Ok(())
    } else {
        Err(invalid(field, "read_only_column", format!("`{}` is kept by Sunday and cannot be set", c.title)))
    }
}

/// The columns and groups a recipe names that are gone from `columns`/`groups`: the reason
/// to pause it, or `None` when it still fits the board.
pub(super) fn missing_reference(
    recipe: &Recipe,
    columns: &[Column],
    groups: &[sunday_types::boards::Group],
) -> Option<String> {
    let has_column = |id: &ColumnId| columns.iter().any(|c| c.id == *id);
    let has_group = |id: &GroupId| groups.iter().any(|g| g.id == *id);
    let mut named_columns: Vec<ColumnId> = vec![];
    let mut named_groups: Vec<GroupId> = vec![];
    match &recipe.trigger {
        Trigger::ColumnChanged { column_id: Some(c), .. } => named_columns.push(*c),
        Trigger::ItemMoved { group_id: Some(g) } => named_groups.push(*g),
        Trigger::DateArrives { column_id, .. } | Trigger::ButtonClicked { column_id } => named_columns.push(*column_id),
        _ => {}
    }
    for a in &recipe.actions {
        match a {
            Action::SetColumn { column_id, .. }
            | Action::ClearColumn { column_id }
            | Action::IncrementColumn { column_id, .. }
            | Action::AssignPerson { column_id, .. }
            | Action::UnassignPerson { column_id, .. }
            | Action::PushDate { column_id, .. } => named_columns.push(*column_id),
            Action::Notify { people_column_id: Some(c), .. } | Action::SendEmail { people_column_id: Some(c), .. } => {
                named_columns.push(*c)
            }
            Action::MoveToGroup { group_id } => named_groups.push(*group_id),
            Action::CreateItem { board_id: None, group_id, values, .. } => {
                named_groups.extend(group_id);
                named_columns.extend(values.keys().filter_map(|k| k.parse::<ColumnId>().ok()));
            }
            _ => {}
        }
    }
    if let Some(c) = named_columns.iter().find(|c| !has_column(c)) {
        return Some(format!("column {c} it uses was deleted"));
    }
    if let Some(g) = named_groups.iter().find(|g| !has_group(g)) {
        return Some(format!("group {g} it uses was deleted"));
    }
    if let Some(c) = &recipe.conditions {
        if let Err(e) = parse_filter(c, columns) {
            return Some(format!("its conditions no longer fit the board: {}", e.message));
        }
    }
    None
}
