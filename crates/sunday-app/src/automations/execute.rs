//! A run's actions: each resolved against the item as it is now into a [`Write`] (what it
//! would write), then applied through the board service as the Automation actor, holding the
//! step's idempotency key and carrying the run as the cause of its changes. A dry run stops
//! after resolving.

use serde_json::{Map, Value};
use sunday_domain::automations::{parse_template, render};
use sunday_types::{
    automations::{
        Action, Automation, AutomationRun, EventCause, Person, RunError, RunStatus, RunStep, StepStatus,
        AUTOMATION_ACTOR,
    },
    board_api::{CreateItemRequest, UpdateItemRequest},
    boards::{Board, Column, Item},
    cells::{CellValue, DateValue},
    notifications::{Notification, NotificationKind},
    time::{now_millis, to_datetime},
    webhooks::AutomationDelivery,
    ApiError, BoardId, DeliveryId, ErrorCode, GroupId, ItemId, NotificationId, UserId, WebhookId,
};

use sunday_store::BoardWrite;
use sunday_types::step_output::{self as out, StepOutput};

use super::{AutomationService, CAUSE};
use crate::{idempotency::reserve_once, Actor};

/// What an action comes to for one item.
#[derive(Clone, Debug)]
pub(super) enum Write {
    /// Set these cells / move to this group.
    Update {
        values: Map<String, Value>,
        group_id: Option<GroupId>,
    },
    Archive,
    Duplicate,
    Create {
        board: BoardId,
        group_id: Option<GroupId>,
        name: String,
        values: Map<String, Value>,
    },
    CreateSubitem {
        name: String,
    },
    MoveBoard {
        board: BoardId,
        group_id: Option<GroupId>,
    },
    Post {
        text: String,
    },
    Notify {
        users: Vec<UserId>,
        text: String,
    },
    Deliver {
        webhook: WebhookId,
    },
    Email {
        to: Vec<String>,
        subject: String,
        text: String,
    },
    /// Nothing to do, and why.
    Nothing(&'static str),
}

impl Write {
    /// What the write would do to `item` (a dry run's step output).
    fn describe(&self, item: ItemId) -> StepOutput {
        let item_id = item;
        match self.clone() {
            Write::Update { values, group_id } => {
                StepOutput::Updated(out::Updated { item_id, values, group_id, version: None })
            }
            Write::Archive => StepOutput::Archived(out::Archived { item_id, archived: true }),
            Write::Duplicate => StepOutput::WouldCopy(out::WouldCopy { duplicate_of: item }),
            Write::Create { board, group_id, name, values } => {
                StepOutput::WouldCreate(out::WouldCreate { board_id: board, group_id, name, values })
            }
            Write::CreateSubitem { name } => {
                StepOutput::WouldCreateSubitem(out::WouldCreateSubitem { parent_item_id: item, name })
            }
            Write::MoveBoard { board, group_id } => {
                StepOutput::Moved(out::Moved { item_id, board_id: board, group_id })
            }
            Write::Post { text } => StepOutput::WouldPost(out::WouldPost { item_id, body: text }),
            Write::Notify { users, text } => StepOutput::Notified(out::Notified { users, text }),
            Write::Deliver { webhook } => StepOutput::WouldDeliver(out::WouldDeliver { webhook_id: webhook, item_id }),
            Write::Email { to, subject, text } => StepOutput::Emailed(out::Emailed { to, subject, text: Some(text) }),
            Write::Nothing(why) => StepOutput::Nothing(out::Nothing { nothing_to_do: why.to_owned() }),
        }
    }
}

/// The item's board, read once per run.
pub(super) struct Scene {
    pub board: Board,
    pub columns: Vec<Column>,
    pub triggered_by: UserId,
    /// Who saved the recipe: a recipe reaches other boards only while they still may.
    pub author: UserId,
}

fn person(p: &Person, triggered_by: UserId) -> Option<UserId> {
    match p {
        Person::TriggeringUser => (triggered_by != AUTOMATION_ACTOR).then_some(triggered_by),
        Person::User(u) => Some(*u),
    }
}

fn text(template: &str, item: &Item, scene: &Scene) -> Result<String, ApiError> {
    Ok(render(&parse_template("text", template)?, item, &scene.board.name, &scene.columns))
}

fn one_value(column: impl ToString, value: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(column.to_string(), value);
    m
}

fn cell(item: &Item, scene: &Scene, column: sunday_types::ColumnId) -> Option<CellValue> {
    scene.columns.iter().find(|c| c.id == column).and_then(|c| item.values.cell(c))
}

fn shifted(d: DateValue, days: i64) -> DateValue {
    match d {
        DateValue::Day(day) => DateValue::Day(day + chrono::Duration::days(days)),
        DateValue::At(t) => DateValue::At(t + chrono::Duration::days(days)),
    }
}

/// Checked when saved, and again at each run: removed from another board, the author's
/// recipe stops reaching it (the run fails and the recipe pauses).
async fn author_reaches(svc: &AutomationService, scene: &Scene, board: BoardId) -> Result<(), ApiError> {
    let allowed = match svc.boards.access_of(scene.author, board).await {
        Ok(access) => access.require_content().is_ok() && access.board.org_id == scene.board.org_id,
        Err(_) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::Forbidden, "the recipe's author can no longer add items to the board it names"))
    }
}

