//! Items: create (one, many, duplicates, subitems), read, change with per-column merge or a
//! strict version, move, archive, restore and delete.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Map, Value};
use sunday_domain::{
    columns::{check_row_size, is_written, normalize_value, ValueContext},
    text::parse_name,
};
use sunday_store::{BoardWrite, NewEvent, StoreError};
use sunday_types::events::*;
use sunday_types::{
    board_api::{CreateItemRequest, Placement, UpdateCount, UpdateItemRequest},
    boards::{Board, Column, ColumnType, EncodedItem, Group, Item},
    cells::{CellValue, ItemValues},
    dto::Page,
    time::{now_millis, to_datetime},
    ApiError, BoardId, ColumnId, ErrorCode, ErrorDetails, GroupId, ItemId, UserId,
};

use super::edits::{apply_changes, now_date, Changes};
use super::{columns_cache::BoardColumns, placement, Access, BoardService, ITEM_EDIT_RETRIES, MERGE_RETRIES};
use crate::Actor;

/// The most items one bulk request may create.
pub const BULK_LIMIT: usize = 1000;

pub(super) fn item_not_found() -> ApiError {
    ApiError::of(ErrorCode::ItemNotFound)
}

fn unknown_column(field: &str, id: &str) -> ApiError {
    ApiError::new(ErrorCode::ValidationFailed, format!("no column `{id}` on this board"))
        .with_details(ErrorDetails::rule(field, "unknown_column").column(id))
}

impl BoardService {
    /// Validates and normalizes values against the board's columns. `None` in the result
    /// clears the column. People must belong to the board's organization.
    pub(crate) async fn normalize_values(
        &self,
        board: &Board,
        columns: &[Column],
        values: &Map<String, Value>,
    ) -> Result<Vec<(ColumnId, Option<CellValue>)>, ApiError> {
        // Each key is parsed once (not each column's id formatted for every key): a bulk create
        // runs this for every item.
        let column = |id: &str| {
            let parsed = id.parse::<ColumnId>().ok();
            columns.iter().find(|c| Some(c.id) == parsed).ok_or_else(|| unknown_column("values", id))
        };
        let cells = values.iter().map(|(id, raw)| Ok((id, column(id)?, raw))).collect::<Result<Vec<_>, ApiError>>()?;
        let mut people = HashSet::new();
        for &(_, col, raw) in &cells {
            if col.column_type == ColumnType::People {
                if let Value::Array(ids) = raw {
                    people.extend(ids.iter().filter_map(|v| v.as_str()).filter_map(|s| s.parse::<UserId>().ok()));
                }
            }
        }
        let mut members = HashSet::new();
        for user in people {
            if self.directory.role_in(board.org_id, user).await?.is_some() {
                members.insert(user);
            }
        }
        let is_org_member = |u: &UserId| members.contains(u);
        let ctx = ValueContext { is_org_member: &is_org_member };
        let mut out = Vec::with_capacity(cells.len());
        for (id, col, raw) in cells {
            let value = normalize_value(col, raw, &ctx).map_err(|mut e| {
                // Every validation error names its field (the error table's promise).
                if let Some(d) = e.details.as_mut() {
                    d.field.get_or_insert_with(|| format!("values.{id}"));
                }
                e
            })?;
            out.push((col.id, value));
        }
        Ok(out)
    }

    async fn group_of(&self, board: BoardId, group: Option<GroupId>) -> Result<GroupId, ApiError> {
        pick_group(&self.store.groups(board, None).await?, group)
    }

