//! The one write path of boards, lowered to a [`Plan`]: each `BoardWrite` becomes its
//! statements, then the events are appended with the board's next gap-free `seq`
//! (`boards.last_seq`, moved by `UPDATE … RETURNING` in the same transaction, so sequence
//! numbers follow commit order).
//!
//! On PostgreSQL the plan first locks the board row (`FOR NO KEY UPDATE`, the lock its
//! `UPDATE`s take anyway): concurrent commits on one board then run one after the other, as
//! they do on SQLite's single writer, and cannot deadlock on the board's item rows and the
//! board counter in opposite orders. The board may not exist yet (a commit that inserts it);
//! the `last_seq` update at the end then locks it, and still refuses events of a board that
//! is missing.

use sunday_store::{BoardWrite, Computed, NewEvent, StoreResult};
use sunday_types::{
    boards::{Board, Column, Item, View},
    time::Millis,
    BoardId, ColumnId, ErrorCode,
};

use super::{
    reads::{self, BOARD, ITEM, STRUCTURE_VERSION},
    rows::{self, item_cols},
};
use crate::{args, files, notifications, stmt, Fail, Plan, Refusal, Step, Stmt, Value};

static LOCK_BOARD: Stmt = stmt!("{|SELECT 1 FROM boards WHERE id = $1 FOR NO KEY UPDATE}");

/// The plan of `BoardStore::commit`: the writes, then the events.
pub fn commit(board: BoardId, writes: Vec<BoardWrite>, events: Vec<NewEvent>, now: Millis) -> StoreResult<Plan> {
    let mut plan = Plan::new();
    plan.push(Step::new(&LOCK_BOARD, args![board]));
    lower_all(&mut plan, board, writes, now)?;
    append_events(&mut plan, board, events, now)?;
    Ok(plan)
}

/// One transaction over several boards (an item moving from one to another): each board
/// locked, in id order so two such commits cannot deadlock, then each board's writes and
/// events as [`commit`] would.
pub fn commit_across(parts: Vec<(BoardId, Vec<BoardWrite>, Vec<NewEvent>)>, now: Millis) -> StoreResult<Plan> {
    let mut plan = Plan::new();
    let mut boards: Vec<BoardId> = parts.iter().map(|(b, _, _)| *b).collect();
    boards.sort_by_key(|b| b.0);
    boards.dedup();
    for b in boards {
        plan.push(Step::new(&LOCK_BOARD, args![b]));
    }
    for (board, writes, events) in parts {
        lower_all(&mut plan, board, writes, now)?;
        append_events(&mut plan, board, events, now)?;
    }
    Ok(plan)
}

/// Adds the statements of `writes` on `board`, in order, to `plan`.
///
/// A run of inserted items with given auto numbers (a bulk create reserves them beforehand)
/// moves its board's counter once, past the run's largest, instead of once per item: nothing
/// in the run reads the counter, and the run ends before any write that does.
pub fn lower_all(plan: &mut Plan, board: BoardId, writes: Vec<BoardWrite>, now: Millis) -> StoreResult<()> {
    let mut past: Option<(BoardId, i64)> = None;
    for write in writes {
        let given = match &write {
            BoardWrite::InsertItem(item) if item.auto_number != 0 => Some((item.board_id, item.auto_number)),
            _ => None,
        };
        past = match (past, given) {
            (Some((b, n)), Some((item_board, m))) if b == item_board => Some((b, n.max(m))),
            (run, next) => {
                if let Some((b, n)) = run {
                    plan.push(Step::new(&AUTO_NUMBER_PAST, args![b, n]));
                }
                next
            }
        };
        lower(plan, board, write, now)?;
    }
    if let Some((b, n)) = past {
        plan.push(Step::new(&AUTO_NUMBER_PAST, args![b, n]));
    }
    Ok(())
}

static BUMP_SEQ: Stmt = stmt!("UPDATE boards SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq");
static INSERT_EVENT: Stmt = stmt!(
    "INSERT INTO board_events (board_id, seq, kind, actor, item_id, payload, created_at, cause)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
);