/// What `action` would write for `item` now.
pub(super) async fn resolve(
    svc: &AutomationService,
    action: &Action,
    item: &Item,
    scene: &Scene,
) -> Result<Write, ApiError> {
    let update = |values| Write::Update { values, group_id: None };
    Ok(match action {
        Action::SetColumn { column_id, value } => {
            let templated = scene.columns.iter().find(|c| c.id == *column_id).is_some_and(super::validate::is_text);
            match value {
                Value::String(t) if templated => update(one_value(column_id, Value::String(text(t, item, scene)?))),
                _ => update(one_value(column_id, value.clone())),
            }
        }
        Action::ClearColumn { column_id } => update(one_value(column_id, Value::Null)),
        Action::IncrementColumn { column_id, by } => {
            let now = match cell(item, scene, *column_id) {
                Some(CellValue::Number(n)) => n,
                _ => 0.0,
            };
            update(one_value(column_id, CellValue::Number(now + by).to_json()))
        }
        Action::AssignPerson { column_id, person: p } => {
            let Some(user) = person(p, scene.triggered_by) else { return Ok(Write::Nothing("no person to assign")) };
            let mut people = match cell(item, scene, *column_id) {
                Some(CellValue::People(p)) => p,
                _ => vec![],
            };
            if people.contains(&user) {
                return Ok(Write::Nothing("already assigned"));
            }
            people.push(user);
            update(one_value(column_id, CellValue::People(people).to_json()))
        }
        Action::UnassignPerson { column_id, person: p } => {
            let people = match cell(item, scene, *column_id) {
                Some(CellValue::People(p)) => p,
                _ => return Ok(Write::Nothing("nobody assigned")),
            };
            let keep: Vec<UserId> = match p.as_ref().map(|p| person(p, scene.triggered_by)) {
                None => vec![],
                Some(None) => return Ok(Write::Nothing("no person to unassign")),
                Some(Some(user)) => people.iter().copied().filter(|u| *u != user).collect(),
            };
            if keep.len() == people.len() {
                return Ok(Write::Nothing("not assigned"));
            }
            update(one_value(column_id, CellValue::People(keep).to_json()))
        }
        Action::PushDate { column_id, days } => match cell(item, scene, *column_id) {
            Some(CellValue::Date(d)) => update(one_value(column_id, CellValue::Date(shifted(d, *days)).to_json())),
            Some(CellValue::Timeline(from, to)) => {
                update(one_value(column_id, CellValue::Timeline(shifted(from, *days), shifted(to, *days)).to_json()))
            }
            _ => Write::Nothing("the date is empty"),
        },
        Action::MoveToGroup { group_id } => {
            if item.group_id == *group_id {
                Write::Nothing("already in the group")
            } else {
                Write::Update { values: Map::new(), group_id: Some(*group_id) }
            }
        }
        Action::Archive => Write::Archive,
        Action::Duplicate => Write::Duplicate,
        Action::CreateItem { board_id, group_id, name, copy_values, values } => {
            let board = board_id.unwrap_or(item.board_id);
            let columns = if board == item.board_id {
                scene.columns.clone()
            } else {
                author_reaches(svc, scene, board).await?;
                svc.store.columns(board).await?
            };
            let mut cells =
                if *copy_values { crate::boards::carried(item, &scene.columns, &columns) } else { Map::new() };
            for (key, value) in values {
                let templated = columns.iter().find(|c| c.id.to_string() == *key).is_some_and(super::validate::is_text);
                let value = match value {
                    Value::String(t) if templated => Value::String(text(t, item, scene)?),
                    other => other.clone(),
                };
                cells.insert(key.clone(), value);
            }
            Write::Create { board, group_id: *group_id, name: text(name, item, scene)?, values: cells }
        }
        Action::MoveToBoard { board_id, group_id } => {
            author_reaches(svc, scene, *board_id).await?;
            Write::MoveBoard { board: *board_id, group_id: *group_id }
        }
        Action::CreateSubitem { name } => Write::CreateSubitem { name: text(name, item, scene)? },
        Action::PostUpdate { text: t } => Write::Post { text: text(t, item, scene)? },
        Action::Notify { users, people_column_id, text: t } => {
            let mut to: Vec<UserId> = users.iter().filter_map(|p| person(p, scene.triggered_by)).collect();
            if let Some(Some(CellValue::People(p))) = people_column_id.map(|c| cell(item, scene, c)) {
                to.extend(p);
            }
            let mut seen = std::collections::HashSet::new();
            to.retain(|u| seen.insert(*u));
            // Only people who may see the board hear about its items.
            let mut visible = vec![];
            for u in to {
                if svc.boards.access_of(u, item.board_id).await.is_ok() {
                    visible.push(u);
                }
            }
            if visible.is_empty() {
                Write::Nothing("nobody to notify")
            } else {
                Write::Notify { users: visible, text: text(t, item, scene)? }
            }
        }
        Action::CallWebhook { webhook_id } => Write::Deliver { webhook: *webhook_id },
        Action::SendEmail { to, people_column_id, subject, text: t } => {
            let mut addresses = to.clone();
            if let Some(Some(CellValue::People(people))) = people_column_id.map(|c| cell(item, scene, c)) {
                for u in people {
                    // Only people who may see the board get mail about its items.
                    if svc.boards.access_of(u, item.board_id).await.is_err() {
                        continue;
                    }
                    if let Some(p) = svc.boards.directory().profile(u).await? {
                        addresses.push(p.user.email.clone());
                    }
                }
            }
            let mut seen = std::collections::HashSet::new();
            addresses.retain(|a| seen.insert(a.to_lowercase()));
            if addresses.is_empty() {
                Write::Nothing("nobody to email")
            } else {
                Write::Email { to: addresses, subject: text(subject, item, scene)?, text: text(t, item, scene)? }
            }
        }
    })
}

