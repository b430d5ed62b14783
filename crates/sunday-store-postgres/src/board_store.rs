//! `BoardStore` on PostgreSQL: reads are single statements in autocommit mode, the commit one
//! transaction (see `board_commit`).
//!
//! Statements whose filter is optional come in two variants (with and without it) rather than
//! `$n IS NULL OR …`, so each has a plan that uses its index and binds only typed parameters.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sunday_store::{
    BoardFilter, BoardStore, BoardWrite, Committed, IdempotencyRecord, IdempotentResponse, ItemCursor, NewEvent,
    StoreError, StoreResult,
};
use sunday_types::{
    boards::{enum_parse, Board, BoardEvent, BoardPermission, Column, Group, Item, Update, View},
    time::Millis,
    BoardId, ErrorCode, GroupId, ItemId, OrgId, UpdateId, UserId, ViewId, WorkspaceId,
};
use tokio_postgres::Row;

use crate::{
    board_commit,
    board_rows::{self, BOARD_COLS, COLUMN_COLS, EVENT_COLS, GROUP_COLS, ITEM_COLS, UPDATE_COLS, VIEW_COLS},
    rows::{self, Params},
    PostgresStore,
};

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Runs a query and decodes every row.
async fn all<C: GenericClient, T>(
    c: &C,
    sql: &str,
    params: Params<'_>,
    decode: fn(&Row) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    rows::query(c, sql, params).await?.iter().map(decode).collect()
}

/// Runs a query and decodes the row, if any.
async fn one<C: GenericClient, T>(
    c: &C,
    sql: &str,
    params: Params<'_>,
    decode: fn(&Row) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    rows::query_opt(c, sql, params).await?.map(|r| decode(&r)).transpose()
}

async fn boards<C: GenericClient>(
    c: &C,
    org: OrgId,
    workspace: Option<WorkspaceId>,
    filter: BoardFilter,
    after: Option<BoardId>,
    limit: usize,
) -> StoreResult<Vec<Board>> {
    let member = "EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id AND m.user_id = $5)";
    let (visibility, user) = match filter {
        BoardFilter::All => (String::from("TRUE"), None),
        BoardFilter::PublicOrMemberOf(u) => (format!("b.kind = 'public' OR {member}"), Some(u.to_string())),
        BoardFilter::MemberOf(u) => (member.to_owned(), Some(u.to_string())),
    };
    let sql = format!(
        "SELECT {BOARD_COLS} FROM boards b WHERE b.org_id = $1 AND ($2::text IS NULL OR b.workspace_id = $2)
         AND b.parent_board_id IS NULL AND b.id > $3 AND ({visibility}) ORDER BY b.id LIMIT $4"
    );
    let (org, workspace) = (org.to_string(), workspace.map(|w| w.to_string()));
    let (after, limit) = (after.map(|a| a.to_string()).unwrap_or_default(), limit_param(limit));
    match &user {
        // Without a user the statement has no `$5`: PostgreSQL could not infer its type.
        None => all(c, &sql, &[&org, &workspace, &after, &limit], board_rows::board).await,
        Some(user) => all(c, &sql, &[&org, &workspace, &after, &limit, user], board_rows::board).await,
    }
}

async fn groups<C: GenericClient>(c: &C, board: BoardId, viewer: Option<UserId>) -> StoreResult<Vec<Group>> {
    let sql = format!(
        "SELECT {GROUP_COLS}, EXISTS (SELECT 1 FROM group_collapse x WHERE x.group_id = g.id AND x.user_id = $2)
         FROM board_groups g WHERE g.board_id = $1 ORDER BY g.position, g.id"
    );
    let viewer = viewer.map(|v| v.to_string());
    rows::query(c, &sql, &[&board.to_string(), &viewer])
        .await?
        .iter()
        .map(|r| Ok(Group { collapsed: rows::get(r, 4)?, ..board_rows::group(r)? }))
        .collect()
}

async fn items<C: GenericClient>(
    c: &C,
    board: BoardId,
    group: Option<GroupId>,
    after: Option<ItemCursor>,
    limit: usize,
) -> StoreResult<Vec<Item>> {
    let (pos, id) = after.map(|(p, i)| (p, i.to_string())).unwrap_or_default();
    let (board, limit) = (board.to_string(), limit_param(limit));
    let select = format!("SELECT {ITEM_COLS} FROM items i WHERE i.board_id = $1");
    let live = "i.archived_at IS NULL AND i.parent_item_id IS NULL";
    match group {
        Some(g) => {
            let sql = format!(
                "{select} AND i.group_id = $2 AND {live} AND (i.position, i.id) > ($3, $4)
                 ORDER BY i.position, i.id LIMIT $5"
            );
            all(c, &sql, &[&board, &g.to_string(), &pos, &id, &limit], board_rows::item).await
        }
        None => {
            let sql =
                format!("{select} AND {live} AND (i.position, i.id) > ($2, $3) ORDER BY i.position, i.id LIMIT $4");
            all(c, &sql, &[&board, &pos, &id, &limit], board_rows::item).await
        }
    }
}