fn append_events(plan: &mut Plan, board: BoardId, events: Vec<NewEvent>, now: Millis) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len() as i64;
    let last = plan.returning(&BUMP_SEQ, args![board, n], Refusal::rejected(ErrorCode::BoardNotFound));
    let mut sizes = Vec::with_capacity(events.len());
    for (i, e) in (0..).zip(&events) {
        let payload = e.change.payload_text().map_err(sunday_store::StoreError::internal)?;
        sizes.push(payload.len());
        let cause =
            e.cause.as_ref().map(serde_json::to_string).transpose().map_err(sunday_store::StoreError::internal)?;
        let params = args![board, Value::Null, e.change.kind(), e.actor, e.change.item_id(), payload, now, cause];
        // Event i of n gets seq `last - n + 1 + i`, known once the counter moved.
        plan.push(Step::new(&INSERT_EVENT, params).param_from(1, last, i + 1 - n));
    }
    plan.events_appended(board, events, sizes, last, now);
    Ok(())
}

// The statements that move a board's structure version, naming the board by its id or by
// one of its groups or columns. Every group and column write runs one in its commit, so a
// commit holding values checked against the old structure fails its `ExpectStructure`.
static STRUCTURE_OF_BOARD: Stmt = stmt!("UPDATE boards SET structure_version = structure_version + 1 WHERE id = $1");
static STRUCTURE_OF_GROUP: Stmt = stmt!(
    "UPDATE boards SET structure_version = structure_version + 1
     WHERE id = (SELECT board_id FROM board_groups WHERE id = $1)"
);
static STRUCTURE_OF_COLUMN: Stmt = stmt!(
    "UPDATE boards SET structure_version = structure_version + 1
     WHERE id = (SELECT board_id FROM board_columns WHERE id = $1)"
);

static UPDATE_BOARD: Stmt = stmt!(
    "UPDATE boards SET name = $2, description = $3, kind = $4, default_permission = $5, subitem_board_id = $6,
     version = version + 1, updated_at = $7 WHERE id = $1 AND version = $8"
);
/// The board and its subitem boards, at every depth.
static DELETE_BOARD: Stmt = stmt!(
    "DELETE FROM boards WHERE id IN (WITH RECURSIVE tree(id) AS (SELECT id FROM boards WHERE id = $1
     UNION ALL SELECT b.id FROM boards b JOIN tree t ON b.parent_board_id = t.id) SELECT id FROM tree)"
);
static PUT_MEMBER: Stmt = stmt!(
    "INSERT INTO board_members (board_id, user_id, permission, added_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (board_id, user_id) DO UPDATE SET permission = excluded.permission"
);
static REMOVE_MEMBER: Stmt = stmt!("DELETE FROM board_members WHERE board_id = $1 AND user_id = $2");
/// Someone removed from a board that is not public no longer sees its items: their follows
/// there go with their membership (a public board stays visible, so they stay).
static DROP_RESTRICTED_FOLLOWS: Stmt = stmt!(
    "DELETE FROM item_subscriptions WHERE user_id = $2
     AND item_id IN (SELECT i.id FROM items i WHERE i.board_id = $1)
     AND EXISTS (SELECT 1 FROM boards b WHERE b.id = $1 AND b.kind <> 'public')"
);
static INSERT_GROUP: Stmt =
    stmt!("INSERT INTO board_groups (id, board_id, title, color, position) VALUES ($1, $2, $3, $4, $5)");
// Updates name their board too, so a write can only reach a row of the board it committed on.
static UPDATE_GROUP: Stmt =
    stmt!("UPDATE board_groups SET title = $2, color = $3, position = $4 WHERE id = $1 AND board_id = $5");