/// Applies `write` as the Automation actor; answers what was written.
async fn apply(
    svc: &AutomationService,
    actor: &Actor,
    write: Write,
    item: &Item,
) -> Result<(StepStatus, StepOutput), ApiError> {
    let boards = &svc.boards;
    let done = |v: StepOutput| Ok((StepStatus::Done, v));
    match write {
        Write::Nothing(_) => Ok((StepStatus::Unchanged, write.describe(item.id))),
        Write::Update { values, group_id } => {
            let req = UpdateItemRequest { values: Some(values.clone()), group_id, ..Default::default() };
            let after = boards.update_item(actor, item.id, req, None).await?;
            let status = if after.version == item.version { StepStatus::Unchanged } else { StepStatus::Done };
            let version = Some(after.version);
            Ok((status, StepOutput::Updated(out::Updated { item_id: item.id, values, group_id, version })))
        }
        Write::Archive => {
            let after = boards.archive_item(actor, item.id).await?;
            done(StepOutput::Archived(out::Archived { item_id: after.id, archived: true }))
        }
        Write::Duplicate => {
            let copy = boards.duplicate_item(actor, item.id).await?;
            done(StepOutput::Copied(out::Copied { item_id: copy.id, name: copy.name }))
        }
        Write::Create { board, group_id, name, values } => {
            let req = CreateItemRequest { name, group_id, values: Some(values), position: None };
            let created = boards.create_item(actor, board, req).await?;
            done(StepOutput::Created(out::Created {
                item_id: created.id,
                board_id: created.board_id,
                name: created.name,
            }))
        }
        Write::CreateSubitem { name } => {
            let req = CreateItemRequest { name, group_id: None, values: None, position: None };
            let created = boards.create_subitem(actor, item.id, req).await?;
            done(StepOutput::Subitem(out::Subitem { item_id: created.id, parent_item_id: item.id, name: created.name }))
        }
        Write::MoveBoard { board, group_id } => {
            let req = sunday_types::board_api::MoveToBoardRequest { board_id: board, group_id };
            let moved = boards.move_to_board(actor, item.id, req).await?;
            done(StepOutput::Moved(out::Moved {
                item_id: moved.id,
                board_id: moved.board_id,
                group_id: Some(moved.group_id),
            }))
        }
        Write::Post { text } => {
            let update = boards.post_update(actor, item.id, &text, &[]).await?;
            done(StepOutput::Posted(out::Posted { update_id: update.id }))
        }
        Write::Notify { users, text } => {
            let at = to_datetime(now_millis());
            let notes = users
                .iter()
                .map(|u| Notification {
                    id: NotificationId::new(),
                    user_id: *u,
                    kind: NotificationKind::Automation,
                    actor: AUTOMATION_ACTOR,
                    board_id: Some(item.board_id),
                    item_id: Some(item.id),
                    text: text.clone(),
                    created_at: at,
                    read_at: None,
                })
                .collect();
            boards.deliver(item.board_id, notes).await?;
            done(StepOutput::Notified(out::Notified { users, text }))
        }
        Write::Deliver { webhook } => {
            let cause = super::current_cause();
            let body = AutomationDelivery {
                webhook_id: webhook,
                board_id: item.board_id,
                automation_id: cause.as_ref().map(|c| c.automation_id),
                run_id: cause.as_ref().map(|c| c.run_id),
                item,
            };
            let body = serde_json::to_string(&body).map_err(ApiError::internal)?;
            let id = DeliveryId::new();
            let write = BoardWrite::EnqueueDelivery { id, webhook, seq: 0, kind: "automation".into(), body };
            boards.commit(item.board_id, vec![write], vec![]).await?;
            done(StepOutput::Delivered(out::Delivered { webhook_id: webhook, delivery_id: id }))
        }
        Write::Email { to, subject, text } => {
            let mailer = svc.mail.as_ref().ok_or_else(|| {
                ApiError::new(ErrorCode::SendFailed, "no SMTP server is configured (`mail.smtp_host`)")
            })?;
            mailer.send(&to, &subject, &text).await?;
            // Sent: the step's key is taken by this empty commit, so a retry does not mail twice.
            boards.commit(item.board_id, vec![], vec![]).await?;
            done(StepOutput::Emailed(out::Emailed { to, subject, text: None }))
        }
    }
}

