//! My Work: the items assigned to the caller across the boards of their organization they may
//! see, each board asked through the same query as its table (so its permissions and hidden
//! columns apply, and the answer comes from the board engine).

use chrono_tz::Tz;
use sunday_domain::filter::{Condition, Field, Filter, Op, Operand, UserRef};
use sunday_engine::Query;
use sunday_types::{
    board_api::{MyWork, MyWorkBoard},
    boards::{Column, ColumnType},
    ApiError, ErrorCode, OrgId,
};

use super::{BoardService, Redaction};
use crate::Actor;

/// The most items My Work lists.
const MAX_ITEMS: usize = 2_000;
/// Boards read a page at a time.
const PAGE: u32 = 500;

impl BoardService {
    /// The caller's items in `org` (their first organization when `None`).
    pub async fn my_work(&self, actor: &Actor, org: Option<OrgId>) -> Result<MyWork, ApiError> {
        let (org, role) = match org {
            Some(org) => {
                let role = self.directory.role_in(org, actor.user_id).await?;
                (org, role.ok_or_else(|| ApiError::of(ErrorCode::OrgNotFound))?)
            }
            None => {
                self.directory.first_org(actor.user_id).await?.ok_or_else(|| ApiError::of(ErrorCode::OrgNotFound))?
            }
        };
        let mut boards = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.boards_page(actor, org, role, None, after.as_deref(), Some(PAGE)).await?;
            boards.extend(page.data);
            match page.next_cursor {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        let mut out = MyWork { boards: Vec::new(), items: Vec::new(), truncated: false };
        for board in boards {
            // From the columns cache the board's query reads too, so each board's columns are
            // read from the store at most once.
            let (_, cached) = self.columns.get(self.store.as_ref(), board.id).await?;
            let columns = &cached.columns;
            let Some(filter) = assigned_to_me(columns) else {
                continue;
            };
            let page = |limit: usize, cursor: Option<String>| {
                let query = Query { filter: Some(filter.clone()), limit, cursor, ..Query::default() };
                // Relative dates play no part: the time zone is any.
                move |_: &[Column], _: &Redaction| Ok((query, Tz::UTC))
            };
            let room = MAX_ITEMS - out.items.len();
            if room == 0 {
                // Full: a board with one more item of mine is all `truncated` needs to know.
                if !self.run_query(actor, board.id, page(1, None)).await?.data.is_empty() {
                    out.truncated = true;
                    break;
                }
                continue;
            }
            let mut found = Vec::new();
            let mut cursor = None;
            loop {
                let page = self.run_query(actor, board.id, page(PAGE as usize, cursor.take())).await?;
                found.extend(page.data);
                if found.len() >= room || page.next_cursor.is_none() {
                    out.truncated |= page.next_cursor.is_some() || found.len() > room;
                    break;
                }
                cursor = page.next_cursor;
            }
            if found.is_empty() {
                continue;
            }
            found.truncate(room);
            out.items.extend(found);
            let first = |t: ColumnType| columns.iter().find(|c| c.column_type == t).map(|c| c.id);
            out.boards.push(MyWorkBoard {
                id: board.id,
                name: board.name.clone(),
                date_column_id: first(ColumnType::Date).or_else(|| first(ColumnType::Timeline)),
                status_column_id: first(ColumnType::Status),
                columns: columns.clone(),
            });
        }
        Ok(out)
    }
}

/// Items with the caller in any of the board's people columns; `None` on a board without one.
fn assigned_to_me(columns: &[Column]) -> Option<Filter> {
    let people: Vec<Filter> = columns
        .iter()
        .filter(|c| c.column_type == ColumnType::People)
        .map(|c| {
            Filter::Cond(Condition {
                column: Field::Column(c.clone()),
                op: Op::AnyOf,
                operand: Operand::Users(vec![UserRef::Me]),
            })
        })
        .collect();
    (!people.is_empty()).then_some(Filter::Or(people))
}