async fn events_before<C: GenericClient>(
    c: &C,
    board: BoardId,
    item: Option<ItemId>,
    before: Option<i64>,
    limit: usize,
) -> StoreResult<Vec<BoardEvent>> {
    let (board, before, limit) = (board.to_string(), before.unwrap_or(i64::MAX), limit_param(limit));
    match item {
        Some(item) => {
            let sql = format!(
                "SELECT {EVENT_COLS} FROM board_events e WHERE e.item_id = $2 AND e.board_id = $1 AND e.seq < $3
                 ORDER BY e.seq DESC LIMIT $4"
            );
            all(c, &sql, &[&board, &item.to_string(), &before, &limit], board_rows::event).await
        }
        None => {
            let sql = format!(
                "SELECT {EVENT_COLS} FROM board_events e WHERE e.board_id = $1 AND e.seq < $2
                 ORDER BY e.seq DESC LIMIT $3"
            );
            all(c, &sql, &[&board, &before, &limit], board_rows::event).await
        }
    }
}

fn idempotency_record(r: &Row) -> StoreResult<IdempotencyRecord> {
    let request_hash: String = rows::get(r, 0)?;
    let status: Option<i64> = rows::get(r, 1)?;
    let body: Option<String> = rows::get(r, 2)?;
    Ok(match (status, body) {
        (Some(status), Some(body)) => IdempotencyRecord::Answered(IdempotentResponse {
            request_hash,
            status: u16::try_from(status).map_err(|_| StoreError::internal("invalid idempotent response status"))?,
            body,
        }),
        _ => IdempotencyRecord::Reserved { request_hash },
    })
}

