//! A board's secret links (iCal feeds, inbound webhooks): found by the hash of their token.

use sunday_store::{StoreError, StoreResult};
use sunday_types::{
    links::{BoardLink, InboundMapping, LinkKind},
    BoardId, ErrorCode, LinkId,
};

use crate::{args, stmt, Plan, Query, Refusal, SqlRow, Step, Stmt, Value};

macro_rules! link_cols {
    () => {
        "l.id, l.board_id, l.kind, l.name, l.mapping, l.created_by, l.created_at"
    };
}

fn link(r: &dyn SqlRow) -> StoreResult<BoardLink> {
    let mapping: Option<InboundMapping> = match r.opt_text(4)? {
        Some(json) => Some(serde_json::from_str(json).map_err(StoreError::internal)?),
        None => None,
    };
    let kind: LinkKind = r.named(2, "link kind")?;
    Ok(BoardLink {
        id: r.id(0)?,
        board_id: r.id(1)?,
        kind,
        name: r.string(3)?,
        mapping,
        created_by: r.id(5)?,
        created_at: r.time(6)?,
    })
}

static LINKS: Stmt =
    stmt!("SELECT ", link_cols!(), " FROM board_links l WHERE l.board_id = $1 ORDER BY l.created_at, l.id");
static LINK: Stmt = stmt!("SELECT ", link_cols!(), " FROM board_links l WHERE l.id = $1");
static BY_TOKEN: Stmt = stmt!("SELECT ", link_cols!(), " FROM board_links l WHERE l.token_hash = $1");
static INSERT: Stmt = stmt!(
    "INSERT INTO board_links (id, board_id, kind, name, token_hash, mapping, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
);
static DELETE: Stmt = stmt!("DELETE FROM board_links WHERE id = $1 AND board_id = $2");

pub fn links(board: BoardId) -> Query<BoardLink, Vec<BoardLink>> {
    Query::all(&LINKS, args![board], link)
}

pub fn link_by_id(id: LinkId) -> Query<BoardLink, Option<BoardLink>> {
    Query::opt(&LINK, args![id], link)
}

pub fn link_by_token(token_hash: &str) -> Query<BoardLink, Option<BoardLink>> {
    Query::opt(&BY_TOKEN, args![token_hash.to_owned()], link)
}

pub fn insert(plan: &mut Plan, l: &BoardLink, token_hash: &str) -> StoreResult<()> {
    let mapping = match &l.mapping {
        Some(m) => Value::json(m)?,
        None => Value::from(None::<String>),
    };
    let params = args![
        l.id,
        l.board_id,
        l.kind.as_str(),
        l.name.clone(),
        token_hash.to_owned(),
        mapping,
        l.created_by,
        l.created_at.timestamp_millis()
    ];
    plan.push(Step::new(&INSERT, params));
    Ok(())
}

pub fn delete(plan: &mut Plan, id: LinkId, board: BoardId) {
    plan.push(Step::changes(&DELETE, args![id, board], Refusal::rejected(ErrorCode::LinkNotFound)));
}
