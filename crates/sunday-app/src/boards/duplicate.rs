//! Duplicating a board: its columns and groups, its subitem boards at every level with theirs,
//! and (by default) its live items and their subitems with their values, in one commit over
//! every board it touches.
//!
//! What points inside the copied boards points at the copies: dependencies, a relation between
//! two of the copied boards, a rollup of subitems, a mirror's relation. A relation to another
//! board still links to that board's items; when it was two-way, the copy's links show on that
//! board too, in a new column named after the copy, if the copier may change that board's
//! columns (else the copy's relation is one-way). A relation to a board the copier cannot see
//! is left out, with the mirrors that read it (formulas reading them are marked broken): a copy
//! never shows its maker what they could not see on the board they copied.

use std::collections::HashMap;

use sunday_domain::text::parse_name;
use sunday_store::{BoardWrite, NewEvent};
use sunday_types::events::*;
use sunday_types::{
    board_api::DuplicateBoardRequest,
    boards::{Board, BoardPermission, Column, Group, Item},
    cells::{CellValue, ItemValues},
    column_settings::{ColumnSettings, MirrorSource, RelationSettings},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ColumnId, GroupId, ItemId,
};

use super::{
    formulas,
    lifecycle::{board_like, creation_writes},
    relations::reverse_of,
    subitems::MAX_LEVELS,
    BoardService,
};
use crate::Actor;

/// A board of the source, with its columns and groups, and its copy.
struct Level {
    source: Board,
    copy: Board,
}

/// Old ids to new ones, over every copied board.
#[derive(Default)]
struct Ids {
    boards: HashMap<BoardId, BoardId>,
    columns: HashMap<ColumnId, ColumnId>,
    groups: HashMap<GroupId, GroupId>,
    items: HashMap<ItemId, ItemId>,
}

impl Ids {
    /// A cell's item ids: a copied item's become its copy's; the others drop when `inside`
    /// (a dependency, a relation between copied boards: items not copied) and stay otherwise
    /// (items of other boards).
    fn cell(&self, value: CellValue, inside: bool) -> CellValue {
        match value {
            CellValue::Items(ids) => CellValue::Items(
                ids.iter().filter_map(|i| self.items.get(i).copied().or((!inside).then_some(*i))).collect(),
            ),
            other => other,
        }
    }
}

/// A two-way relation's new column on a board outside the copy.
struct Reverse {
    board: BoardId,
    column: Column,
}

