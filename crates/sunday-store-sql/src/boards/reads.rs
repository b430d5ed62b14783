//! `BoardStore` reads, and the idempotency bookkeeping that runs outside commits.
//!
//! Statements whose filter is optional come in variants (with and without it) rather than
//! `$n IS NULL OR …`, so each has a plan that uses its index and binds only parameters it
//! uses (PostgreSQL cannot infer the type of a parameter a statement never mentions). The
//! board listing's optional workspace keeps `$2 IS NULL OR …`, as both stores had it: a
//! listing walks the organization's boards in id order either way.

use sunday_store::{BoardFilter, BoardGrant, IdempotencyRecord, IdempotentResponse, ItemCursor};
use sunday_types::{
    boards::{enum_parse, Board, BoardEvent, BoardPermission, Column, Group, Item, Update, View},
    time::Millis,
    BoardId, ColumnId, GroupId, ItemId, OrgId, UpdateId, UserId, ViewId, WorkspaceId,
};

use super::rows::{self, board_cols, column_cols, event_cols, group_cols, item_cols, update_cols, view_cols};
use crate::{args, query::board_row, stmt, Exec, Query, Stmt, Value};

pub(super) static BOARD: Stmt = stmt!("SELECT ", board_cols!(), " FROM boards b WHERE b.id = $1");

pub fn board(id: BoardId) -> Query<Board, Option<Board>> {
    Query::opt(&BOARD, args![id], rows::board)
}

/// The listing's common part; `$5` is the user a visibility filter names. PostgreSQL needs
/// the cast to type a parameter that is only tested for NULL.
macro_rules! boards_where {
    ($visibility:expr) => {
        stmt!(
            "SELECT ",
            board_cols!(),
            " FROM boards b WHERE b.org_id = $1 AND ({$2|$2::text} IS NULL OR b.workspace_id = $2)
             AND b.parent_board_id IS NULL AND b.id > $3 AND (",
            $visibility,
            ") ORDER BY b.id LIMIT $4"
        )
    };
}
static BOARDS_ALL: Stmt = boards_where!("TRUE");
/// A closed workspace's boards show only to its members (admins and owners list `All`).
macro_rules! in_open_or_own_workspace {
    () => {
        " AND EXISTS (SELECT 1 FROM workspaces w WHERE w.id = b.workspace_id AND (w.kind = 'open'
           OR EXISTS (SELECT 1 FROM workspace_members wm WHERE wm.workspace_id = w.id AND wm.user_id = $5)))"
    };
}
static BOARDS_PUBLIC_OR_MEMBER: Stmt = boards_where!(concat!(
    "(b.kind = 'public' OR EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id AND m.user_id = $5))",
    in_open_or_own_workspace!()
));
static BOARDS_MEMBER: Stmt = boards_where!(concat!(
    "EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id AND m.user_id = $5)",
    in_open_or_own_workspace!()
));

pub fn boards(
    org: OrgId,
    workspace: Option<WorkspaceId>,
    filter: BoardFilter,
    after: Option<BoardId>,
    limit: usize,
) -> Query<Board, Vec<Board>> {
    let after = after.map_or(Value::Str(""), Value::from);
    let mut params = args![org, workspace, after, Value::limit(limit)];
    let stmt = match filter {
        BoardFilter::All => &BOARDS_ALL,
        BoardFilter::PublicOrMemberOf(user) => {
            params.push(user.into());
            &BOARDS_PUBLIC_OR_MEMBER
        }
        BoardFilter::MemberOf(user) => {
            params.push(user.into());
            &BOARDS_MEMBER
        }
    };
    Query::all(stmt, params, rows::board)
}

static BOARD_AND_GRANT: Stmt = stmt!(
    "SELECT ",
    board_cols!(),
    ", (SELECT m.permission FROM board_members m WHERE m.board_id = b.id AND m.user_id = $2),
       w.kind = 'closed',
       EXISTS (SELECT 1 FROM workspace_members wm WHERE wm.workspace_id = b.workspace_id AND wm.user_id = $2)
     FROM boards b JOIN workspaces w ON w.id = b.workspace_id WHERE b.id = $1"
);

