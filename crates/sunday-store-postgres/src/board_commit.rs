//! The one write path of boards: apply row changes and append their events, in the caller's
//! transaction. Sequence numbers come from `boards.last_seq`, bumped in the same transaction
//! (`UPDATE … RETURNING`), so they are gap-free and follow commit order.
//!
//! The commit first locks the board row (`FOR NO KEY UPDATE`, the lock its `UPDATE`s take
//! anyway): concurrent commits on one board run one after the other, as they do on SQLite's
//! single writer, so they cannot deadlock on the board's item rows and the board counter in
//! opposite orders. The board may not exist yet (a commit that inserts it); the `UPDATE` of
//! `last_seq` at the end then locks it, and still refuses events of a board that is missing.

use deadpool_postgres::GenericClient;
use sunday_store::{BoardWrite, Committed, NewEvent, StoreError, StoreResult};
use sunday_types::{
    boards::{enum_name, Board, Item},
    time::Millis,
    BoardId, ErrorCode,
};

use crate::{
    board_rows::{self, BOARD_COLS, ITEM_COLS},
    notifications,
    rows::{self, db_err, is_unique_violation, Params},
};

fn json_text(v: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(v).map_err(StoreError::internal)
}

/// Runs one statement; the number of rows it changed.
async fn exec<C: GenericClient>(tx: &C, sql: &str, params: Params<'_>) -> StoreResult<u64> {
    rows::execute(tx, sql, params).await.map_err(db_err)
}