    /// Builds new items (validated, positioned, numbered) without writing them, with the
    /// board structure version they were checked against (read before the columns).
    pub(super) async fn build_items_for(
        &self,
        actor: &Actor,
        access: &Access,
        reqs: &[CreateItemRequest],
        parent: Option<ItemId>,
    ) -> Result<(i64, Vec<Item>), ApiError> {
        let board = &access.board;
        let (structure_version, structure) = self.columns.get(self.store.as_ref(), board.id).await?;
        let columns = &structure.columns;
        let groups = self.store.groups(board.id, None).await?;
        let first_number = self.store.reserve_auto_numbers(board.id, reqs.len() as i64).await?;
        let now = to_datetime(now_millis());
        // Errors of the items after the first name their index.
        let in_batch = |e: ApiError, i: usize| if i == 0 { e } else { annotate(e, i) };
        let mut checked = Vec::with_capacity(reqs.len());
        let no_values = Map::new();
        for (i, req) in reqs.iter().enumerate() {
            let name = parse_name("name", &req.name, 500).map_err(|e| in_batch(e, i))?;
            let group_id = pick_group(&groups, req.group_id).map_err(|e| in_batch(e, i))?;
            let values = self
                .normalize_values(board, columns, req.values.as_ref().unwrap_or(&no_values))
                .await
                .map_err(|e| in_batch(e, i))?;
            self.check_dependencies(access, columns, None, &values).await.map_err(|e| in_batch(e, i))?;
            self.check_relations(actor, columns, &values).await.map_err(|e| in_batch(e, i))?;
            self.check_file_cells(actor, board.org_id, columns, &values).await.map_err(|e| in_batch(e, i))?;
            let values: ItemValues = values.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
            check_row_size(&values).map_err(|e| in_batch(e, i))?;
            checked.push((ItemId::new(), name, group_id, values, req.position.as_ref()));
        }
        // One pass over the board's ordered siblings places the whole run.
        let positions = self
            .engine
            .read(board.id, board.last_seq, |s| {
                let mut placer = placement::Placer::new(s, parent);
                checked
                    .iter()
                    .enumerate()
                    .map(|(i, (id, _, group, _, placement))| {
                        placer.place(*id, *group, *placement).map_err(|e| in_batch(e, i))
                    })
                    .collect::<Result<Vec<String>, ApiError>>()
            })
            .await??;
        let today = now.date_naive();
        let items = checked
            .into_iter()
            .zip(positions)
            .enumerate()
            .map(|(i, ((id, name, group_id, values, _), position))| {
                let mut item = Item {
                    id,
                    board_id: board.id,
                    group_id,
                    name,
                    position,
                    values,
                    version: 1,
                    created_by: actor.user_id,
                    created_at: now,
                    updated_at: now,
                    parent_item_id: parent,
                    archived: false,
                    auto_number: first_number + i as i64,
                };
                // Formulas are computed in the same commit as the values they read.
                structure.formulas.apply(&mut item, today);
                item
            })
            .collect();
        Ok((structure_version, items))
    }

    /// Builds and inserts new items in one commit that requires the board structure they were
    /// checked against; when a column or group changed in between, they are checked again.
    pub(super) async fn create_checked(
        &self,
        actor: &Actor,
        access: &Access,
        reqs: Vec<CreateItemRequest>,
        parent: Option<ItemId>,
        duplicated_from: Option<ItemId>,
    ) -> Result<Vec<Item>, ApiError> {
        for _ in 0..MERGE_RETRIES {
            let (version, items) = self.build_items_for(actor, access, &reqs, parent).await?;
            match self.insert_items(actor, access.board.id, version, &items, duplicated_from).await {
                Ok(()) => return Ok(items),
                Err(StoreError::StructureChanged) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the board's columns kept changing under this write; retry"))
    }

    async fn insert_items(
        &self,
        actor: &Actor,
        board: BoardId,
        structure_version: i64,
        items: &[Item],
        duplicated_from: Option<ItemId>,
    ) -> Result<(), StoreError> {
        let mut writes = vec![BoardWrite::ExpectStructure { board, version: structure_version }];
        writes.extend(items.iter().cloned().map(BoardWrite::InsertItem));
        let events = items
            .iter()
            .map(|i| {
                NewEvent::new(
                    actor.user_id,
                    BoardChange::ItemCreated(ItemCreated {
                        item: i.clone(),
                        imported: false,
                        duplicated_from,
                        moved_from: None,
                    }),
                )
            })
            .collect();
        self.try_commit(board, writes, events).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(board_id = %board))]
    pub async fn create_item(&self, actor: &Actor, board: BoardId, req: CreateItemRequest) -> Result<Item, ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_content()?;
        let mut items = self.create_checked(actor, &access, vec![req], None, None).await?;
        items.pop().ok_or_else(|| ApiError::internal("no item built"))
    }