/// The board and `user`'s grant on it; a permission this version does not know reads as none.
pub fn board_and_grant(board: BoardId, user: UserId) -> Query<(Board, BoardGrant), Option<(Board, BoardGrant)>> {
    Query::opt(&BOARD_AND_GRANT, args![board, user], |r| {
        let grant = BoardGrant {
            explicit: r.opt_text(rows::BOARD_COLS)?.and_then(enum_parse),
            closed_workspace: r.bool(rows::BOARD_COLS + 1)?,
            workspace_member: r.bool(rows::BOARD_COLS + 2)?,
        };
        Ok((rows::board(r)?, grant))
    })
}

static BOARD_MEMBERS: Stmt =
    stmt!("SELECT user_id, permission FROM board_members WHERE board_id = $1 ORDER BY added_at, user_id");

/// A board member and their permission.
pub type BoardMember = (UserId, BoardPermission);

pub fn board_members(board: BoardId) -> Query<Option<BoardMember>, Vec<BoardMember>> {
    Query::new(&BOARD_MEMBERS, args![board], rows::board_member, |rows| rows.filter_map(Result::transpose).collect())
}

pub(super) static STRUCTURE_VERSION: Stmt = stmt!("SELECT structure_version FROM boards WHERE id = $1");

pub fn structure_version(board: BoardId) -> Query<i64, i64> {
    Query::new(&STRUCTURE_VERSION, args![board], |r| r.int(0), board_row)
}

/// Like a sequence's `nextval`: one statement in autocommit mode, so numbers reserved for a
/// commit that then fails are skipped, never handed out again. Answers the first number.
static RESERVE_AUTO_NUMBERS: Stmt = stmt!(
    "UPDATE boards SET last_auto_number = last_auto_number + $2 WHERE id = $1
     RETURNING last_auto_number - $2 + 1"
);

pub fn reserve_auto_numbers(board: BoardId, n: i64) -> Query<i64, i64> {
    Query::new(&RESERVE_AUTO_NUMBERS, args![board, n], |r| r.int(0), board_row)
}

static COLUMNS: Stmt =
    stmt!("SELECT ", column_cols!(), " FROM board_columns c WHERE c.board_id = $1 ORDER BY c.position, c.id");

pub fn columns(board: BoardId) -> Query<Column, Vec<Column>> {
    Query::all(&COLUMNS, args![board], rows::column)
}

static PAST_LINKS: Stmt = stmt!(
    "SELECT p.column_id, p.linked_board_id FROM column_past_links p WHERE p.board_id = $1
     ORDER BY p.column_id, p.linked_board_id"
);

/// The boards the board's columns once showed cells of.
pub fn past_links(board: BoardId) -> Query<(ColumnId, BoardId), Vec<(ColumnId, BoardId)>> {
    Query::all(&PAST_LINKS, args![board], |r| Ok((r.id(0)?, r.id(1)?)))
}

/// The relation columns that link to the board, by its rows in `relation_targets` (migration
/// 0018), with their boards.
static RELATIONS_TO: Stmt = stmt!(
    "SELECT ",
    column_cols!(),
    ", c.board_id FROM relation_targets t JOIN board_columns c ON c.id = t.column_id
     WHERE t.target_board_id = $1 ORDER BY c.board_id, c.id"
);

pub fn relations_to(board: BoardId) -> Query<(BoardId, Column), Vec<(BoardId, Column)>> {
    Query::all(&RELATIONS_TO, args![board], |r| Ok((r.id(6)?, rows::column(r)?)))
}

static GROUPS: Stmt = stmt!(
    "SELECT ",
    group_cols!(),
    ", EXISTS (SELECT 1 FROM group_collapse x WHERE x.group_id = g.id AND x.user_id = $2)
     FROM board_groups g WHERE g.board_id = $1 ORDER BY g.position, g.id"
);

pub fn groups(board: BoardId, viewer: Option<UserId>) -> Query<Group, Vec<Group>> {
    Query::all(&GROUPS, args![board, viewer], rows::group)
}

pub(super) static ITEM: Stmt = stmt!("SELECT ", item_cols!(), " FROM items i WHERE i.id = $1");

pub fn item(id: ItemId) -> Query<Item, Option<Item>> {
    Query::opt(&ITEM, args![id], rows::item)
}

static ITEM_BOARD: Stmt = stmt!("SELECT board_id FROM items WHERE id = $1");

pub fn item_board(id: ItemId) -> Query<BoardId, Option<BoardId>> {
    Query::opt(&ITEM_BOARD, args![id], |r| r.id(0))
}