pub async fn commit<C: GenericClient>(
    tx: &C,
    board: BoardId,
    writes: Vec<BoardWrite>,
    events: Vec<NewEvent>,
    now: Millis,
) -> StoreResult<Committed> {
    let board_id = board.to_string();
    rows::query_opt(tx, "SELECT 1 FROM boards WHERE id = $1 FOR NO KEY UPDATE", &[&board_id]).await?;
    let mut committed = Committed::default();
    for write in writes {
        apply(tx, write, now, &mut committed).await?;
    }
    if events.is_empty() {
        return Ok(committed);
    }
    let n = i64::try_from(events.len()).map_err(StoreError::internal)?;
    let bumped = rows::query_opt(
        tx,
        "UPDATE boards SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq",
        &[&board_id, &n],
    )
    .await?
    .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
    let last: i64 = rows::get(&bumped, 0)?;
    let insert = tx
        .prepare_cached(
            "INSERT INTO board_events (board_id, seq, kind, actor, item_id, payload, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .await
        .map_err(db_err)?;
    for (seq, e) in (last - n + 1..).zip(events) {
        let item_id = e.change.item_id().map(|i| i.to_string());
        let payload = e.change.payload_text().map_err(StoreError::internal)?;
        let params: Params<'_> = &[&board_id, &seq, &e.change.kind(), &e.actor.to_string(), &item_id, &payload, &now];
        tx.execute(&insert, params).await.map_err(db_err)?;
        committed.events.push(e.committed(board, seq, now));
    }
    Ok(committed)
}

pub(crate) async fn apply<C: GenericClient>(
    tx: &C,
    write: BoardWrite,
    now: Millis,
    committed: &mut Committed,
) -> StoreResult<()> {
    match write {
        BoardWrite::InsertBoard(b) => insert_board(tx, &b).await,
        BoardWrite::UpdateBoard { board: b, expected_version } => {
            let n = exec(
                tx,
                "UPDATE boards SET name = $2, description = $3, kind = $4, default_permission = $5,
                 subitem_board_id = $6, version = version + 1, updated_at = $7 WHERE id = $1 AND version = $8",
                &[
                    &b.id.to_string(),
                    &b.name,
                    &b.description,
                    &enum_name(&b.kind),
                    &enum_name(&b.default_permission),
                    &b.subitem_board_id.map(|s| s.to_string()),
                    &now,
                    &expected_version,
                ],
            )
            .await?;
            if n == 0 {
                return Err(board_conflict(tx, b.id).await?);
            }
            Ok(())
        }
        BoardWrite::DeleteBoard(id) => {
            exec(tx, "DELETE FROM boards WHERE id = $1 OR parent_board_id = $1", &[&id.to_string()]).await?;
            Ok(())
        }
        BoardWrite::PutMember { board, user, permission, at } => {
            exec(
                tx,
                "INSERT INTO board_members (board_id, user_id, permission, added_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (board_id, user_id) DO UPDATE SET permission = excluded.permission",
                &[&board.to_string(), &user.to_string(), &enum_name(&permission), &at],
            )
            .await?;
            Ok(())
        }
        BoardWrite::RemoveMember { board, user } => {
            exec(
                tx,
                "DELETE FROM board_members WHERE board_id = $1 AND user_id = $2",
                &[&board.to_string(), &user.to_string()],
            )
            .await?;
            Ok(())
        }
        BoardWrite::PutGroup { board, group } => {
            exec(
                tx,
                "INSERT INTO board_groups (id, board_id, title, color, position) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, color = excluded.color,
                 position = excluded.position",
                &[&group.id.to_string(), &board.to_string(), &group.title, &group.color, &group.position],
            )
            .await?;
            bump_structure(tx, STRUCTURE_OF_BOARD, board.to_string()).await
        }
        BoardWrite::DeleteGroup(id) => {
            bump_structure(tx, STRUCTURE_OF_GROUP, id.to_string()).await?;
            exec(tx, "DELETE FROM board_groups WHERE id = $1", &[&id.to_string()]).await?;
            Ok(())
        }
        BoardWrite::SetCollapsed { user, group, collapsed } => {
            let sql = if collapsed {
                "INSERT INTO group_collapse (user_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            } else {
                "DELETE FROM group_collapse WHERE user_id = $1 AND group_id = $2"
            };
            exec(tx, sql, &[&user.to_string(), &group.to_string()]).await?;
            Ok(())
        }
        BoardWrite::PutColumn { board, column } => {
            let width = column.width.map(i64::from);
            exec(
                tx,
                "INSERT INTO board_columns (id, board_id, title, type, settings, position, width)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, type = excluded.type,
                 settings = excluded.settings, position = excluded.position, width = excluded.width",
                &[
                    &column.id.to_string(),
                    &board.to_string(),
                    &column.title,
                    &column.column_type.as_str(),
                    &json_text(&column.settings)?,
                    &column.position,
                    &width,
                ],
            )
            .await?;
            bump_structure(tx, STRUCTURE_OF_BOARD, board.to_string()).await
        }
        BoardWrite::DeleteColumn(id) => {
            bump_structure(tx, STRUCTURE_OF_COLUMN, id.to_string()).await?;
            exec(tx, "DELETE FROM board_columns WHERE id = $1", &[&id.to_string()]).await?;
            Ok(())
        }
        BoardWrite::InsertItem(mut item) => {
            if item.auto_number == 0 {
                let row = rows::query_opt(
                    tx,
                    "UPDATE boards SET last_auto_number = last_auto_number + 1 WHERE id = $1 RETURNING last_auto_number",
                    &[&item.board_id.to_string()],
                )
                .await?
                .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
                item.auto_number = rows::get(&row, 0)?;
            } else {
                // An explicit number (reserved, or a new board's own numbering) moves the
                // counter past it so it is never handed out again.
                exec(
                    tx,
                    "UPDATE boards SET last_auto_number = greatest(last_auto_number, $2) WHERE id = $1",
                    &[&item.board_id.to_string(), &item.auto_number],
                )
                .await?;
            }
            committed.auto_numbers.push(item.auto_number);
            insert_item(tx, &item, now).await
        }
        BoardWrite::UpdateItem { item, expected_version } => update_item(tx, &item, expected_version).await,
        BoardWrite::DeleteItem(id) => {
            exec(tx, "DELETE FROM items WHERE id = $1 OR parent_item_id = $1", &[&id.to_string()]).await?;
            Ok(())
        }
        BoardWrite::PutView(v) => {
            exec(
                tx,
                "INSERT INTO board_views (id, board_id, name, type, filter, sort, group_by, hidden_columns, settings,
                 version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, filter = excluded.filter,
                 sort = excluded.sort, group_by = excluded.group_by, hidden_columns = excluded.hidden_columns,
                 settings = excluded.settings, version = excluded.version, updated_at = excluded.updated_at",
                &[
                    &v.id.to_string(),
                    &v.board_id.to_string(),
                    &v.name,
                    &enum_name(&v.view_type),
                    &v.filter.as_ref().map(|f| f.to_string()),
                    &v.sort.as_ref().map(|s| s.to_string()),
                    &v.group_by,
                    &json_text(&v.hidden_columns)?,
                    &json_text(&v.settings)?,
                    &v.version,
                    &v.created_by.to_string(),
                    &v.created_at.timestamp_millis(),
                    &v.updated_at.timestamp_millis(),
                ],
            )
            .await?;
            Ok(())
        }
        BoardWrite::DeleteView(id) => {
            exec(tx, "DELETE FROM board_views WHERE id = $1", &[&id.to_string()]).await?;
            Ok(())
        }
        BoardWrite::PutUpdate(u) => {
            exec(
                tx,
                "INSERT INTO item_updates (id, item_id, board_id, parent_id, author, body, mentions, created_at, edited_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, mentions = excluded.mentions,
                 edited_at = excluded.edited_at",
                &[
                    &u.id.to_string(),
                    &u.item_id.to_string(),
                    &u.board_id.to_string(),
                    &u.parent_id.map(|p| p.to_string()),
                    &u.author.to_string(),
                    &u.body,
                    &json_text(&u.mentions)?,
                    &u.created_at.timestamp_millis(),
                    &u.edited_at.map(|t| t.timestamp_millis()),
                ],
            )
            .await?;
            Ok(())
        }
        BoardWrite::DeleteUpdate(id) => {
            exec(tx, "DELETE FROM item_updates WHERE id = $1 OR parent_id = $1", &[&id.to_string()]).await?;
            Ok(())
        }
        BoardWrite::InsertNotification(n) => notifications::insert(tx, &n).await,
        BoardWrite::Subscribe { item, user } => notifications::subscription(tx, item, user, true).await,
        BoardWrite::Unsubscribe { item, user } => notifications::subscription(tx, item, user, false).await,
        BoardWrite::ReserveIdempotencyKey { user, key, request_hash } => {
            // A concurrent reservation of the key waits here for that transaction's outcome.
            let n = exec(
                tx,
                "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id, idem_key) DO NOTHING",
                &[&user.to_string(), &key, &request_hash, &now],
            )
            .await?;
            if n == 0 {
                return Err(StoreError::Rejected(ErrorCode::IdempotencyKeyInUse));
            }
            Ok(())
        }
        BoardWrite::ExpectStructure { board, version } => {
            // Read under the board lock the commit took, so a structure change cannot commit
            // between this check and the writes.
            let row = rows::query_opt(tx, "SELECT structure_version FROM boards WHERE id = $1", &[&board.to_string()])
                .await?
                .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
            let current: i64 = rows::get(&row, 0)?;
            if current != version {
                return Err(StoreError::StructureChanged);
            }
            Ok(())
        }
    }
}

// The statements that move a board's structure version, naming the board by its id or by
// one of its groups or columns.
const STRUCTURE_OF_BOARD: &str = "UPDATE boards SET structure_version = structure_version + 1 WHERE id = $1";
const STRUCTURE_OF_GROUP: &str = "UPDATE boards SET structure_version = structure_version + 1
     WHERE id = (SELECT board_id FROM board_groups WHERE id = $1)";
const STRUCTURE_OF_COLUMN: &str = "UPDATE boards SET structure_version = structure_version + 1
     WHERE id = (SELECT board_id FROM board_columns WHERE id = $1)";

/// Moves a board's structure version in the commit that changes its structure, so a commit
/// holding values checked against the old structure fails its `ExpectStructure`.
async fn bump_structure<C: GenericClient>(tx: &C, sql: &str, id: String) -> StoreResult<()> {
    exec(tx, sql, &[&id]).await?;
    Ok(())
}

async fn insert_board<C: GenericClient>(tx: &C, b: &Board) -> StoreResult<()> {
    exec(
        tx,
        "INSERT INTO boards (id, org_id, workspace_id, name, description, kind, default_permission, version, last_seq,
         last_auto_number, created_by, created_at, updated_at, subitem_board_id, parent_board_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10, $11, $12, $13)",
        &[
            &b.id.to_string(),
            &b.org_id.to_string(),
            &b.workspace_id.to_string(),
            &b.name,
            &b.description,
            &enum_name(&b.kind),
            &enum_name(&b.default_permission),
            &b.version,
            &b.created_by.to_string(),
            &b.created_at.timestamp_millis(),
            &b.updated_at.timestamp_millis(),
            &b.subitem_board_id.map(|s| s.to_string()),
            &b.parent_board_id.map(|s| s.to_string()),
        ],
    )
    .await?;
    Ok(())
}