static DELETE_GROUP: Stmt = stmt!("DELETE FROM board_groups WHERE id = $1");
static MOVE_ARCHIVED: Stmt = stmt!("UPDATE items SET group_id = $2 WHERE group_id = $1 AND archived_at IS NOT NULL");
static COLLAPSE: Stmt = stmt!("INSERT INTO group_collapse (user_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
static EXPAND: Stmt = stmt!("DELETE FROM group_collapse WHERE user_id = $1 AND group_id = $2");
static INSERT_COLUMN: Stmt = stmt!(
    "INSERT INTO board_columns (id, board_id, title, type, settings, position, width) VALUES ($1, $2, $3, $4, $5, $6, $7)"
);
static UPDATE_COLUMN: Stmt = stmt!(
    "UPDATE board_columns SET title = $3, type = $4, settings = $5, position = $6, width = $7
     WHERE id = $1 AND board_id = $2"
);
static DELETE_COLUMN: Stmt = stmt!("DELETE FROM board_columns WHERE id = $1");
static RELATION_TARGET: Stmt =
    stmt!("INSERT INTO relation_targets (target_board_id, column_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
static CLEAR_RELATION_TARGETS: Stmt = stmt!("DELETE FROM relation_targets WHERE column_id = $1");
static PAST_LINK: Stmt = stmt!(
    "INSERT INTO column_past_links (column_id, board_id, linked_board_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
);
static SUBITEM_COUNT: Stmt = stmt!("SELECT count(*) FROM items WHERE parent_item_id = $1");
/// A moved item takes a number on its new board.
static MOVE_ITEM_EXTRAS: Stmt = stmt!("UPDATE items SET auto_number = $2 WHERE id = $1");
static MOVE_UPDATES: Stmt = stmt!("UPDATE item_updates SET board_id = $2 WHERE item_id = $1");
static DELETE_ONE_ITEM: Stmt = stmt!("DELETE FROM items WHERE id = $1");
static INSERT_VIEW: Stmt = stmt!(
    "INSERT INTO board_views (id, board_id, name, type, filter, sort, group_by, hidden_columns, settings, version,
     created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
);
static UPDATE_VIEW: Stmt = stmt!(
    "UPDATE board_views SET name = $3, type = $4, filter = $5, sort = $6, group_by = $7, hidden_columns = $8,
     settings = $9, version = $10, updated_at = $11 WHERE id = $1 AND board_id = $2 AND version = $12"
);
static DELETE_VIEW: Stmt = stmt!("DELETE FROM board_views WHERE id = $1");
static INSERT_UPDATE: Stmt = stmt!(
    "INSERT INTO item_updates (id, item_id, board_id, parent_id, author, body, mentions, created_at, edited_at, files)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);
static EDIT_UPDATE: Stmt =
    stmt!("UPDATE item_updates SET body = $2, mentions = $3, edited_at = $4 WHERE id = $1 AND board_id = $5");
/// A deleted column's cells no longer hold files (its values are gone from the board).
static DROP_COLUMN_FILE_REFS: Stmt = stmt!("DELETE FROM file_refs WHERE source = $1");
static DELETE_UPDATE: Stmt = stmt!("DELETE FROM item_updates WHERE id = $1 OR parent_id = $1");
/// A concurrent reservation of the key waits here for that transaction's outcome.
static RESERVE_IDEMPOTENCY_KEY: Stmt = stmt!(
    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, idem_key) DO NOTHING"
);

fn lower(plan: &mut Plan, board_id: BoardId, write: BoardWrite, now: Millis) -> StoreResult<()> {
    match write {
        BoardWrite::InsertBoard(b) => plan.push(insert_board(&b)),
        BoardWrite::UpdateBoard { board: b, expected_version } => {
            let current = Step::current(&BOARD, args![b.id], rows::board_json, ErrorCode::BoardNotFound);
            let params = args![
                b.id,
                b.name,
                b.description,
                Value::name(&b.kind),
                Value::name(&b.default_permission),
                b.subitem_board_id,
                now,
                expected_version
            ];
            plan.push(Step::changes(&UPDATE_BOARD, params, Refusal::Then(Box::new(current))));
        }
        BoardWrite::DeleteBoard(id) => plan.push(Step::new(&DELETE_BOARD, args![id])),
        BoardWrite::PutMember { board, user, permission, at } => {
            plan.push(Step::new(&PUT_MEMBER, args![board, user, Value::name(&permission), at]));
        }
        BoardWrite::RemoveMember { board, user } => {
            plan.push(Step::new(&DROP_RESTRICTED_FOLLOWS, args![board, user]));
            plan.push(Step::new(&REMOVE_MEMBER, args![board, user]));
        }
        BoardWrite::InsertGroup { board, group: g } => {
            plan.push(Step::new(&INSERT_GROUP, args![g.id, board, g.title, g.color, g.position]));
            plan.push(Step::new(&STRUCTURE_OF_BOARD, args![board]));
        }
        BoardWrite::UpdateGroup(g) => {
            let gone = Refusal::rejected(ErrorCode::GroupNotFound);
            plan.push(Step::changes(&UPDATE_GROUP, args![g.id, g.title, g.color, g.position, board_id], gone));
            plan.push(Step::new(&STRUCTURE_OF_BOARD, args![board_id]));
        }
        BoardWrite::DeleteGroup { group: id, archived_to } => {
            if let Some(to) = archived_to {
                plan.push(Step::new(&MOVE_ARCHIVED, args![id, to]));
            }
            plan.push(Step::new(&STRUCTURE_OF_GROUP, args![id]));
            plan.push(Step::new(&DELETE_GROUP, args![id]));
        }
        BoardWrite::SetCollapsed { user, group, collapsed } => {
            plan.push(Step::new(if collapsed { &COLLAPSE } else { &EXPAND }, args![user, group]));
        }
        BoardWrite::InsertColumn { board, column: c } => {
            let targets = relation_targets(&c);
            let params =
                args![c.id, board, c.title, c.column_type.as_str(), Value::json(&c.settings)?, c.position, c.width];
            plan.push(Step::new(&INSERT_COLUMN, params));
            targets.into_iter().for_each(|s| plan.push(s));
            plan.push(Step::new(&STRUCTURE_OF_BOARD, args![board]));
        }
        BoardWrite::UpdateColumn(c) => {
            let targets = relation_targets(&c);
            let clear = Step::new(&CLEAR_RELATION_TARGETS, args![c.id]);
            let params =
                args![c.id, board_id, c.title, c.column_type.as_str(), Value::json(&c.settings)?, c.position, c.width];
            plan.push(Step::changes(&UPDATE_COLUMN, params, Refusal::rejected(ErrorCode::ColumnNotFound)));
            plan.push(clear);
            targets.into_iter().for_each(|s| plan.push(s));
            plan.push(Step::new(&STRUCTURE_OF_BOARD, args![board_id]));
        }
        BoardWrite::DeleteColumn(id) => {
            plan.push(Step::new(&STRUCTURE_OF_COLUMN, args![id]));
            plan.push(Step::new(&DROP_COLUMN_FILE_REFS, args![format!("cell:{id}")]));
            plan.push(Step::new(&DELETE_COLUMN, args![id]));
        }
        BoardWrite::RecordPastLinks { column, boards } => {
            for linked in boards {
                plan.push(Step::new(&PAST_LINK, args![column, board_id, linked]));
            }
            // Kept with the columns, by structure version.
            plan.push(Step::new(&STRUCTURE_OF_BOARD, args![board_id]));
        }
        BoardWrite::InsertItem(item) => {
            insert_item(plan, &item, now)?;
            files::item_refs(plan, &item, true);
        }
        BoardWrite::UpdateItem { item, expected_version } => {
            plan.push(update_item(&item, expected_version)?);
            files::item_refs(plan, &item, false);
        }
        BoardWrite::UpdateValues { item, expected_version, files } => {
            plan.push(update_values(&item, expected_version)?);
            if files {
                files::item_refs(plan, &item, false);
            }
        }
        BoardWrite::PutComputed(items) => {
            if items.is_empty() {
                return Ok(());
            }
            let batch = batch(&items)?;
            let stale = Step::current(&STALE_COMPUTED, vec![batch.clone()], rows::item_json, ErrorCode::ItemNotFound);
            plan.push(Step::changes_each(
                &PUT_COMPUTED,
                vec![batch],
                items.len() as u64,
                Refusal::Then(Box::new(stale)),
            ));
        }
        BoardWrite::DeleteItem { id, subitems } => {
            // Each listed subitem is still there, and none has a subitem the list lacks.
            let changed = || Refusal::Fail(Fail::StructureChanged);
            for s in &subitems {
                plan.push(Step::changes(&DELETE_ONE_ITEM, args![*s], changed()));
            }
            for s in subitems.iter().chain([&id]) {
                plan.push(Step::equals(&SUBITEM_COUNT, args![*s], 0, changed(), changed()));
            }
            plan.push(Step::changes(&DELETE_ONE_ITEM, args![id], Refusal::rejected(ErrorCode::ItemNotFound)));
        }
        BoardWrite::InsertView(v) => {
            let mut params = view_params(&v, board_id)?;
            params.extend(args![v.created_by, v.created_at.timestamp_millis(), v.updated_at.timestamp_millis()]);
            plan.push(Step::new(&INSERT_VIEW, params));
        }
        BoardWrite::UpdateView { view: v, expected_version } => {
            let current = Step::current(&reads::VIEW, args![v.id], rows::view_json, ErrorCode::ViewNotFound);
            let mut params = view_params(&v, board_id)?;
            params.extend(args![v.updated_at.timestamp_millis(), expected_version]);
            plan.push(Step::changes(&UPDATE_VIEW, params, Refusal::Then(Box::new(current))));
        }
        BoardWrite::DeleteView(id) => plan.push(Step::new(&DELETE_VIEW, args![id])),
        BoardWrite::InsertUpdate(u) => {
            files::update_refs(plan, &u);
            let params = args![
                u.id,
                u.item_id,
                u.board_id,
                u.parent_id,
                u.author,
                u.body,
                Value::json(&u.mentions)?,
                u.created_at.timestamp_millis(),
                u.edited_at.map(|t| t.timestamp_millis()),
                Value::json(&u.files)?
            ];
            plan.push(Step::new(&INSERT_UPDATE, params));
        }
        BoardWrite::EditUpdate(u) => {
            let params =
                args![u.id, u.body, Value::json(&u.mentions)?, u.edited_at.map(|t| t.timestamp_millis()), board_id];
            plan.push(Step::changes(&EDIT_UPDATE, params, Refusal::rejected(ErrorCode::UpdateNotFound)));
        }
        BoardWrite::DeleteUpdate(id) => {
            files::clear_update_refs(plan, id);
            plan.push(Step::new(&DELETE_UPDATE, args![id]));
        }
        BoardWrite::InsertNotification(n) => plan.push(notifications::insert(&n).into()),
        BoardWrite::Subscribe { item, user } => plan.push(notifications::subscription(item, user, true).into()),
        BoardWrite::Unsubscribe { item, user } => plan.push(notifications::subscription(item, user, false).into()),
        BoardWrite::ReserveIdempotencyKey { user, key, request_hash } => {
            let in_use = Refusal::rejected(ErrorCode::IdempotencyKeyInUse);
            plan.push(Step::changes(&RESERVE_IDEMPOTENCY_KEY, args![user, key, request_hash, now], in_use));
        }
        BoardWrite::InsertAutomation(a) => crate::automations::insert(plan, &a)?,
        BoardWrite::UpdateAutomation { automation, expected_version } => {
            crate::automations::update(plan, &automation, expected_version)?
        }
        BoardWrite::DeleteAutomation(id) => crate::automations::delete(plan, id, board_id),
        BoardWrite::SetAutomationHealth { automation, failures, paused_reason } => {
            crate::automations::set_health(plan, automation, failures, paused_reason)
        }
        BoardWrite::RecordRun(run) => crate::automations::insert_run(plan, &run)?,
        BoardWrite::InsertWebhook(w) => crate::webhooks::insert_webhook(plan, &w)?,
        BoardWrite::DeleteWebhook(id) => crate::webhooks::delete_webhook(plan, id, board_id),
        BoardWrite::EnqueueDelivery { id, webhook, seq, kind, body } => {
            crate::webhooks::enqueue(plan, id, webhook, board_id, seq, &kind, &body, now)
        }
        BoardWrite::MoveItem { item, expected_version } => {
            let has_subitems = Refusal::rejected(ErrorCode::ValidationFailed);
            let gone = Refusal::rejected(ErrorCode::ItemNotFound);
            plan.push(Step::equals(&SUBITEM_COUNT, args![item.id], 0, gone, has_subitems));
            plan.push(update_item(&item, expected_version)?);
            files::item_refs(plan, &item, false);
            plan.push(Step::new(&MOVE_ITEM_EXTRAS, args![item.id, item.auto_number]));
            plan.push(Step::new(&MOVE_UPDATES, args![item.id, item.board_id]));
        }
        BoardWrite::AdvanceSchedule { automation, through } => {
            crate::automations::advance_schedule(plan, automation, through)
        }
        BoardWrite::InsertLink { link, token_hash } => crate::links::insert(plan, &link, &token_hash)?,
        BoardWrite::DeleteLink(id) => crate::links::delete(plan, id, board_id),
        BoardWrite::ExpectStructure { board, version } => {
            // On PostgreSQL this reads under the board lock the commit took, so a structure
            // change cannot commit between this check and the writes.
            let missing = Refusal::rejected(ErrorCode::BoardNotFound);
            let changed = Refusal::Fail(Fail::StructureChanged);
            plan.push(Step::equals(&STRUCTURE_VERSION, args![board], version, missing, changed));
        }
    }
    Ok(())
}

static INSERT_BOARD: Stmt = stmt!(
    "INSERT INTO boards (id, org_id, workspace_id, name, description, kind, default_permission, version, last_seq,
     last_auto_number, created_by, created_at, updated_at, subitem_board_id, parent_board_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10, $11, $12, $13)"
);

fn insert_board(b: &Board) -> Step {
    Step::new(
        &INSERT_BOARD,
        args![
            b.id,
            b.org_id,
            b.workspace_id,
            &b.name,
            &b.description,
            Value::name(&b.kind),
            Value::name(&b.default_permission),
            b.version,
            b.created_by,
            b.created_at.timestamp_millis(),
            b.updated_at.timestamp_millis(),
            b.subitem_board_id,
            b.parent_board_id
        ],
    )
}

static NEXT_AUTO_NUMBER: Stmt =
    stmt!("UPDATE boards SET last_auto_number = last_auto_number + 1 WHERE id = $1 RETURNING last_auto_number");
static AUTO_NUMBER_PAST: Stmt =
    stmt!("UPDATE boards SET last_auto_number = {max|greatest}(last_auto_number, $2) WHERE id = $1");
static INSERT_ITEM: Stmt = stmt!(
    "INSERT INTO items (id, board_id, group_id, parent_item_id, name, position, item_values, version, auto_number,
     created_by, created_at, updated_at, archived_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
);

/// The boards a relation column links to, each a row of `relation_targets` (what
/// `relations_to` reads); a column of any other type has none. Its deletion takes them along
/// (the foreign key cascades).
fn relation_targets(column: &Column) -> Vec<Step> {
    let targets = column.settings.relation().map(|r| r.board_ids.as_slice()).unwrap_or_default();
    targets.iter().map(|target| Step::new(&RELATION_TARGET, args![*target, column.id])).collect()
}

/// An `auto_number` of 0 takes the board's next number; an explicit one (reserved, or a new
/// board's own numbering) moves the counter past it so it is never handed out again
/// ([`lower_all`] does that once per run of such items).
fn insert_item(plan: &mut Plan, item: &Item, now: Millis) -> StoreResult<()> {
    let auto_number = if item.auto_number == 0 {
        let missing = Refusal::rejected(ErrorCode::BoardNotFound);
        let slot = plan.returning(&NEXT_AUTO_NUMBER, args![item.board_id], missing);
        plan.auto_number_returned(slot);
        Some(slot)
    } else {
        plan.auto_number_given(item.auto_number);
        None
    };
    let params = args![
        item.id,
        item.board_id,
        item.group_id,
        item.parent_item_id,
        &item.name,
        &item.position,
        Value::json(&item.values)?,
        item.version,
        item.auto_number,
        item.created_by,
        item.created_at.timestamp_millis(),
        item.updated_at.timestamp_millis(),
        item.archived.then_some(now)
    ];
    let step = Step::new(&INSERT_ITEM, params).unique_means(Fail::DuplicateItem(item.id));
    plan.push(match auto_number {
        Some(slot) => step.param_from(8, slot, 0),
        None => step,
    });
    Ok(())
}

/// Archiving keeps the first archive time.
static UPDATE_ITEM: Stmt = stmt!(
    "UPDATE items SET group_id = $2, parent_item_id = $3, name = $4, position = $5, item_values = $6, version = $7,
     updated_at = $8, archived_at = CASE WHEN $9 THEN coalesce(archived_at, $8) ELSE NULL END, board_id = $11
     WHERE id = $1 AND version = $10"
);

/// Replaces the item if its stored version is `expected_version`, else fails with the stored
/// item as a version conflict.
/// `$1`–`$10` of both view statements: what a view is, on the board of the commit.
fn view_params(v: &View, board: BoardId) -> StoreResult<Vec<Value>> {
    Ok(args![
        v.id,
        board,
        v.name.clone(),
        Value::name(&v.view_type),
        v.filter.as_ref().map(|f| f.to_string()),
        v.sort.as_ref().map(|s| s.to_string()),
        v.group_by.clone(),
        Value::json(&v.hidden_columns)?,
        Value::json(&v.settings)?,
        v.version
    ])
}

static UPDATE_ITEM_VALUES: Stmt =
    stmt!("UPDATE items SET name = $2, item_values = $3, version = $4, updated_at = $5 WHERE id = $1 AND version = $6");

/// A batch of [`Computed`] in one statement (a chunk of a recompute is thousands of items),
/// each kept only while its item is at the version it was computed at: fewer rows changed
/// than sent refuses the whole commit, and [`STALE_COMPUTED`] reads an item that moved on.
/// The batch is one JSON object (see [`batch`]) the database takes apart; each entry is a
/// string the statement splits, because reading three fields of an object parsed the
/// object three times (a fifth of a recompute's time). `WHERE TRUE`: SQLite reads an
/// `ON CONFLICT` after a join as the join's `ON`.
static PUT_COMPUTED: Stmt = stmt!(
    "INSERT INTO item_computed (item_id, version, cells)
     SELECT i.id, i.version, substr(j.value, {instr(j.value, ' ')|strpos(j.value, ' ')} + 1)
     FROM {json_each($1)|json_each_text($1::text::json)} j JOIN items i ON i.id = j.key
     AND i.version = {CAST(substr(j.value, 1, instr(j.value, ' ') - 1) AS INTEGER)|split_part(j.value, ' ', 1)::bigint}
     WHERE TRUE ON CONFLICT (item_id) DO UPDATE SET version = excluded.version, cells = excluded.cells"
);
static STALE_COMPUTED: Stmt = stmt!(
    "SELECT ",
    item_cols!(),
    " FROM {json_each($1)|json_each_text($1::text::json)} j JOIN items i ON i.id = j.key
     WHERE i.version <> {CAST(substr(j.value, 1, instr(j.value, ' ') - 1) AS INTEGER)|split_part(j.value, ' ', 1)::bigint}
     LIMIT 1"
);

/// [`BoardWrite::PutComputed`]'s items as its statement takes them: one JSON object, each
/// item's id naming `"<version> <cells>"`, its cells a JSON object (`null` for a cleared one).
fn batch(items: &[Computed]) -> StoreResult<Value> {
    struct Cells<'a>(&'a [(ColumnId, Option<serde_json::Value>)]);
    impl serde::Serialize for Cells<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    let mut entries = serde_json::Map::with_capacity(items.len());
    for c in items {
        let cells = serde_json::to_string(&Cells(&c.cells)).map_err(sunday_store::StoreError::internal)?;
        entries.insert(c.item.to_string(), serde_json::Value::String(format!("{} {cells}", c.version)));
    }
    Value::json(&entries)
}

/// [`update_item`] writing only what [`BoardWrite::UpdateValues`] may change.
fn update_values(item: &Item, expected_version: i64) -> StoreResult<Step> {
    let params = args![
        item.id,
        &item.name,
        Value::json(&item.values)?,
        item.version,
        item.updated_at.timestamp_millis(),
        expected_version
    ];
    let current = Step::current(&ITEM, args![item.id], rows::item_json, ErrorCode::ItemNotFound);
    Ok(Step::changes(&UPDATE_ITEM_VALUES, params, Refusal::Then(Box::new(current))))
}

fn update_item(item: &Item, expected_version: i64) -> StoreResult<Step> {
    let params = args![
        item.id,
        item.group_id,
        item.parent_item_id,
        &item.name,
        &item.position,
        Value::json(&item.values)?,
        item.version,
        item.updated_at.timestamp_millis(),
        item.archived,
        expected_version,
        item.board_id
    ];
    let current = Step::current(&ITEM, args![item.id], rows::item_json, ErrorCode::ItemNotFound);
    Ok(Step::changes(&UPDATE_ITEM, params, Refusal::Then(Box::new(current))))
}
