//! `BoardStore` on SQLite: reads run on reader connections, the commit in one immediate
//! transaction on the writer.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};
use sunday_store::{
    BoardFilter, BoardStore, BoardWrite, Committed, IdempotencyRecord, IdempotentResponse, ItemCursor, NewEvent,
    StoreResult,
};
use sunday_types::{
    boards::{enum_parse, Board, BoardEvent, BoardPermission, Column, Group, Item, Update, View},
    time::Millis,
    BoardId, GroupId, ItemId, OrgId, UpdateId, UserId, ViewId, WorkspaceId,
};

use crate::{
    board_commit,
    board_rows::{self, BOARD_COLS, COLUMN_COLS, EVENT_COLS, GROUP_COLS, ITEM_COLS, UPDATE_COLS, VIEW_COLS},
    rows::db_err,
    SqliteStore,
};

#[async_trait]
impl BoardStore for SqliteStore {
    async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
        now: Millis,
    ) -> StoreResult<Committed> {
        self.pool.transaction(move |tx| board_commit::commit(tx, board, writes, events, now)).await
    }

    async fn reserve_auto_numbers(&self, board: BoardId, n: i64) -> StoreResult<i64> {
        self.pool
            .write(move |c| {
                let last: Option<i64> = c
                    .query_row(
                        "UPDATE boards SET last_auto_number = last_auto_number + ?2 WHERE id = ?1 RETURNING last_auto_number",
                        params![board.to_string(), n],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db_err)?;
                last.map(|l| l - n + 1).ok_or(sunday_store::StoreError::Rejected(sunday_types::ErrorCode::BoardNotFound))
            })
            .await
    }

    async fn board(&self, id: BoardId) -> StoreResult<Option<Board>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!("SELECT {BOARD_COLS} FROM boards b WHERE b.id = ?1"))
                    .and_then(|mut s| s.query_row([id.to_string()], board_rows::board).optional())
                    .map_err(db_err)
            })
            .await
    }

    async fn boards(
        &self,
        org: OrgId,
        workspace: Option<WorkspaceId>,
        filter: BoardFilter,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<Board>> {
        self.pool
            .read(move |c| {
                let member = "EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id AND m.user_id = ?5)";
                let (visibility, user) = match filter {
                    BoardFilter::All => ("?5 IS NULL OR 1 = 1".to_owned(), None),
                    BoardFilter::PublicOrMemberOf(u) => (format!("b.kind = 'public' OR {member}"), Some(u.to_string())),
                    BoardFilter::MemberOf(u) => (member.to_owned(), Some(u.to_string())),
                };
                let sql = format!(
                    "SELECT {BOARD_COLS} FROM boards b WHERE b.org_id = ?1 AND (?2 IS NULL OR b.workspace_id = ?2)
                     AND b.parent_board_id IS NULL AND b.id > ?3 AND ({visibility}) ORDER BY b.id LIMIT ?4"
                );
                c.prepare_cached(&sql)
                    .and_then(|mut s| {
                        s.query_map(
                            params![
                                org.to_string(),
                                workspace.map(|w| w.to_string()),
                                after.map(|a| a.to_string()).unwrap_or_default(),
                                limit as i64,
                                user
                            ],
                            board_rows::board,
                        )?
                        .collect()
                    })
                    .map_err(db_err)
            })
            .await
    }

    async fn board_permission(&self, board: BoardId, user: UserId) -> StoreResult<Option<BoardPermission>> {
        self.pool
            .read(move |c| {
                let p: Option<String> = c
                    .prepare_cached("SELECT permission FROM board_members WHERE board_id = ?1 AND user_id = ?2")
                    .and_then(|mut s| s.query_row([board.to_string(), user.to_string()], |r| r.get(0)).optional())
                    .map_err(db_err)?;
                Ok(p.and_then(|p| enum_parse(&p)))
            })
            .await
    }

    async fn board_members(&self, board: BoardId) -> StoreResult<Vec<(UserId, BoardPermission)>> {
        self.pool
            .read(move |c| {
                let rows: Vec<(UserId, String)> = c
                    .prepare_cached(
                        "SELECT user_id, permission FROM board_members WHERE board_id = ?1 ORDER BY added_at, user_id",
                    )
                    .and_then(|mut s| {
                        s.query_map([board.to_string()], |r| Ok((crate::rows::parse(r, 0)?, r.get(1)?)))?.collect()
                    })
                    .map_err(db_err)?;
                Ok(rows.into_iter().filter_map(|(u, p)| enum_parse(&p).map(|p| (u, p))).collect())
            })
            .await
    }

    async fn structure_version(&self, board: BoardId) -> StoreResult<i64> {
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT structure_version FROM boards WHERE id = ?1")
                    .and_then(|mut s| s.query_row([board.to_string()], |r| r.get(0)).optional())
                    .map_err(db_err)
            })
            .await?
            .ok_or(sunday_store::StoreError::Rejected(sunday_types::ErrorCode::BoardNotFound))
    }

    async fn columns(&self, board: BoardId) -> StoreResult<Vec<Column>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {COLUMN_COLS} FROM board_columns c WHERE c.board_id = ?1 ORDER BY c.position, c.id"
                ))
                .and_then(|mut s| s.query_map([board.to_string()], board_rows::column)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn groups(&self, board: BoardId, viewer: Option<UserId>) -> StoreResult<Vec<Group>> {
        self.pool
            .read(move |c| {
                let sql = format!(
                    "SELECT {GROUP_COLS}, EXISTS (SELECT 1 FROM group_collapse x WHERE x.group_id = g.id AND x.user_id = ?2)
                     FROM board_groups g WHERE g.board_id = ?1 ORDER BY g.position, g.id"
                );
                c.prepare_cached(&sql)
                    .and_then(|mut s| {
                        s.query_map(params![board.to_string(), viewer.map(|v| v.to_string())], |r| {
                            let mut g = board_rows::group(r)?;
                            g.collapsed = r.get(4)?;
                            Ok(g)
                        })?
                        .collect()
                    })
                    .map_err(db_err)
            })
            .await
    }

    async fn item(&self, id: ItemId) -> StoreResult<Option<Item>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!("SELECT {ITEM_COLS} FROM items i WHERE i.id = ?1"))
                    .and_then(|mut s| s.query_row([id.to_string()], board_rows::item).optional())
                    .map_err(db_err)
            })
            .await
    }

    async fn items(
        &self,
        board: BoardId,
        group: Option<GroupId>,
        after: Option<ItemCursor>,
        limit: usize,
    ) -> StoreResult<Vec<Item>> {
        self.pool
            .read(move |c| {
                let (pos, id) = after.map(|(p, i)| (p, i.to_string())).unwrap_or_default();
                let live = "i.archived_at IS NULL AND i.parent_item_id IS NULL AND (i.position, i.id) > (?3, ?4)";
                let sql = match group {
                    Some(_) => format!(
                        "SELECT {ITEM_COLS} FROM items i WHERE i.board_id = ?1 AND i.group_id = ?2 AND {live} ORDER BY i.position, i.id LIMIT ?5"
                    ),
                    None => format!(
                        "SELECT {ITEM_COLS} FROM items i WHERE i.board_id = ?1 AND ?2 IS NULL AND {live} ORDER BY i.position, i.id LIMIT ?5"
                    ),
                };
                c.prepare_cached(&sql)
                    .and_then(|mut s| {
                        s.query_map(params![board.to_string(), group.map(|g| g.to_string()), pos, id, limit as i64], board_rows::item)?
                            .collect()
                    })
                    .map_err(db_err)
            })
            .await
    }

    async fn all_items(&self, board: BoardId) -> StoreResult<Vec<Item>> {
        // A whole board can be large: scan on the blocking pool, not an async worker.
        self.pool
            .read_blocking(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {ITEM_COLS} FROM items i WHERE i.board_id = ?1 AND i.archived_at IS NULL ORDER BY i.position, i.id"
                ))
                .and_then(|mut s| s.query_map([board.to_string()], board_rows::item)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn subitems(&self, parent: ItemId) -> StoreResult<Vec<Item>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {ITEM_COLS} FROM items i WHERE i.parent_item_id = ?1 AND i.archived_at IS NULL ORDER BY i.position, i.id"
                ))
                .and_then(|mut s| s.query_map([parent.to_string()], board_rows::item)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn events_after(&self, board: BoardId, after: i64, limit: usize) -> StoreResult<Vec<BoardEvent>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {EVENT_COLS} FROM board_events e WHERE e.board_id = ?1 AND e.seq > ?2 ORDER BY e.seq LIMIT ?3"
                ))
                .and_then(|mut s| s.query_map(params![board.to_string(), after, limit as i64], board_rows::event)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn events_before(
        &self,
        board: BoardId,
        item: Option<ItemId>,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<BoardEvent>> {
        self.pool
            .read(move |c| {
                let before = before.unwrap_or(i64::MAX);
                let sql = match item {
                    Some(_) => format!(
                        "SELECT {EVENT_COLS} FROM board_events e WHERE e.item_id = ?2 AND e.board_id = ?1 AND e.seq < ?3 ORDER BY e.seq DESC LIMIT ?4"
                    ),
                    None => format!(
                        "SELECT {EVENT_COLS} FROM board_events e WHERE e.board_id = ?1 AND ?2 IS NULL AND e.seq < ?3 ORDER BY e.seq DESC LIMIT ?4"
                    ),
                };
                c.prepare_cached(&sql)
                    .and_then(|mut s| {
                        s.query_map(params![board.to_string(), item.map(|i| i.to_string()), before, limit as i64], board_rows::event)?
                            .collect()
                    })
                    .map_err(db_err)
            })
            .await
    }

    async fn updates(&self, item: ItemId) -> StoreResult<Vec<Update>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {UPDATE_COLS} FROM item_updates u WHERE u.item_id = ?1 ORDER BY u.created_at, u.id"
                ))
                .and_then(|mut s| s.query_map([item.to_string()], board_rows::update)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn update(&self, id: UpdateId) -> StoreResult<Option<Update>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!("SELECT {UPDATE_COLS} FROM item_updates u WHERE u.id = ?1"))
                    .and_then(|mut s| s.query_row([id.to_string()], board_rows::update).optional())
                    .map_err(db_err)
            })
            .await
    }

    async fn views(&self, board: BoardId) -> StoreResult<Vec<View>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {VIEW_COLS} FROM board_views v WHERE v.board_id = ?1 ORDER BY v.created_at, v.id"
                ))
                .and_then(|mut s| s.query_map([board.to_string()], board_rows::view)?.collect())
                .map_err(db_err)
            })
            .await
    }

    async fn view(&self, id: ViewId) -> StoreResult<Option<View>> {
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!("SELECT {VIEW_COLS} FROM board_views v WHERE v.id = ?1"))
                    .and_then(|mut s| s.query_row([id.to_string()], board_rows::view).optional())
                    .map_err(db_err)
            })
            .await
    }

    async fn idempotency_record(&self, user: UserId, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let key = key.to_owned();
        self.pool
            .read(move |c| {
                c.prepare_cached(
                    "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = ?1 AND idem_key = ?2",
                )
                .and_then(|mut s| {
                    s.query_row([user.to_string(), key], |r| {
                        let request_hash: String = r.get(0)?;
                        Ok(match (r.get::<_, Option<u16>>(1)?, r.get::<_, Option<String>>(2)?) {
                            (Some(status), Some(body)) => {
                                IdempotencyRecord::Answered(IdempotentResponse { request_hash, status, body })
                            }
                            _ => IdempotencyRecord::Reserved { request_hash },
                        })
                    })
                    .optional()
                })
                .map_err(db_err)
            })
            .await
    }

    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
        now: Millis,
    ) -> StoreResult<()> {
        let (key, response) = (key.to_owned(), response.clone());
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, response, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                    params![user.to_string(), key, response.request_hash, response.status, response.body, now],
                )
                .map_err(db_err)?;
                Ok(())
            })
            .await
    }

    async fn complete_idempotency_key(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<()> {
        let (key, response) = (key.to_owned(), response.clone());
        self.pool
            .write(move |c| {
                c.execute(
                    "UPDATE idempotency_keys SET status = ?4, response = ?5
                     WHERE user_id = ?1 AND idem_key = ?2 AND request_hash = ?3 AND status IS NULL",
                    params![user.to_string(), key, response.request_hash, response.status, response.body],
                )
                .map_err(db_err)?;
                Ok(())
            })
            .await
    }

    async fn release_idempotency_key(&self, user: UserId, key: &str, request_hash: &str) -> StoreResult<()> {
        let (key, request_hash) = (key.to_owned(), request_hash.to_owned());
        self.pool
            .write(move |c| {
                c.execute(
                    "DELETE FROM idempotency_keys WHERE user_id = ?1 AND idem_key = ?2 AND request_hash = ?3 AND status IS NULL",
                    params![user.to_string(), key, request_hash],
                )
                .map_err(db_err)?;
                Ok(())
            })
            .await
    }
}