async fn insert_item<C: GenericClient>(tx: &C, item: &Item, now: Millis) -> StoreResult<()> {
    rows::execute(
        tx,
        "INSERT INTO items (id, board_id, group_id, parent_item_id, name, position, item_values, version, auto_number,
         created_by, created_at, updated_at, archived_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            &item.id.to_string(),
            &item.board_id.to_string(),
            &item.group_id.to_string(),
            &item.parent_item_id.map(|p| p.to_string()),
            &item.name,
            &item.position,
            &json_text(&item.values)?,
            &item.version,
            &item.auto_number,
            &item.created_by.to_string(),
            &item.created_at.timestamp_millis(),
            &item.updated_at.timestamp_millis(),
            &item.archived.then_some(now),
        ],
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::internal(format!("duplicate item id {}", item.id))
        } else {
            db_err(e)
        }
    })?;
    Ok(())
}

/// Replaces the item if its stored version is `expected_version`; archiving keeps the first
/// archive time.
async fn update_item<C: GenericClient>(tx: &C, item: &Item, expected_version: i64) -> StoreResult<()> {
    let id = item.id.to_string();
    let n = exec(
        tx,
        "UPDATE items SET group_id = $2, parent_item_id = $3, name = $4, position = $5, item_values = $6, version = $7,
         updated_at = $8, archived_at = CASE WHEN $9 THEN coalesce(archived_at, $8) ELSE NULL END, board_id = $11
         WHERE id = $1 AND version = $10",
        &[
            &id,
            &item.group_id.to_string(),
            &item.parent_item_id.map(|p| p.to_string()),
            &item.name,
            &item.position,
            &json_text(&item.values)?,
            &item.version,
            &item.updated_at.timestamp_millis(),
            &item.archived,
            &expected_version,
            &item.board_id.to_string(),
        ],
    )
    .await?;
    if n > 0 {
        return Ok(());
    }
    let sql = format!("SELECT {ITEM_COLS} FROM items i WHERE i.id = $1");
    match rows::query_opt(tx, &sql, &[&id]).await? {
        Some(row) => Err(conflict(&board_rows::item(&row)?)),
        None => Err(StoreError::Rejected(ErrorCode::ItemNotFound)),
    }
}

async fn board_conflict<C: GenericClient>(tx: &C, id: BoardId) -> StoreResult<StoreError> {
    let sql = format!("SELECT {BOARD_COLS} FROM boards b WHERE b.id = $1");
    Ok(match rows::query_opt(tx, &sql, &[&id.to_string()]).await? {
        Some(row) => conflict(&board_rows::board(&row)?),
        None => StoreError::Rejected(ErrorCode::BoardNotFound),
    })
}

/// A version conflict carrying the stored row.
fn conflict(current: &impl serde::Serialize) -> StoreError {
    match serde_json::to_value(current) {
        Ok(v) => StoreError::VersionConflict(v),
        Err(e) => StoreError::internal(e),
    }
}