static ITEMS_PAGE: Stmt = stmt!(
    "SELECT ",
    item_cols!(),
    " FROM items i WHERE i.board_id = $1 AND i.archived_at IS NULL AND i.parent_item_id IS NULL
     AND (i.position, i.id) > ($2, $3) ORDER BY i.position, i.id LIMIT $4"
);
static ITEMS_PAGE_OF_GROUP: Stmt = stmt!(
    "SELECT ",
    item_cols!(),
    " FROM items i WHERE i.board_id = $1 AND i.group_id = $5 AND i.archived_at IS NULL
     AND i.parent_item_id IS NULL AND (i.position, i.id) > ($2, $3) ORDER BY i.position, i.id LIMIT $4"
);

pub fn items(
    board: BoardId,
    group: Option<GroupId>,
    after: Option<ItemCursor>,
    limit: usize,
) -> Query<Item, Vec<Item>> {
    let (position, id) = after.map_or((Value::Str(""), Value::Str("")), |(p, i)| (p.into(), i.into()));
    let mut params = args![board, position, id, Value::limit(limit)];
    let stmt = match group {
        None => &ITEMS_PAGE,
        Some(group) => {
            params.push(group.into());
            &ITEMS_PAGE_OF_GROUP
        }
    };
    Query::all(stmt, params, rows::item)
}

static ARCHIVED_ITEMS: Stmt = stmt!(
    "SELECT ",
    item_cols!(),
    " FROM items i WHERE i.board_id = $1 AND i.archived_at IS NOT NULL AND i.parent_item_id IS NULL
     AND (i.position, i.id) > ($2, $3) ORDER BY i.position, i.id LIMIT $4"
);

/// A page of the board's archived top-level items by (position, id).
pub fn archived_items(board: BoardId, after: Option<ItemCursor>, limit: usize) -> Query<Item, Vec<Item>> {
    let (position, id) = after.map_or((Value::Str(""), Value::Str("")), |(p, i)| (p.into(), i.into()));
    Query::all(&ARCHIVED_ITEMS, args![board, position, id, Value::limit(limit)], rows::item)
}

static UPDATE_COUNTS: Stmt =
    stmt!("SELECT u.item_id, count(*) FROM item_updates u WHERE u.board_id = $1 GROUP BY u.item_id ORDER BY u.item_id");

/// How many updates each item of the board has (items without any are absent).
pub fn update_counts(board: BoardId) -> Query<(ItemId, i64), Vec<(ItemId, i64)>> {
    Query::all(&UPDATE_COUNTS, args![board], |r| Ok((r.id(0)?, r.int(1)?)))
}

static ALL_ITEMS: Stmt = stmt!(
    "SELECT ",
    item_cols!(),
    " FROM items i WHERE i.board_id = $1 AND i.archived_at IS NULL ORDER BY i.position, i.id"
);

pub fn all_items(board: BoardId) -> Query<Item, Vec<Item>> {
    Query::all(&ALL_ITEMS, args![board], rows::item)
}

static SUBITEMS: Stmt = stmt!(
    "SELECT ",
    item_cols!(),
    " FROM items i WHERE i.parent_item_id = $1 AND i.archived_at IS NULL ORDER BY i.position, i.id"
);

pub fn subitems(parent: ItemId) -> Query<Item, Vec<Item>> {
    Query::all(&SUBITEMS, args![parent], rows::item)
}

static SUBTREE: Stmt = stmt!(
    "WITH RECURSIVE tree(id) AS (SELECT id FROM items WHERE parent_item_id = $1
     UNION ALL SELECT c.id FROM items c JOIN tree t ON c.parent_item_id = t.id) SELECT ",
    item_cols!(),
    " FROM items i WHERE i.id IN (SELECT id FROM tree) ORDER BY i.board_id, i.position, i.id"
);

pub fn subtree(root: ItemId) -> Query<Item, Vec<Item>> {
    Query::all(&SUBTREE, args![root], rows::item)
}

static BOARD_LAST_SEQ: Stmt = stmt!("SELECT last_seq FROM boards WHERE id = $1");

/// The seq of the board's last committed event (`None`: the board is not there).
pub fn board_last_seq(board: BoardId) -> Query<i64, Option<i64>> {
    Query::opt(&BOARD_LAST_SEQ, args![board], |r| r.int(0))
}

static EVENTS_AFTER: Stmt = stmt!(
    "SELECT ",
    event_cols!(),
    " FROM board_events e WHERE e.board_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
);

pub fn events_after(board: BoardId, after: i64, limit: usize) -> Query<BoardEvent, Vec<BoardEvent>> {
    Query::all(&EVENTS_AFTER, args![board, after, Value::limit(limit)], rows::event)
}