fn run_error(e: &ApiError) -> RunError {
    RunError { code: e.code.as_str().to_owned(), message: e.message.clone() }
}

/// The idempotency key of step `i` of run `run` (held by the Automation actor).
pub(super) fn step_key(run: sunday_types::RunId, i: usize) -> String {
    format!("automation:{run}:{i}")
}

/// Whether an error is the store's (retry the run later) rather than the action's.
pub(super) fn transient(e: &ApiError) -> bool {
    matches!(e.code, ErrorCode::Unavailable | ErrorCode::Internal)
}

/// Runs the actions in order until one fails. `Err` only for a transient failure (the run
/// is retried whole later; steps already done are not redone, their keys are taken).
pub(super) async fn actions(
    svc: &AutomationService,
    automation: &Automation,
    item_id: ItemId,
    scene: &Scene,
    cause: &EventCause,
) -> Result<(Vec<RunStep>, Option<String>), ApiError> {
    let actor = Actor::automation(scene.board.org_id);
    let mut steps = vec![];
    for (i, action) in automation.recipe.actions.iter().enumerate() {
        let key = step_key(cause.run_id, i);
        let step = |status, output, error| RunStep { action: action.clone(), status, output, error };
        // An email cannot be taken back by a refused commit: a step an earlier attempt
        // finished is not sent again. (A crash between the send and its commit sends it
        // again: email is at least once.)
        if matches!(action, Action::SendEmail { .. })
            && svc.store.idempotency_record(AUTOMATION_ACTOR, &key).await?.is_some()
        {
            steps.push(step(
                StepStatus::Done,
                Some(StepOutput::Earlier(out::Earlier { done_by_an_earlier_attempt: true })),
                None,
            ));
            continue;
        }
        let work = async {
            let item = svc.store.item(item_id).await?.ok_or_else(|| ApiError::of(ErrorCode::ItemNotFound))?;
            let write = resolve(svc, action, &item, scene).await?;
            apply(svc, &actor, write, &item).await
        };
        let (result, done_before) =
            reserve_once(AUTOMATION_ACTOR, key, action.type_name().to_owned(), CAUSE.scope(cause.clone(), work)).await;
        match result {
            _ if done_before => steps.push(step(
                StepStatus::Done,
                Some(StepOutput::Earlier(out::Earlier { done_by_an_earlier_attempt: true })),
                None,
            )),
            Ok((status, output)) => steps.push(step(status, Some(output), None)),
            Err(e) if transient(&e) => return Err(e),
            Err(e) => {
                let reason = format!("action {} ({}) failed: {}", i + 1, action.type_name(), e.message);
                steps.push(step(StepStatus::Failed, None, Some(run_error(&e))));
                return Ok((steps, Some(reason)));
            }
        }
    }
    Ok((steps, None))
}