#[async_trait]
impl BoardStore for PostgresStore {
    async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
        now: Millis,
    ) -> StoreResult<Committed> {
        in_transaction!(self, |tx| board_commit::commit(&tx, board, writes, events, now))
    }

    async fn reserve_auto_numbers(&self, board: BoardId, n: i64) -> StoreResult<i64> {
        // One statement in autocommit mode, like `nextval`: numbers reserved for a commit that
        // then fails are skipped, never handed out again.
        let sql = "UPDATE boards SET last_auto_number = last_auto_number + $2 WHERE id = $1 RETURNING last_auto_number";
        let row = on_client!(self, |c| rows::query_opt(&c, sql, &[&board.to_string(), &n]))?
            .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
        let last: i64 = rows::get(&row, 0)?;
        Ok(last - n + 1)
    }

    async fn board(&self, id: BoardId) -> StoreResult<Option<Board>> {
        let sql = format!("SELECT {BOARD_COLS} FROM boards b WHERE b.id = $1");
        on_client!(self, |c| one(&c, &sql, &[&id.to_string()], board_rows::board))
    }

    async fn boards(
        &self,
        org: OrgId,
        workspace: Option<WorkspaceId>,
        filter: BoardFilter,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<Board>> {
        on_client!(self, |c| boards(&c, org, workspace, filter, after, limit))
    }

    async fn board_permission(&self, board: BoardId, user: UserId) -> StoreResult<Option<BoardPermission>> {
        let sql = "SELECT permission FROM board_members WHERE board_id = $1 AND user_id = $2";
        let row = on_client!(self, |c| rows::query_opt(&c, sql, &[&board.to_string(), &user.to_string()]))?;
        row.map(|r| rows::get::<&str>(&r, 0).map(enum_parse)).transpose().map(Option::flatten)
    }

    async fn board_members(&self, board: BoardId) -> StoreResult<Vec<(UserId, BoardPermission)>> {
        let sql = "SELECT user_id, permission FROM board_members WHERE board_id = $1 ORDER BY added_at, user_id";
        let found = on_client!(self, |c| rows::query(&c, sql, &[&board.to_string()]))?;
        let mut members = Vec::with_capacity(found.len());
        for r in &found {
            if let Some(permission) = enum_parse(rows::get(r, 1)?) {
                members.push((rows::parse(r, 0)?, permission));
            }
        }
        Ok(members)
    }

    async fn structure_version(&self, board: BoardId) -> StoreResult<i64> {
        let sql = "SELECT structure_version FROM boards WHERE id = $1";
        let row = on_client!(self, |c| rows::query_opt(&c, sql, &[&board.to_string()]))?
            .ok_or(StoreError::Rejected(ErrorCode::BoardNotFound))?;
        rows::get(&row, 0)
    }

    async fn columns(&self, board: BoardId) -> StoreResult<Vec<Column>> {
        let sql = format!("SELECT {COLUMN_COLS} FROM board_columns c WHERE c.board_id = $1 ORDER BY c.position, c.id");
        on_client!(self, |c| all(&c, &sql, &[&board.to_string()], board_rows::column))
    }

    async fn groups(&self, board: BoardId, viewer: Option<UserId>) -> StoreResult<Vec<Group>> {
        on_client!(self, |c| groups(&c, board, viewer))
    }

    async fn item(&self, id: ItemId) -> StoreResult<Option<Item>> {
        let sql = format!("SELECT {ITEM_COLS} FROM items i WHERE i.id = $1");
        on_client!(self, |c| one(&c, &sql, &[&id.to_string()], board_rows::item))
    }

    async fn items(
        &self,
        board: BoardId,
        group: Option<GroupId>,
        after: Option<ItemCursor>,
        limit: usize,
    ) -> StoreResult<Vec<Item>> {
        on_client!(self, |c| items(&c, board, group, after, limit))
    }

    async fn all_items(&self, board: BoardId) -> StoreResult<Vec<Item>> {
        let sql = format!(
            "SELECT {ITEM_COLS} FROM items i WHERE i.board_id = $1 AND i.archived_at IS NULL ORDER BY i.position, i.id"
        );
        on_client!(self, |c| all(&c, &sql, &[&board.to_string()], board_rows::item))
    }

    async fn subitems(&self, parent: ItemId) -> StoreResult<Vec<Item>> {
        let sql = format!(
            "SELECT {ITEM_COLS} FROM items i WHERE i.parent_item_id = $1 AND i.archived_at IS NULL
             ORDER BY i.position, i.id"
        );
        on_client!(self, |c| all(&c, &sql, &[&parent.to_string()], board_rows::item))
    }

    async fn events_after(&self, board: BoardId, after: i64, limit: usize) -> StoreResult<Vec<BoardEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLS} FROM board_events e WHERE e.board_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
        );
        let limit = limit_param(limit);
        on_client!(self, |c| all(&c, &sql, &[&board.to_string(), &after, &limit], board_rows::event))
    }

    async fn events_before(
        &self,
        board: BoardId,
        item: Option<ItemId>,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<BoardEvent>> {
        on_client!(self, |c| events_before(&c, board, item, before, limit))
    }

    async fn updates(&self, item: ItemId) -> StoreResult<Vec<Update>> {
        let sql = format!("SELECT {UPDATE_COLS} FROM item_updates u WHERE u.item_id = $1 ORDER BY u.created_at, u.id");
        on_client!(self, |c| all(&c, &sql, &[&item.to_string()], board_rows::update))
    }

    async fn update(&self, id: UpdateId) -> StoreResult<Option<Update>> {
        let sql = format!("SELECT {UPDATE_COLS} FROM item_updates u WHERE u.id = $1");
        on_client!(self, |c| one(&c, &sql, &[&id.to_string()], board_rows::update))
    }

    async fn views(&self, board: BoardId) -> StoreResult<Vec<View>> {
        let sql = format!("SELECT {VIEW_COLS} FROM board_views v WHERE v.board_id = $1 ORDER BY v.created_at, v.id");
        on_client!(self, |c| all(&c, &sql, &[&board.to_string()], board_rows::view))
    }

    async fn view(&self, id: ViewId) -> StoreResult<Option<View>> {
        let sql = format!("SELECT {VIEW_COLS} FROM board_views v WHERE v.id = $1");
        on_client!(self, |c| one(&c, &sql, &[&id.to_string()], board_rows::view))
    }

    async fn idempotency_record(&self, user: UserId, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let sql = "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2";
        on_client!(self, |c| one(&c, sql, &[&user.to_string(), &key], idempotency_record))
    }

    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
        now: Millis,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, response, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
        let status = i64::from(response.status);
        let params: Params<'_> = &[&user.to_string(), &key, &response.request_hash, &status, &response.body, &now];
        on_client!(self, |c| rows::execute(&c, sql, params)).map_err(rows::db_err)?;
        Ok(())
    }

    async fn complete_idempotency_key(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<()> {
        let sql = "UPDATE idempotency_keys SET status = $4, response = $5
                   WHERE user_id = $1 AND idem_key = $2 AND request_hash = $3 AND status IS NULL";
        let status = i64::from(response.status);
        let params: Params<'_> = &[&user.to_string(), &key, &response.request_hash, &status, &response.body];
        on_client!(self, |c| rows::execute(&c, sql, params)).map_err(rows::db_err)?;
        Ok(())
    }

    async fn release_idempotency_key(&self, user: UserId, key: &str, request_hash: &str) -> StoreResult<()> {
        let sql = "DELETE FROM idempotency_keys
                   WHERE user_id = $1 AND idem_key = $2 AND request_hash = $3 AND status IS NULL";
        let params: Params<'_> = &[&user.to_string(), &key, &request_hash];
        on_client!(self, |c| rows::execute(&c, sql, params)).map_err(rows::db_err)?;
        Ok(())
    }
}