    /// Creates up to [`BULK_LIMIT`] items in one transaction; one invalid item rejects all.
    pub async fn create_items(
        &self,
        actor: &Actor,
        board: BoardId,
        reqs: Vec<CreateItemRequest>,
    ) -> Result<Vec<Item>, ApiError> {
        if reqs.is_empty() || reqs.len() > BULK_LIMIT {
            return Err(ApiError::validation("items", "count", format!("send between 1 and {BULK_LIMIT} items")));
        }
        let access = self.access_for_write(actor, board).await?;
        access.require_content()?;
        self.create_checked(actor, &access, reqs, None, None).await
    }

    /// The item as the API sends it: from the board engine's kept JSON when its board is
    /// loaded (caught up to the caller's own writes), otherwise from the store (archived
    /// items, boards not in memory).
    pub async fn get_item_encoded(&self, actor: &Actor, id: ItemId) -> Result<EncodedItem, ApiError> {
        if let Some(board) = self.loaded_board_of(id).await? {
            let access = self.access(actor, board).await.map_err(|_| item_not_found())?;
            if let Some(item) = self.engine.read(board, access.board.last_seq, |s| s.encoded(id)).await? {
                let r = self.redaction_on_board(actor, &access.board).await?;
                let mut shown = self.redact_encoded(&r, vec![item]).await?;
                return shown.pop().ok_or_else(item_not_found);
            }
        }
        Ok(EncodedItem::new(&self.get_item(actor, id).await?))
    }

    /// The live item and write access to its board: the item from the board engine when its
    /// board is loaded (caught up to the board's log position read by the access check, so
    /// as fresh as a store read), otherwise from the store. A stale copy cannot slip through:
    /// the write requires the item's version.
    async fn item_for_write(&self, actor: &Actor, id: ItemId) -> Result<(Item, Access), ApiError> {
        let write_access = |board| async move {
            self.access_for_write(actor, board).await.map_err(|e| {
                if e.code == ErrorCode::BoardNotFound {
                    item_not_found()
                } else {
                    e
                }
            })
        };
        if let Some(board) = self.loaded_board_of(id).await? {
            let access = write_access(board).await?;
            if let Some(item) = self.engine.read(board, access.board.last_seq, |s| s.item(id).cloned()).await? {
                return Ok((item, access));
            }
        }
        let item = self.store.item(id).await?.ok_or_else(item_not_found)?;
        let access = write_access(item.board_id).await?;
        Ok((item, access))
    }

    pub async fn get_item(&self, actor: &Actor, id: ItemId) -> Result<Item, ApiError> {
        let item = self.store.item(id).await?.ok_or_else(item_not_found)?;
        let access = self.access(actor, item.board_id).await.map_err(|_| item_not_found())?;
        let r = self.redaction_on_board(actor, &access.board).await?;
        let item = self.redact_one(&r, item).await?;
        Ok(item)
    }

