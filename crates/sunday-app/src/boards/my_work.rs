//! My Work: the items assigned to the caller across the boards of their organization they may
//! see, each board asked through the same query as its table (so its permissions and hidden
//! columns apply, and the answer comes from the board engine).

use serde_json::{json, Value};
use sunday_types::{
    board_api::{MyWork, MyWorkBoard, QueryRequest},
    boards::ColumnType,
    ApiError, ErrorCode, OrgId,
};

use super::BoardService;
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
            let people: Vec<Value> = columns
                .iter()
                .filter(|c| c.column_type == ColumnType::People)
                .map(|c| json!({"column": c.id.to_string(), "op": "any_of", "value": ["me"]}))
                .collect();
            if people.is_empty() {
                continue;
            }
            let filter = json!({ "or": people });
            let room = MAX_ITEMS - out.items.len();
            if room == 0 {
                // Full: a board with one more item of mine is all `truncated` needs to know.
                let req = QueryRequest { filter: Some(filter), limit: Some(1), ..QueryRequest::default() };
                if !self.query_items(actor, board.id, req).await?.data.is_empty() {
                    out.truncated = true;
                    break;
                }
                continue;
            }
            let mut found = Vec::new();
            let mut cursor = None;
            loop {
                let req = QueryRequest {
                    filter: Some(filter.clone()),
                    limit: Some(PAGE),
                    cursor: cursor.take(),
                    ..QueryRequest::default()
                };
                let page = self.query_items(actor, board.id, req).await?;
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
