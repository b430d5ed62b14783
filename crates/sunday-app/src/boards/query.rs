//! `POST /boards/{id}/items/query` and the activity logs.

use chrono::Utc;
use chrono_tz::Tz;
use sunday_domain::filter::{parse_filter, parse_sort, parse_tz, EvalContext};
use sunday_engine::{GroupBy, Query};
use sunday_types::{
    board_api::{ActivityPage, GroupCountDto, QueryRequest, QueryResponse, SplitCountDto},
    boards::Column,
    ApiError, BoardId, ErrorCode, ItemId,
};

use super::{BoardService, Redaction};
use crate::Actor;

impl BoardService {
    /// Filters, sorts, counts and pages a board's items through the board engine.
    #[tracing::instrument(skip_all, fields(board_id = %board))]
    pub async fn query_items(
        &self,
        actor: &Actor,
        board: BoardId,
        req: QueryRequest,
    ) -> Result<QueryResponse, ApiError> {
        self.run_query(actor, board, |columns, redaction| parse_query(req, columns, redaction)).await
    }

    /// Runs the query `build` makes from the board's columns and what the caller may not read
    /// of them, as the caller: their access to the board, their redaction of its cells, and a
    /// `forbidden` when the query filters, sorts or groups by a column kept from them.
    pub(super) async fn run_query(
        &self,
        actor: &Actor,
        board: BoardId,
        build: impl FnOnce(&[Column], &Redaction) -> Result<(Query, Tz), ApiError>,
    ) -> Result<QueryResponse, ApiError> {
        let access = self.access(actor, board).await?;
        let (_, board_columns) = self.columns.get(self.store.as_ref(), board).await?;
        self.keep_current(board, &board_columns);
        let redaction = self.redaction(actor, &board_columns.columns).await?;
        let (query, tz) = build(&board_columns.columns, &redaction)?;
        if redaction.withheld().any(|c| query.reads(c)) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "this column shows items of a board you cannot see; it cannot filter, sort or group",
            ));
        }
        let ctx = EvalContext { now: Utc::now(), tz, user: Some(actor.user_id) };
        let result =
            self.engine.read(board, access.board.last_seq, |s| sunday_engine::query::run(s, &query, &ctx)).await??;
        Ok(QueryResponse {
            data: self.redact_encoded(&redaction, result.items).await?,
            next_cursor: result.next_cursor,
            total: result.total,
            groups: result
                .groups
                .into_iter()
                .map(|g| GroupCountDto {
                    key: g.key,
                    count: g.count,
                    footers: g.footers,
                    splits: g
                        .splits
                        .into_iter()
                        .map(|s| SplitCountDto { key: s.key, count: s.count, footers: s.footers })
                        .collect(),
                })
                .collect(),
        })
    }

    /// A board's change log, newest first; `item` narrows it to one item.
    pub async fn activity(
        &self,
        actor: &Actor,
        board: BoardId,
        item: Option<ItemId>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ActivityPage, ApiError> {
        let access = self.access(actor, board).await?;
        let limit = crate::cursor::limit(limit)?;
        let before: Option<i64> = crate::cursor::decode(cursor)?;
        let mut events = self.store.events_before(board, item, before, limit + 1).await?;
        let next_cursor = if events.len() > limit {
            events.truncate(limit);
            events.last().map(|e| crate::cursor::encode(e.seq))
        } else {
            None
        };
        // Relations to boards the reader cannot see leave no trace here either.
        let redaction = self.redaction_in_log(actor, access.board.id).await?;
        self.redact_events(&redaction, &mut events).await?;
        Ok(ActivityPage { data: events, next_cursor })
    }

    pub async fn item_activity(
        &self,
        actor: &Actor,
        item: ItemId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ActivityPage, ApiError> {
        let it = self.store.item(item).await?.ok_or_else(|| ApiError::of(ErrorCode::ItemNotFound))?;
        self.activity(actor, it.board_id, Some(item), cursor, limit).await.map_err(|e| {
            if e.code == ErrorCode::BoardNotFound {
                ApiError::of(ErrorCode::ItemNotFound)
            } else {
                e
            }
        })
    }
}

/// The engine's query (and its time zone) for a request on a board with `columns`; the
/// footers are those of the columns the reader may see.
fn parse_query(req: QueryRequest, columns: &[Column], redaction: &Redaction) -> Result<(Query, Tz), ApiError> {
    let filter = req.filter.as_ref().filter(|f| !f.is_null()).map(|f| parse_filter(f, columns)).transpose()?;
    let sort = match req.sort.as_ref().filter(|s| !s.is_null()) {
        Some(s) => parse_sort(s, columns)?,
        None => vec![],
    };
    let group_by = req.group_by.as_deref().map(|by| grouping("group_by", by, columns)).transpose()?;
    let split_by = match (req.split_by.as_deref(), &group_by) {
        (Some(_), None) => {
            return Err(ApiError::validation("split_by", "requires_group_by", "`split_by` needs a `group_by`"))
        }
        (by, _) => by.map(|by| grouping("split_by", by, columns)).transpose()?,
    };
    let footers = match (req.footers, &group_by) {
        (Some(true), None) => {
            return Err(ApiError::validation("footers", "requires_group_by", "`footers` needs a `group_by`"))
        }
        (Some(true), Some(_)) => columns
            .iter()
            .filter(|c| sunday_engine::has_footer(c) && !redaction.withheld().any(|w| w == c.id))
            .cloned()
            .collect(),
        _ => vec![],
    };
    let limit = crate::cursor::limit(req.limit)?;
    let tz = parse_tz(req.tz.as_deref())?;
    Ok((Query { filter, sort, group_by, split_by, footers, limit, cursor: req.cursor }, tz))
}

/// What `field` (`group_by` or `split_by`) names: `group` or one of the board's columns.
fn grouping(field: &str, by: &str, columns: &[Column]) -> Result<GroupBy, ApiError> {
    if by == "group" {
        return Ok(GroupBy::Group);
    }
    columns.iter().find(|c| c.id.to_string() == by).cloned().map(GroupBy::Column).ok_or_else(|| {
        ApiError::validation(field, "unknown_column", format!("`{field}` is `group` or a column id; no column `{by}`"))
    })
}