/// What the recipe would do to `item` now, nothing written.
pub(super) async fn dry_run(
    svc: &AutomationService,
    automation: &Automation,
    item: &Item,
    triggered_by: UserId,
) -> Result<AutomationRun, ApiError> {
    let started = now_millis();
    let (columns, _) = svc.boards.structure_of(automation.board_id).await?;
    let board = svc.store.board(automation.board_id).await?.ok_or_else(|| ApiError::of(ErrorCode::BoardNotFound))?;
    let scene = Scene { board, columns, triggered_by, author: automation.created_by };
    let conditions_met = super::runner::conditions_hold(automation, item, &scene, triggered_by)?;
    let mut steps = vec![];
    if conditions_met != Some(false) {
        for action in &automation.recipe.actions {
            let (status, output, error) = match resolve(svc, action, item, &scene).await {
                Ok(w) => (StepStatus::Planned, Some(w.describe(item.id)), None),
                Err(e) => (StepStatus::Failed, None, Some(run_error(&e))),
            };
            steps.push(RunStep { action: action.clone(), status, output, error });
        }
    }
    Ok(AutomationRun {
        id: sunday_types::RunId::new(),
        automation_id: automation.id,
        board_id: automation.board_id,
        item_id: Some(item.id),
        event_seq: 0,
        trigger_kind: automation.recipe.trigger.type_name().to_owned(),
        triggered_by,
        status: RunStatus::DryRun,
        conditions_met,
        steps,
        chain: vec![],
        reason: None,
        replay: false,
        retry_of: None,
        started_at: to_datetime(started),
        duration_ms: now_millis() - started,
    })
}