    pub async fn list_items(
        &self,
        actor: &Actor,
        board: BoardId,
        group: Option<GroupId>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<EncodedItem>, ApiError> {
        let access = self.access(actor, board).await?;
        let limit = crate::cursor::limit(limit)?;
        let after = parse_item_cursor(cursor)?;
        // Served from the board engine, caught up to the log position read with the access
        // check (so the caller reads its own writes), as each item's JSON encoded once.
        let (data, next_cursor) = self
            .engine
            .read(board, access.board.last_seq, |s| {
                let mut rows = s.page_encoded(group, after.as_ref(), limit + 1);
                let more = rows.len() > limit;
                rows.truncate(limit);
                let next = rows.last().filter(|_| more).map(|((p, id), _)| crate::cursor::encode(format!("{p}|{id}")));
                (rows.into_iter().map(|(_, item)| item).collect::<Vec<EncodedItem>>(), next)
            })
            .await?;
        let r = self.redaction_on_board(actor, &access.board).await?;
        Ok(Page { data: self.redact_encoded(&r, data).await?, next_cursor })
    }

    /// A page of the board's archived top-level items, in board order (the archive screen,
    /// from which they are restored).
    pub async fn list_archived_items(
        &self,
        actor: &Actor,
        board: BoardId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<Item>, ApiError> {
        let access = self.access(actor, board).await?;
        let limit = crate::cursor::limit(limit)?;
        let after = parse_item_cursor(cursor)?.map(|(p, id)| (p.into_string(), id));
        let mut rows = self.store.archived_items(board, after, limit + 1).await?;
        let r = self.redaction_on_board(actor, &access.board).await?;
        self.redact_all(&r, &mut rows).await?;
        let (data, next_cursor) = crate::cursor::page(rows, limit, |i| format!("{}|{}", i.position, i.id));
        Ok(Page { data, next_cursor })
    }

    /// How many updates each item of the board has (items without updates are left out),
    /// for the update bubble on every row.
    pub async fn update_counts(&self, actor: &Actor, board: BoardId) -> Result<Page<UpdateCount>, ApiError> {
        self.access(actor, board).await?;
        let counts = self.store.update_counts(board).await?;
        Ok(Page::whole(counts.into_iter().map(|(item_id, count)| UpdateCount { item_id, count }).collect()))
    }

    /// Changes name, values, group or position. Values merge per column: only the columns
    /// named change, so concurrent edits to different columns both survive. With
    /// `expected_version` (or `If-Match`) the write is strict and a concurrent change is a
    /// `409 version_conflict` carrying the current item.
    #[tracing::instrument(skip_all, fields(item_id = %id))]
    pub async fn update_item(
        &self,
        actor: &Actor,
        id: ItemId,
        req: UpdateItemRequest,
        if_match: Option<i64>,
    ) -> Result<Item, ApiError> {
        match self.write_item(actor, id, req, if_match).await {
            Ok((item, structure)) => self.shown_with(actor, item, &structure.columns).await,
            Err(e) => Err(self.shown_error(actor, e).await),
        }
    }

    async fn write_item(
        &self,
        actor: &Actor,
        id: ItemId,
        req: UpdateItemRequest,
        if_match: Option<i64>,
    ) -> Result<(Item, Arc<BoardColumns>), ApiError> {
        let expected = crate::workspaces::expected_version(if_match, req.expected_version)?;
        let (first, access) = self.item_for_write(actor, id).await?;
        access.require_content()?;
        let name = req.name.as_deref().map(|n| parse_name("name", n, 500)).transpose()?;
        let mut checked = self.check_item_change(actor, &access, id, &req, false).await?;
        let (_turn, waited) = self.item_writes.lock(id).await;
        // After waiting for its turn, read again: the writers before it changed the item.
        let mut current = if waited { self.store.item(id).await?.ok_or_else(item_not_found)? } else { first };
        for attempt in 0..ITEM_EDIT_RETRIES {
            if let Some(v) = expected {
                if v != current.version {
                    return Err(conflict(&current));
                }
            }
            let position = match &req.position {
                Some(p) => {
                    let target = checked.group.unwrap_or(current.group_id);
                    let parent = current.parent_item_id;
                    let placed = self
                        .engine
                        .read(current.board_id, access.board.last_seq, |s| {
                            placement::Placer::new(s, parent).position(target, Some(p))
                        })
                        .await?;
                    Some(placed?)
                }
                None => None,
            };
            // A relation the actor sees in part keeps the links they cannot see.
            let mut written = checked.values.clone();
            self.keep_unseen_links(actor, &checked.structure.columns, &current, &mut written).await?;
            let edit = |values: &[(ColumnId, Option<CellValue>)]| {
                apply_changes(
                    actor.user_id,
                    &current,
                    Changes { name: name.as_deref(), values, group: checked.group, position: position.clone() },
                    &checked.structure.formulas,
                )
            };
            let (mut next, mut event) = edit(&written);
            // Dates moved through dependencies go in the same commit, each an item change.
            let structure = &checked.structure;
            let moves = self
                .dependent_moves(actor.user_id, &access, &structure.columns, &structure.formulas, &current, &next)
                .await?;
            if let Some((column, value)) = moves.own {
                let mut values: Vec<_> = written.iter().filter(|(c, _)| *c != column).cloned().collect();
                values.push((column, Some(value)));
                (next, event) = edit(&values);
            }
            check_row_size(&next.values)?;
            let Some(event) = event else { return Ok((current, checked.structure)) };
            let mut writes = vec![
                BoardWrite::ExpectStructure { board: current.board_id, version: checked.structure_version },
                BoardWrite::update(&current, next.clone()),
            ];
            writes.extend(moves.writes);
            let mut events = vec![event];
            events.extend(moves.events);
            match self.try_commit(current.board_id, writes, events).await {
                Ok(_) => return Ok((next, checked.structure)),
                Err(StoreError::VersionConflict(_)) => {
                    super::after_lost_race(attempt).await;
                    current = self.store.item(id).await?.ok_or_else(item_not_found)?;
                }
                // A column or group changed since the check (a type change may have rewritten
                // this item too): check the request again against the board as it is now.
                Err(StoreError::StructureChanged) => {
                    current = self.store.item(id).await?.ok_or_else(item_not_found)?;
                    checked = self.check_item_change(actor, &access, id, &req, true).await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the item kept changing under this write; retry"))
    }

    /// Validates the values and group of an item change against the board's structure, read
    /// after its version so the commit can require that version (`ExpectStructure`): the
    /// version in the board row the access check read (`fresh: false`: no query of its own
    /// when the columns are kept), or read again (`fresh`, after the structure moved on).
    async fn check_item_change(
        &self,
        actor: &Actor,
        access: &Access,
        item: ItemId,
        req: &UpdateItemRequest,
        fresh: bool,
    ) -> Result<CheckedChange, ApiError> {
        let board = access.board.id;
        let (structure_version, structure) = if fresh {
            self.columns.get(self.store.as_ref(), board).await?
        } else {
            self.columns.get_at(self.store.as_ref(), board, access.board.structure_version).await?
        };
        self.keep_current(board, &structure);
        let values = match &req.values {
            Some(v) => self.normalize_values(&access.board, &structure.columns, v).await?,
            None => vec![],
        };
        self.check_dependencies(access, &structure.columns, Some(item), &values).await?;
        self.check_relations(actor, &structure.columns, &values).await?;
        self.check_file_cells(actor, access.board.org_id, &structure.columns, &values).await?;
        let group = match req.group_id {
            Some(g) => Some(self.group_of(board, Some(g)).await?),
            None => None,
        };
        Ok(CheckedChange { structure_version, structure, values, group })
    }

    async fn set_archived(&self, actor: &Actor, id: ItemId, archived: bool) -> Result<Item, ApiError> {
        let item = self.store.item(id).await?.ok_or_else(item_not_found)?;
        let access = self.access_for_write(actor, item.board_id).await.map_err(|_| item_not_found())?;
        access.require_content()?;
        if item.archived == archived {
            return Ok(item);
        }
        for _ in 0..MERGE_RETRIES {
            let (structure_version, structure) = self.columns.get(self.store.as_ref(), item.board_id).await?;
            let mut next =
                Item { archived, version: item.version + 1, updated_at: to_datetime(now_millis()), ..item.clone() };
            if !archived {
                // Its group may have been deleted while it was archived: it comes back in
                // the board's first group rather than in one that no longer exists.
                let groups = self.store.groups(item.board_id, None).await?;
                if !groups.iter().any(|g| g.id == item.group_id) {
                    next.group_id = pick_group(&groups, None)?;
                }
                // Formulas changed while it was archived are computed for it again.
                structure.formulas.apply(&mut next, now_date());
            }
            let snapshot = ItemSnapshot { item: next.clone() };
            let change =
                if archived { BoardChange::ItemArchived(snapshot) } else { BoardChange::ItemRestored(snapshot) };
            let writes = vec![
                BoardWrite::ExpectStructure { board: item.board_id, version: structure_version },
                BoardWrite::UpdateItem { item: next.clone(), expected_version: item.version },
            ];
            match self.try_commit(item.board_id, writes, vec![NewEvent::new(actor.user_id, change)]).await {
                Ok(_) => return Ok(next),
                Err(StoreError::StructureChanged) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the board's groups kept changing under this write; retry"))
    }

    pub async fn archive_item(&self, actor: &Actor, id: ItemId) -> Result<Item, ApiError> {
        let item = self.set_archived(actor, id, true).await?;
        self.shown(actor, item).await
    }

    pub async fn restore_item(&self, actor: &Actor, id: ItemId) -> Result<Item, ApiError> {
        let item = self.set_archived(actor, id, false).await?;
        self.shown(actor, item).await
    }

    /// A copy of the item (name, group, values) placed right after it.
    pub async fn duplicate_item(&self, actor: &Actor, id: ItemId) -> Result<Item, ApiError> {
        let item = self.store.item(id).await?.ok_or_else(item_not_found)?;
        let access = self.access_for_write(actor, item.board_id).await.map_err(|_| item_not_found())?;
        access.require_content()?;
        // The copy's formulas are computed for it, not copied.
        let (_, structure) = self.columns.get(self.store.as_ref(), item.board_id).await?;
        // Links the actor may not see are not copied (they could not have written them).
        let r = self.redaction(actor, &structure.columns).await?;
        let item = self.redact_one(&r, item).await?;
        let written = |c: ColumnId| structure.columns.iter().any(|col| col.id == c && is_written(col.column_type));
        let req = CreateItemRequest {
            name: item.name.clone(),
            group_id: Some(item.group_id),
            values: Some(item.values.iter().filter(|(k, _)| written(*k)).map(|(k, v)| (k.to_string(), v)).collect()),
            position: Some(Placement::Relative(sunday_types::board_api::RelativePlacement {
                after: Some(item.id.to_string()),
                before: None,
                at: None,
            })),
        };
        let mut built = self.create_checked(actor, &access, vec![req], item.parent_item_id, Some(id)).await?;
        built.pop().ok_or_else(|| ApiError::internal("no item built"))
    }
}

/// The (position, id) an item page's cursor marks.
fn parse_item_cursor(cursor: Option<&str>) -> Result<Option<sunday_engine::Place>, ApiError> {
    let Some(text) = crate::cursor::decode::<String>(cursor)? else { return Ok(None) };
    let bad = || ApiError::new(ErrorCode::InvalidParameter, "`cursor` is not a cursor returned by this list");
    let (pos, id) = text.rsplit_once('|').ok_or_else(bad)?;
    Ok(Some((pos.into(), id.parse().map_err(|_| bad())?)))
}

/// An item change validated against the board's structure at `structure_version`.
struct CheckedChange {
    structure_version: i64,
    /// The columns and formulas at that version.
    structure: std::sync::Arc<super::columns_cache::BoardColumns>,
    values: Vec<(ColumnId, Option<CellValue>)>,
    group: Option<GroupId>,
}

fn conflict(current: &Item) -> ApiError {
    ApiError::version_conflict(current)
}

/// Prefixes a bulk item's error with its index.
fn annotate(mut e: ApiError, index: usize) -> ApiError {
    e.details_mut().index = Some(index);
    e.message = format!("item {index}: {}", e.message);
    e
}

/// The named group of the board, or its first when none is named.
fn pick_group(groups: &[Group], group: Option<GroupId>) -> Result<GroupId, ApiError> {
    match group {
        Some(g) if groups.iter().any(|x| x.id == g) => Ok(g),
        Some(_) => Err(ApiError::of(ErrorCode::GroupNotFound)),
        None => groups.first().map(|g| g.id).ok_or_else(|| {
            ApiError::validation("group_id", "board_has_no_group", "the board has no group; create one first")
        }),
    }
}