static SEQ_BEFORE: Stmt =
    stmt!("SELECT coalesce(max(seq), 0) FROM board_events WHERE board_id = $1 AND created_at < $2");

/// The last `seq` of the board's events from before `at` (0 when none).
pub fn seq_before(board: BoardId, at: i64) -> Query<i64, Option<i64>> {
    Query::opt(&SEQ_BEFORE, args![board, at], |r| r.int(0))
}

static EVENTS_BEFORE: Stmt = stmt!(
    "SELECT ",
    event_cols!(),
    " FROM board_events e WHERE e.board_id = $1 AND e.seq < $2 ORDER BY e.seq DESC LIMIT $3"
);
static EVENTS_BEFORE_OF_ITEM: Stmt = stmt!(
    "SELECT ",
    event_cols!(),
    " FROM board_events e WHERE e.item_id = $4 AND e.board_id = $1 AND e.seq < $2 ORDER BY e.seq DESC LIMIT $3"
);

pub fn events_before(
    board: BoardId,
    item: Option<ItemId>,
    before: Option<i64>,
    limit: usize,
) -> Query<BoardEvent, Vec<BoardEvent>> {
    let mut params = args![board, before.unwrap_or(i64::MAX), Value::limit(limit)];
    let stmt = match item {
        None => &EVENTS_BEFORE,
        Some(item) => {
            params.push(item.into());
            &EVENTS_BEFORE_OF_ITEM
        }
    };
    Query::all(stmt, params, rows::event)
}

static UPDATES: Stmt =
    stmt!("SELECT ", update_cols!(), " FROM item_updates u WHERE u.item_id = $1 ORDER BY u.created_at, u.id");

pub fn updates(item: ItemId) -> Query<Update, Vec<Update>> {
    Query::all(&UPDATES, args![item], rows::update)
}

static UPDATE: Stmt = stmt!("SELECT ", update_cols!(), " FROM item_updates u WHERE u.id = $1");

pub fn update(id: UpdateId) -> Query<Update, Option<Update>> {
    Query::opt(&UPDATE, args![id], rows::update)
}

static VIEWS: Stmt =
    stmt!("SELECT ", view_cols!(), " FROM board_views v WHERE v.board_id = $1 ORDER BY v.created_at, v.id");

pub fn views(board: BoardId) -> Query<View, Vec<View>> {
    Query::all(&VIEWS, args![board], rows::view)
}

pub(super) static VIEW: Stmt = stmt!("SELECT ", view_cols!(), " FROM board_views v WHERE v.id = $1");

pub fn view(id: ViewId) -> Query<View, Option<View>> {
    Query::opt(&VIEW, args![id], rows::view)
}

static IDEMPOTENCY_RECORD: Stmt =
    stmt!("SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2");

pub fn idempotency_record(user: UserId, key: &str) -> Query<IdempotencyRecord, Option<IdempotencyRecord>> {
    Query::opt(&IDEMPOTENCY_RECORD, args![user, key.to_owned()], rows::idempotency_record)
}

static SAVE_IDEMPOTENT_RESPONSE: Stmt = stmt!(
    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, response, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
);

/// Whatever the key already holds wins.
pub fn save_idempotent_response(user: UserId, key: &str, response: &IdempotentResponse, now: Millis) -> Exec {
    let params = args![user, key.to_owned(), &response.request_hash, response.status, &response.body, now];
    Exec::new(&SAVE_IDEMPOTENT_RESPONSE, params)
}

static COMPLETE_IDEMPOTENCY_KEY: Stmt = stmt!(
    "UPDATE idempotency_keys SET status = $4, response = $5
     WHERE user_id = $1 AND idem_key = $2 AND request_hash = $3 AND status IS NULL"
);

pub fn complete_idempotency_key(user: UserId, key: &str, response: &IdempotentResponse) -> Exec {
    let params = args![user, key.to_owned(), &response.request_hash, response.status, &response.body];
    Exec::new(&COMPLETE_IDEMPOTENCY_KEY, params)
}

static RELEASE_IDEMPOTENCY_KEY: Stmt =
    stmt!("DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND request_hash = $3 AND status IS NULL");

pub fn release_idempotency_key(user: UserId, key: &str, request_hash: &str) -> Exec {
    Exec::new(&RELEASE_IDEMPOTENCY_KEY, args![user, key.to_owned(), request_hash.to_owned()])
}