impl BoardService {
    /// Copies the board, its subitem boards, and (unless `with_items` is false) their items.
    pub async fn duplicate_board(
        &self,
        actor: &Actor,
        id: BoardId,
        req: DuplicateBoardRequest,
    ) -> Result<Board, ApiError> {
        let source = self.get_board(actor, id).await?;
        // A copy carries the board's content: reading it is not enough to copy it.
        self.access_for_write(actor, id).await?.require_content()?;
        if source.parent_board_id.is_some() {
            return Err(ApiError::validation(
                "board_id",
                "subitem_board",
                "a subitem board is copied with its parent board",
            ));
        }
        let workspace = req.workspace_id.unwrap_or(source.workspace_id);
        let (org, _) = self.workspace_for_new_board(actor, workspace).await?;
        let name = match &req.name {
            Some(n) => parse_name("name", n, 200)?,
            None => format!("{} (copy)", source.name).chars().take(200).collect(),
        };
        let levels = self.levels(actor, source, org, workspace, name).await?;
        let mut ids = Ids::default();
        for level in &levels {
            ids.boards.insert(level.source.id, level.copy.id);
            ids.columns.extend(level.source.columns.iter().map(|c| (c.id, ColumnId::new())));
            ids.groups.extend(level.source.groups.iter().map(|g| (g.id, GroupId::new())));
        }
        // Every level's items before any values: a cell may link to a later level's items.
        let mut level_items: Vec<Vec<Item>> = vec![];
        for level in &levels {
            let mut kept = vec![];
            if req.with_items.unwrap_or(true) {
                // Parents first (levels go down), so a subitem finds its parent's copy; one
                // whose parent was not copied (archived) is not either.
                kept = self.store.all_items(level.source.id).await?;
                kept.retain(|i| {
                    i.parent_item_id.is_none_or(|p| ids.items.contains_key(&p)) && ids.groups.contains_key(&i.group_id)
                });
                ids.items.extend(kept.iter().map(|i| (i.id, ItemId::new())));
            }
            level_items.push(kept);
        }
        let mut parts = vec![];
        let mut reverses: Vec<Reverse> = vec![];
        let now = to_datetime(now_millis());
        for (depth, (level, items)) in levels.iter().zip(level_items).enumerate() {
            let columns = self.copied_columns(actor, level, &ids, &mut reverses).await?;
            let groups: Vec<Group> = level
                .source
                .groups
                .iter()
                .map(|g| Group { id: ids.groups[&g.id], collapsed: false, ..g.clone() })
                .collect();
            let mut writes = creation_writes(&level.copy, (depth == 0).then_some(actor), &groups, &columns);
            let copied = items.len() as u64;
            for item in items {
                let values = copied_values(&item, &level.source.columns, &columns, &ids);
                writes.push(BoardWrite::InsertItem(Item {
                    id: ids.items[&item.id],
                    board_id: level.copy.id,
                    group_id: ids.groups[&item.group_id],
                    parent_item_id: item.parent_item_id.and_then(|p| ids.items.get(&p).copied()),
                    values,
                    version: 1,
                    created_by: actor.user_id,
                    created_at: now,
                    updated_at: now,
                    archived: false,
                    auto_number: 0,
                    ..item
                }));
            }
            let event = NewEvent::new(
                actor.user_id,
                BoardChange::BoardCreated(BoardCreated {
                    duplicated_from: Some(level.source.id),
                    items: Some(copied),
                    ..Default::default()
                }),
            );
            parts.push((level.copy.id, writes, vec![event]));
        }
        for r in reverses {
            let write = BoardWrite::InsertColumn { board: r.board, column: r.column.clone() };
            let event = NewEvent::new(
                actor.user_id,
                BoardChange::ColumnCreated(ColumnCreated { column: r.column, reload: false }),
            );
            match parts.iter_mut().find(|(b, _, _)| *b == r.board) {
                Some((_, writes, events)) => {
                    writes.push(write);
                    events.push(event);
                }
                None => parts.push((r.board, vec![write], vec![event])),
            }
        }
        let top = levels[0].copy.id;
        self.try_commit_parts(parts).await?;
        tracing::info!(board_id = %top, from = %id, levels = levels.len(), "board duplicated");
        self.get_board(actor, top).await
    }

    /// The board and its subitem boards, top down, each with its copy's record.
    async fn levels(
        &self,
        actor: &Actor,
        source: Board,
        org: sunday_types::OrgId,
        workspace: sunday_types::WorkspaceId,
        name: String,
    ) -> Result<Vec<Level>, ApiError> {
        let blank = |from: &Board, name: String| Board {
            org_id: org,
            workspace_id: workspace,
            ..board_like(from, name, actor)
        };
        let mut top = blank(&source, name);
        top.permission = Some(BoardPermission::Owner);
        let mut levels = vec![Level { copy: top, source }];
        while levels.len() <= MAX_LEVELS {
            let Some(sub) = levels.last().and_then(|l| l.source.subitem_board_id) else { break };
            let Some(mut board) = self.store.board(sub).await? else { break };
            board.columns = self.store.columns(sub).await?;
            board.groups = self.store.groups(sub, None).await?;
            let parent = &levels[levels.len() - 1].copy;
            let mut copy = blank(&board, format!("Subitems of {}", parent.name).chars().take(200).collect());
            copy.parent_board_id = Some(parent.id);
            let copy_id = copy.id;
            if let Some(last) = levels.last_mut() {
                last.copy.subitem_board_id = Some(copy_id);
            }
            levels.push(Level { source: board, copy });
        }
        Ok(levels)
    }

