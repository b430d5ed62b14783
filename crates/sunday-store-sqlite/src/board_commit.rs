//! The one write path of boards: apply row changes and append their events, in the caller's
//! immediate transaction. Sequence numbers come from `boards.last_seq`, bumped in the same
//! transaction, so they are gap-free and follow commit order.

use rusqlite::{params, OptionalExtension, Transaction};
use sunday_store::{BoardWrite, Committed, NewEvent, StoreError, StoreResult};
use sunday_types::{
    boards::{enum_name, Board, Item},
    time::Millis,
    BoardId, ErrorCode,
};

use crate::{
    board_rows::{self, ITEM_COLS},
    rows::{db_err, is_unique_violation},
};

fn json_text(v: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(v).map_err(StoreError::internal)
}

pub fn commit(
    tx: &Transaction<'_>,
    board: BoardId,
    writes: Vec<BoardWrite>,
    events: Vec<NewEvent>,
    now: Millis,
) -> StoreResult<Committed> {
    let mut committed = Committed::default();
    for write in writes {
        apply(tx, write, now, &mut committed)?;
    }
    if !events.is_empty() {
        let n = events.len() as i64;
        let last: i64 = tx
            .query_row(
                "UPDATE boards SET last_seq = last_seq + ?2 WHERE id = ?1 RETURNING last_seq",
                params![board.to_string(), n],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?
            .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
        let mut stmt = tx
            .prepare_cached("INSERT INTO board_events (board_id, seq, kind, actor, item_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .map_err(db_err)?;
        for (i, e) in events.into_iter().enumerate() {
            let seq = last - n + 1 + i as i64;
            stmt.execute(params![
                board.to_string(),
                seq,
                e.change.kind(),
                e.actor.to_string(),
                e.change.item_id().map(|i| i.to_string()),
                e.change.payload_text().map_err(StoreError::internal)?,
                now
            ])
            .map_err(db_err)?;
            committed.events.push(e.committed(board, seq, now));
        }
    }
    Ok(committed)
}

pub(crate) fn apply(
    tx: &Transaction<'_>,
    write: BoardWrite,
    now: Millis,
    committed: &mut Committed,
) -> StoreResult<()> {
    match write {
        BoardWrite::InsertBoard(b) => insert_board(tx, &b),
        BoardWrite::UpdateBoard { board: b, expected_version } => {
            let n = tx
                .execute(
                    "UPDATE boards SET name = ?2, description = ?3, kind = ?4, default_permission = ?5, subitem_board_id = ?6,
                     version = version + 1, updated_at = ?7 WHERE id = ?1 AND version = ?8",
                    params![
                        b.id.to_string(),
                        b.name,
                        b.description,
                        enum_name(&b.kind),
                        enum_name(&b.default_permission),
                        b.subitem_board_id.map(|s| s.to_string()),
                        now,
                        expected_version
                    ],
                )
                .map_err(db_err)?;
            if n == 0 {
                return Err(board_conflict(tx, b.id)?);
            }
            Ok(())
        }
        BoardWrite::DeleteBoard(id) => {
            tx.execute("DELETE FROM boards WHERE id = ?1 OR parent_board_id = ?1", [id.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::PutMember { board, user, permission, at } => {
            tx.execute(
                "INSERT INTO board_members (board_id, user_id, permission, added_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (board_id, user_id) DO UPDATE SET permission = excluded.permission",
                params![board.to_string(), user.to_string(), enum_name(&permission), at],
            )
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::RemoveMember { board, user } => {
            tx.execute(
                "DELETE FROM board_members WHERE board_id = ?1 AND user_id = ?2",
                [board.to_string(), user.to_string()],
            )
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::PutGroup { board, group } => {
            tx.execute(
                "INSERT INTO board_groups (id, board_id, title, color, position) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, color = excluded.color, position = excluded.position",
                params![group.id.to_string(), board.to_string(), group.title, group.color, group.position],
            )
            .map_err(db_err)?;
            bump_structure(tx, STRUCTURE_OF_BOARD, board.to_string())
        }
        BoardWrite::DeleteGroup(id) => {
            bump_structure(tx, STRUCTURE_OF_GROUP, id.to_string())?;
            tx.execute("DELETE FROM board_groups WHERE id = ?1", [id.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::SetCollapsed { user, group, collapsed } => {
            let sql = if collapsed {
                "INSERT INTO group_collapse (user_id, group_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
            } else {
                "DELETE FROM group_collapse WHERE user_id = ?1 AND group_id = ?2"
            };
            tx.execute(sql, [user.to_string(), group.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::PutColumn { board, column } => {
            tx.execute(
                "INSERT INTO board_columns (id, board_id, title, type, settings, position, width) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, type = excluded.type, settings = excluded.settings,
                 position = excluded.position, width = excluded.width",
                params![
                    column.id.to_string(),
                    board.to_string(),
                    column.title,
                    column.column_type.as_str(),
                    json_text(&column.settings)?,
                    column.position,
                    column.width
                ],
            )
            .map_err(db_err)?;
            bump_structure(tx, STRUCTURE_OF_BOARD, board.to_string())
        }
        BoardWrite::DeleteColumn(id) => {
            bump_structure(tx, STRUCTURE_OF_COLUMN, id.to_string())?;
            tx.execute("DELETE FROM board_columns WHERE id = ?1", [id.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::InsertItem(mut item) => {
            if item.auto_number == 0 {
                item.auto_number = tx
                    .query_row(
                        "UPDATE boards SET last_auto_number = last_auto_number + 1 WHERE id = ?1 RETURNING last_auto_number",
                        [item.board_id.to_string()],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db_err)?
                    .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
            } else {
                // An explicit number (reserved, or a new board's own numbering) moves the
                // counter past it so it is never handed out again.
                tx.prepare_cached("UPDATE boards SET last_auto_number = max(last_auto_number, ?2) WHERE id = ?1")
                    .and_then(|mut s| s.execute(params![item.board_id.to_string(), item.auto_number]))
                    .map_err(db_err)?;
            }
            committed.auto_numbers.push(item.auto_number);
            insert_item(tx, &item, now)
        }
        BoardWrite::UpdateItem { item, expected_version } => {
            let n = tx
                .prepare_cached(
                    "UPDATE items SET group_id = ?2, parent_item_id = ?3, name = ?4, position = ?5, item_values = ?6, version = ?7,
                     updated_at = ?8, archived_at = CASE WHEN ?9 THEN coalesce(archived_at, ?8) ELSE NULL END, board_id = ?11
                     WHERE id = ?1 AND version = ?10",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        item.id.to_string(),
                        item.group_id.to_string(),
                        item.parent_item_id.map(|p| p.to_string()),
                        item.name,
                        item.position,
                        serde_json::Value::Object(item.values.clone()).to_string(),
                        item.version,
                        item.updated_at.timestamp_millis(),
                        item.archived,
                        expected_version,
                        item.board_id.to_string()
                    ])
                })
                .map_err(db_err)?;
            if n == 0 {
                let current = tx
                    .query_row(
                        &format!("SELECT {ITEM_COLS} FROM items i WHERE i.id = ?1"),
                        [item.id.to_string()],
                        board_rows::item,
                    )
                    .optional()
                    .map_err(db_err)?;
                return Err(match current {
                    Some(c) => StoreError::VersionConflict(serde_json::to_value(c).map_err(StoreError::internal)?),
                    None => StoreError::Rejected(ErrorCode::ItemNotFound),
                });
            }
            Ok(())
        }
        BoardWrite::DeleteItem(id) => {
            tx.execute("DELETE FROM items WHERE id = ?1 OR parent_item_id = ?1", [id.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::PutView(v) => {
            tx.execute(
                "INSERT INTO board_views (id, board_id, name, type, filter, sort, group_by, hidden_columns, settings, version,
                 created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, filter = excluded.filter,
                 sort = excluded.sort, group_by = excluded.group_by, hidden_columns = excluded.hidden_columns,
                 settings = excluded.settings, version = excluded.version, updated_at = excluded.updated_at",
                params![
                    v.id.to_string(),
                    v.board_id.to_string(),
                    v.name,
                    enum_name(&v.view_type),
                    v.filter.as_ref().map(|f| f.to_string()),
                    v.sort.as_ref().map(|s| s.to_string()),
                    v.group_by,
                    json_text(&v.hidden_columns)?,
                    json_text(&v.settings)?,
                    v.version,
                    v.created_by.to_string(),
                    v.created_at.timestamp_millis(),
                    v.updated_at.timestamp_millis()
                ],
            )
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::DeleteView(id) => {
            tx.execute("DELETE FROM board_views WHERE id = ?1", [id.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::PutUpdate(u) => {
            tx.execute(
                "INSERT INTO item_updates (id, item_id, board_id, parent_id, author, body, mentions, created_at, edited_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, mentions = excluded.mentions, edited_at = excluded.edited_at",
                params![
                    u.id.to_string(),
                    u.item_id.to_string(),
                    u.board_id.to_string(),
                    u.parent_id.map(|p| p.to_string()),
                    u.author.to_string(),
                    u.body,
                    json_text(&u.mentions)?,
                    u.created_at.timestamp_millis(),
                    u.edited_at.map(|t| t.timestamp_millis())
                ],
            )
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::InsertNotification(n) => {
            tx.prepare_cached(
                "INSERT INTO notifications (id, user_id, kind, actor, board_id, item_id, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    n.id.to_string(),
                    n.user_id.to_string(),
                    enum_name(&n.kind),
                    n.actor.to_string(),
                    n.board_id.map(|b| b.to_string()),
                    n.item_id.map(|i| i.to_string()),
                    n.text,
                    n.created_at.timestamp_millis()
                ])
            })
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::Subscribe { item, user } => {
            tx.prepare_cached(
                "INSERT INTO item_subscriptions (item_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| s.execute([item.to_string(), user.to_string()]))
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::Unsubscribe { item, user } => {
            tx.execute(
                "DELETE FROM item_subscriptions WHERE item_id = ?1 AND user_id = ?2",
                [item.to_string(), user.to_string()],
            )
            .map_err(db_err)?;
            Ok(())
        }
        BoardWrite::DeleteUpdate(id) => {
            tx.execute("DELETE FROM item_updates WHERE id = ?1 OR parent_id = ?1", [id.to_string()]).map_err(db_err)?;
            Ok(())
        }
        BoardWrite::ReserveIdempotencyKey { user, key, request_hash } => {
            let n = tx
                .prepare_cached(
                    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (user_id, idem_key) DO NOTHING",
                )
                .and_then(|mut s| s.execute(params![user.to_string(), key, request_hash, now]))
                .map_err(db_err)?;
            if n == 0 {
                return Err(StoreError::Rejected(ErrorCode::IdempotencyKeyInUse));
            }
            Ok(())
        }
        BoardWrite::ExpectStructure { board, version } => {
            let current: i64 = tx
                .prepare_cached("SELECT structure_version FROM boards WHERE id = ?1")
                .and_then(|mut s| s.query_row([board.to_string()], |r| r.get(0)).optional())
                .map_err(db_err)?
                .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
            if current != version {
                return Err(StoreError::StructureChanged);
            }
            Ok(())
        }
    }
}

// The statements that move a board's structure version, naming the board by its id or by
// one of its groups or columns.
const STRUCTURE_OF_BOARD: &str = "UPDATE boards SET structure_version = structure_version + 1 WHERE id = ?1";
const STRUCTURE_OF_GROUP: &str = "UPDATE boards SET structure_version = structure_version + 1
     WHERE id = (SELECT board_id FROM board_groups WHERE id = ?1)";
const STRUCTURE_OF_COLUMN: &str = "UPDATE boards SET structure_version = structure_version + 1
     WHERE id = (SELECT board_id FROM board_columns WHERE id = ?1)";

/// Moves a board's structure version in the commit that changes its structure, so a commit
/// holding values checked against the old structure fails its `ExpectStructure`.
fn bump_structure(tx: &Transaction<'_>, sql: &str, id: String) -> StoreResult<()> {
    tx.prepare_cached(sql).and_then(|mut s| s.execute([id])).map_err(db_err)?;
    Ok(())
}

fn insert_board(tx: &Transaction<'_>, b: &Board) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO boards (id, org_id, workspace_id, name, description, kind, default_permission, version, last_seq,
         last_auto_number, created_by, created_at, updated_at, subitem_board_id, parent_board_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0, ?9, ?10, ?11, ?12, ?13)",
        params![
            b.id.to_string(),
            b.org_id.to_string(),
            b.workspace_id.to_string(),
            b.name,
            b.description,
            enum_name(&b.kind),
            enum_name(&b.default_permission),
            b.version,
            b.created_by.to_string(),
            b.created_at.timestamp_millis(),
            b.updated_at.timestamp_millis(),
            b.subitem_board_id.map(|s| s.to_string()),
            b.parent_board_id.map(|s| s.to_string())
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn insert_item(tx: &Transaction<'_>, item: &Item, now: Millis) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO items (id, board_id, group_id, parent_item_id, name, position, item_values, version, auto_number,
         created_by, created_at, updated_at, archived_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .and_then(|mut s| {
        s.execute(params![
            item.id.to_string(),
            item.board_id.to_string(),
            item.group_id.to_string(),
            item.parent_item_id.map(|p| p.to_string()),
            item.name,
            item.position,
            serde_json::Value::Object(item.values.clone()).to_string(),
            item.version,
            item.auto_number,
            item.created_by.to_string(),
            item.created_at.timestamp_millis(),
            item.updated_at.timestamp_millis(),
            item.archived.then_some(now)
        ])
    })
    .map_err(|e| if is_unique_violation(&e) { StoreError::internal(format!("duplicate item id {}", item.id)) } else { db_err(e) })?;
    Ok(())
}

fn board_conflict(tx: &Transaction<'_>, id: BoardId) -> StoreResult<StoreError> {
    let current = tx
        .query_row(
            &format!("SELECT {} FROM boards b WHERE b.id = ?1", board_rows::BOARD_COLS),
            [id.to_string()],
            board_rows::board,
        )
        .optional()
        .map_err(db_err)?;
    Ok(match current {
        Some(b) => StoreError::VersionConflict(serde_json::to_value(b).map_err(StoreError::internal)?),
        None => StoreError::Rejected(ErrorCode::BoardNotFound),
    })
}