    /// A level's columns as the copy has them (see the module's comment), and the columns
    /// two-way relations to other boards add there.
    async fn copied_columns(
        &self,
        actor: &Actor,
        level: &Level,
        ids: &Ids,
        reverses: &mut Vec<Reverse>,
    ) -> Result<Vec<Column>, ApiError> {
        let mut out: Vec<Column> = vec![];
        let mut dropped: Vec<Column> = vec![];
        for c in &level.source.columns {
            let mut copy = Column { id: ids.columns[&c.id], ..c.clone() };
            match &mut copy.settings {
                ColumnSettings::Dependency(d) => {
                    d.date_column_id = d.date_column_id.and_then(|id| ids.columns.get(&id).copied());
                }
                ColumnSettings::Relation(r) => {
                    match self.copied_relation(actor, level, copy.id, r, ids, reverses).await? {
                        Some(settings) => *r = settings,
                        None => {
                            dropped.push(c.clone());
                            continue;
                        }
                    }
                }
                _ => {}
            }
            out.push(copy);
        }
        // Mirrors once the relations are settled: one reading a dropped relation goes too.
        let kept: Vec<Column> = out
            .into_iter()
            .filter_map(|mut copy| {
                let ColumnSettings::Mirror(m) = &mut copy.settings else { return Some(copy) };
                if m.source == MirrorSource::Relation {
                    let relation = m.relation_column_id.and_then(|id| ids.columns.get(&id).copied());
                    if relation.is_none_or(|r| dropped.iter().any(|d| ids.columns.get(&d.id) == Some(&r))) {
                        return None;
                    }
                    m.relation_column_id = relation;
                }
                // The column read: on a copied board (the subitems, a relation between copied
                // boards) its copy, on another board itself.
                m.column_id = m.column_id.map(|id| ids.columns.get(&id).copied().unwrap_or(id));
                Some(copy)
            })
            .collect();
        let gone: Vec<&Column> =
            level.source.columns.iter().filter(|c| !kept.iter().any(|k| k.id == ids.columns[&c.id])).collect();
        let mut kept = kept;
        for column in gone {
            formulas::break_readers(&mut kept, &Column { id: ids.columns[&column.id], ..column.clone() });
        }
        Ok(kept)
    }

    /// A relation's settings on the copy, or `None` when it is left out.
    async fn copied_relation(
        &self,
        actor: &Actor,
        level: &Level,
        copy: ColumnId,
        r: &RelationSettings,
        ids: &Ids,
        reverses: &mut Vec<Reverse>,
    ) -> Result<Option<RelationSettings>, ApiError> {
        let mut board_ids = vec![];
        let mut outside = vec![];
        for b in &r.board_ids {
            match ids.boards.get(b) {
                Some(copied) => board_ids.push(*copied),
                None => {
                    let Ok(target) = self.access(actor, *b).await else { return Ok(None) };
                    if target.board.org_id != level.copy.org_id {
                        return Ok(None);
                    }
                    board_ids.push(*b);
                    outside.push(target);
                }
            }
        }
        let reverse_column_id = match (r.reverse_column_id, outside.as_slice()) {
            (None, _) => None,
            // Between copied boards the reverse column is copied too.
            (Some(back), []) => ids.columns.get(&back).copied(),
            (Some(_), [target]) if target.require_structure().is_ok() => {
                let theirs = self.store.columns(target.board.id).await?;
                let planned = reverses.iter().filter(|p| p.board == target.board.id).count();
                if theirs.len() + planned >= 200 {
                    None
                } else {
                    let last = reverses
                        .iter()
                        .filter(|p| p.board == target.board.id)
                        .map(|p| p.column.position.clone())
                        .chain(theirs.iter().map(|c| c.position.clone()))
                        .max();
                    let position = sunday_domain::position::between(last.as_deref(), None)?;
                    let id = ColumnId::new();
                    reverses
                        .push(Reverse { board: target.board.id, column: reverse_of(&level.copy, copy, id, position) });
                    Some(id)
                }
            }
            // Without the right to add a column there, the copy's relation is one-way.
            (Some(_), _) => None,
        };
        Ok(Some(RelationSettings { board_ids, reverse_column_id }))
    }
}

/// `item`'s values for the copy's `columns` (source column ids map to them through `ids`).
fn copied_values(item: &Item, source: &[Column], columns: &[Column], ids: &Ids) -> ItemValues {
    source
        .iter()
        .filter_map(|c| {
            let to = ids.columns[&c.id];
            let copy = columns.iter().find(|k| k.id == to)?;
            // Dependencies and links to copied items point at the copies.
            // A formula broken by a column left out has no values on the copy.
            let broke = copy.settings.formula().is_some_and(|f| f.broken.is_some())
                && c.settings.formula().is_some_and(|f| f.broken.is_none());
            if broke {
                return None;
            }
            let inside = match &copy.settings {
                ColumnSettings::Dependency(_) => true,
                ColumnSettings::Relation(r) => r.board_ids.iter().all(|b| ids.boards.values().any(|v| v == b)),
                _ => false,
            };
            Some((to, ids.cell(item.values.cell(c)?, inside)))
        })
        .filter(|(_, v)| !matches!(v, CellValue::Items(ids) if ids.is_empty()))
        .collect()
}
