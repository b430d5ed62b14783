//! CSV export and import. Export writes one row per live item with every column's display
//! text. Import maps CSV headers to the item name, its group and columns, converts each cell
//! from text with the same rules as a column type change, and reports every rejected row;
//! each row is imported whole or not at all. Accepted rows commit in batches of
//! [`IMPORT_BATCH`], so a large import does not hold the store (and other boards' writes) for
//! its whole length; `all_or_nothing` imports commit in one transaction.

use std::collections::HashMap;

use sunday_domain::{
    columns::{cell_text, normalize_settings},
    import::{neutralize, parse_rows},
    position,
};
use sunday_store::{BoardWrite, NewEvent, StoreError};
use sunday_types::events::*;
use sunday_types::{
    board_api::{CreateBoardRequest, ImportNewBoardRequest, ImportReport, ImportRequest, RejectedRow},
    boards::{Column, ColumnType, Group, Item},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ErrorCode, ErrorDetails, GroupId, ItemId,
};

use super::BoardService;
use crate::Actor;

/// Rows per transaction of an import.
pub const IMPORT_BATCH: usize = 1_000;

impl BoardService {
    pub async fn export_csv(&self, actor: &Actor, board: BoardId) -> Result<String, ApiError> {
        let mut b = self.get_board(actor, board).await?;
        // Relations to boards the reader can see none of, and the mirrors of relations to a
        // board they cannot see, are left out; links to items they cannot see too.
        let r = self.redaction(actor, &b.columns).await?;
        b.columns.retain(|c| !r.hides(c.id));
        let mut items = self.store.all_items(board).await?;
        self.redact_all(&r, &mut items).await?;
        let levels = self.subitem_levels(actor, b.subitem_board_id).await?;
        // Subitems' cells go under the board's column of the same title, or under one added
        // after the board's; a last `Parent` column names each subitem's parent.
        let mut titles: Vec<String> = b.columns.iter().map(|c| c.title.clone()).collect();
        for level in &levels {
            for c in &level.columns {
                if !titles.iter().any(|t| t.eq_ignore_ascii_case(&c.title)) {
                    titles.push(c.title.clone());
                }
            }
        }
        let with_subitems = levels.first().is_some_and(|l| !l.items.is_empty());
        let mut out = csv::Writer::from_writer(vec![]);
        let mut header = vec!["Name".to_owned(), "Group".to_owned()];
        header.extend(titles.iter().cloned());
        if with_subitems {
            header.push("Parent".to_owned());
        }
        out.write_record(header.iter().map(|h| neutralize(h).into_owned())).map_err(ApiError::internal)?;
        let group_title: HashMap<GroupId, &str> = b.groups.iter().map(|g| (g.id, g.title.as_str())).collect();
        let mut ordered: Vec<&Item> = items.iter().filter(|i| i.parent_item_id.is_none()).collect();
        let group_pos: HashMap<GroupId, &str> = b.groups.iter().map(|g| (g.id, g.position.as_str())).collect();
        ordered.sort_by(|a, b| {
            (group_pos.get(&a.group_id), &a.position, a.id).cmp(&(group_pos.get(&b.group_id), &b.position, b.id))
        });
        // The board's own columns in their own slots, in order; subitems' by title.
        let own: Vec<Option<usize>> = (0..titles.len()).map(|i| (i < b.columns.len()).then_some(i)).collect();
        let levels: Vec<(Level, Vec<Option<usize>>)> = levels
            .into_iter()
            .map(|l| {
                let placed = slots(&l.columns, &titles);
                (l, placed)
            })
            .collect();
        for item in ordered {
            let group = group_title.get(&item.group_id).unwrap_or(&"").to_string();
            let mut rows = vec![row_of(item, &b.columns, &own, &group, None, with_subitems)];
            subitem_rows(&mut rows, item, &levels, 0, &group);
            for row in rows {
                out.write_record(row.iter().map(|c| neutralize(c).into_owned())).map_err(ApiError::internal)?;
            }
        }
        String::from_utf8(out.into_inner().map_err(|e| ApiError::internal(e.to_string()))?).map_err(ApiError::internal)
    }

    /// The subitems under a board, level by level: each subitem board's columns (those the
    /// reader may see) and live items by parent, in board order.
    async fn subitem_levels(&self, actor: &Actor, mut sub: Option<BoardId>) -> Result<Vec<Level>, ApiError> {
        let mut levels = vec![];
        while let (Some(id), true) = (sub, levels.len() < super::subitems::MAX_LEVELS) {
            let Some(board) = self.store.board(id).await? else { break };
            let mut columns = self.store.columns(id).await?;
            let r = self.redaction(actor, &columns).await?;
            columns.retain(|c| !r.hides(c.id));
            let mut all = self.store.all_items(id).await?;
            self.redact_all(&r, &mut all).await?;
            let mut items: HashMap<ItemId, Vec<Item>> = HashMap::new();
            for item in all {
                if let Some(p) = item.parent_item_id {
                    items.entry(p).or_default().push(item);
                }
            }
            for list in items.values_mut() {
                list.sort_by(|a, b| (&a.position, a.id).cmp(&(&b.position, b.id)));
            }
            levels.push(Level { columns, items });
            sub = board.subitem_board_id;
        }
        Ok(levels)
    }

    /// Imports CSV rows into an existing board.
    pub async fn import_csv(
        &self,
        actor: &Actor,
        board: BoardId,
        req: ImportRequest,
    ) -> Result<ImportReport, ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_content()?;
        // Read before the columns, so every batch can require the structure its rows were
        // checked against.
        let structure = self.store.structure_version(board).await?;
        let columns = self.store.columns(board).await?;
        let (rows, rejected) = parse_rows(&req, &columns)?;
        let formulas = super::columns_cache::BoardColumns::new(columns.clone()).formulas;
        let mut groups = self.store.groups(board, None).await?;
        let mut new_groups: Vec<Group> = vec![];
        let default_group = groups.first().map(|g| g.id);
        if rows.is_empty() && rejected.is_empty() {
            return Err(ApiError::validation("csv", "empty", "the CSV has no rows"));
        }
        let all_or_nothing = req.all_or_nothing.unwrap_or(false);
        if req.dry_run.unwrap_or(false) || (all_or_nothing && !rejected.is_empty()) {
            return Ok(ImportReport { board_id: board, imported: 0, rejected });
        }
        let now = to_datetime(now_millis());
        let first_number = self.store.reserve_auto_numbers(board, rows.len() as i64).await?;
        let last_pos = self.engine.read(board, access.board.last_seq, |s| s.last_position().map(str::to_owned)).await?;
        let mut pos = last_pos;
        let mut items = vec![];
        for (i, (name, group, values)) in rows.into_iter().enumerate() {
            let group_id = match group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
                Some(title) => {
                    match groups.iter().chain(new_groups.iter()).find(|g| g.title.eq_ignore_ascii_case(title)) {
                        Some(g) => g.id,
                        None => {
                            let last = groups.iter().chain(new_groups.iter()).map(|g| g.position.clone()).max();
                            let g = Group {
                                id: GroupId::new(),
                                title: title.chars().take(255).collect(),
                                color: "grey".into(),
                                position: position::between(last.as_deref(), None)?,
                                collapsed: false,
                            };
                            new_groups.push(g.clone());
                            g.id
                        }
                    }
                }
                None => match default_group.or_else(|| new_groups.first().map(|g| g.id)) {
                    Some(g) => g,
                    None => {
                        let g = Group {
                            id: GroupId::new(),
                            title: "Imported".into(),
                            color: "grey".into(),
                            position: position::between(None, None)?,
                            collapsed: false,
                        };
                        new_groups.push(g.clone());
                        groups.push(g.clone());
                        g.id
                    }
                },
            };
            let p = position::between(pos.as_deref(), None)?;
            pos = Some(p.clone());
            let mut item = Item {
                id: ItemId::new(),
                board_id: board,
                group_id,
                name,
                position: p,
                values,
                version: 1,
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
                parent_item_id: None,
                archived: false,
                auto_number: first_number + i as i64,
            };
            formulas.apply(&mut item, now.date_naive());
            items.push(item);
        }
        let batch = if all_or_nothing { items.len().max(1) } else { IMPORT_BATCH };
        let mut expected = structure;
        let mut imported = 0;
        for (i, chunk) in items.chunks(batch).enumerate() {
            let groups_now = if i == 0 { new_groups.as_slice() } else { &[] };
            let mut events: Vec<NewEvent> = groups_now
                .iter()
                .map(|g| NewEvent::new(actor.user_id, BoardChange::GroupCreated(GroupChanged { group: g.clone() })))
                .collect();
            events.extend(chunk.iter().map(|i| {
                NewEvent::new(
                    actor.user_id,
                    BoardChange::ItemCreated(ItemCreated {
                        item: i.clone(),
                        imported: true,
                        duplicated_from: None,
                        moved_from: None,
                    }),
                )
            }));
            let mut attempts = 0;
            loop {
                let mut writes = vec![BoardWrite::ExpectStructure { board, version: expected }];
                writes.extend(groups_now.iter().cloned().map(|group| BoardWrite::InsertGroup { board, group }));
                writes.extend(chunk.iter().cloned().map(BoardWrite::InsertItem));
                match self.try_commit(board, writes, events.clone()).await {
                    Ok(_) => break,
                    // Someone changed a column or group meanwhile. Rows checked against the
                    // columns as they were still fit if no column they write changed its kind
                    // and no group they go to is gone; otherwise the import stops here.
                    Err(StoreError::StructureChanged) if attempts < super::MERGE_RETRIES => {
                        attempts += 1;
                        expected = self.store.structure_version(board).await?;
                        let now = self.store.columns(board).await?;
                        let live = self.store.groups(board, None).await?;
                        let gone = chunk.iter().any(|it| !live.iter().chain(groups_now).any(|g| g.id == it.group_id));
                        if gone || !same_kinds(&columns, &now) {
                            return Err(interrupted(imported, &rejected));
                        }
                    }
                    Err(StoreError::StructureChanged) => return Err(interrupted(imported, &rejected)),
                    Err(e) if imported > 0 => {
                        return Err(ApiError::from(e)
                            .with_details(ErrorDetails { imported: Some(imported), ..ErrorDetails::default() }));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            imported += chunk.len();
            expected += groups_now.len() as i64;
        }
        Ok(ImportReport { board_id: board, imported, rejected })
    }

    /// Creates a board from a CSV: one column per header (text unless typed), then imports.
    pub async fn import_new_board(&self, actor: &Actor, req: ImportNewBoardRequest) -> Result<ImportReport, ApiError> {
        let headers: Vec<String> = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(req.csv.as_bytes())
            .headers()
            .map_err(|e| ApiError::validation("csv", "csv", format!("the CSV header cannot be read: {e}")))?
            .iter()
            .map(str::to_owned)
            .collect();
        if headers.is_empty() {
            return Err(ApiError::validation("csv", "empty", "the CSV has no header"));
        }
        let name_header = headers.iter().position(|h| h.eq_ignore_ascii_case("name")).unwrap_or(0);
        let types = req.column_types.clone().unwrap_or_default();
        if let Some(bad) = types.keys().find(|k| !headers.contains(k)) {
            return Err(ApiError::validation("column_types", "unknown_header", format!("no CSV header `{bad}`")));
        }
        let board = self
            .create_board(
                actor,
                CreateBoardRequest {
                    name: req.name.clone(),
                    workspace_id: req.workspace_id,
                    kind: None,
                    description: None,
                    template: None,
                    default_permission: None,
                },
            )
            .await?;
        // Replace the blank board's sample columns with the CSV's.
        for c in &board.columns {
            self.delete_column(actor, board.id, c.id, false).await?;
        }
        let mut mapping = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if i == name_header {
                mapping.insert(h.clone(), Some("name".to_owned()));
            } else if h.eq_ignore_ascii_case("group") {
                mapping.insert(h.clone(), Some("group".to_owned()));
            } else {
                let ty = types.get(h).copied().unwrap_or(ColumnType::Text);
                normalize_settings(ty, None)?;
                let col = self
                    .create_column(
                        actor,
                        board.id,
                        sunday_types::board_api::CreateColumnRequest {
                            title: h.replace(['\n', '\r'], " ").trim().chars().take(255).collect(),
                            column_type: ty,
                            settings: None,
                            position: None,
                            width: None,
                        },
                    )
                    .await?;
                mapping.insert(h.clone(), Some(col.id.to_string()));
            }
        }
        self.import_csv(
            actor,
            board.id,
            ImportRequest { csv: req.csv, mapping: Some(mapping), all_or_nothing: Some(false), dry_run: Some(false) },
        )
        .await
    }
}

/// Whether every column of `before` is still there with the same kind and settings (what a
/// checked value depends on); titles, order and width may differ.
fn same_kinds(before: &[Column], now: &[Column]) -> bool {
    before
        .iter()
        .all(|b| now.iter().any(|n| n.id == b.id && n.column_type == b.column_type && n.settings == b.settings))
}

/// The import stopped after `imported` rows because the board changed under it.
fn interrupted(imported: usize, rejected: &[RejectedRow]) -> ApiError {
    ApiError::of(ErrorCode::ImportInterrupted).with_details(ErrorDetails {
        imported: Some(imported),
        rejected: Some(rejected.to_vec()),
        ..ErrorDetails::default()
    })
}

/// One level of subitems (see `BoardService::subitem_levels`).
struct Level {
    columns: Vec<Column>,
    items: HashMap<ItemId, Vec<Item>>,
}

/// For each of the export's column slots (`titles`), the column of `columns` written there:
/// each column in the first free slot of its title (titles need not be unique).
fn slots(columns: &[Column], titles: &[String]) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = vec![None; titles.len()];
    for (i, c) in columns.iter().enumerate() {
        if let Some(slot) = (0..titles.len()).find(|s| out[*s].is_none() && titles[*s].eq_ignore_ascii_case(&c.title)) {
            out[slot] = Some(i);
        }
    }
    out
}

/// `item`'s row: its cells in their slots (`slots` of `columns`), and its parent's name when
/// the export has a `Parent` column.
fn row_of(
    item: &Item,
    columns: &[Column],
    slots: &[Option<usize>],
    group: &str,
    parent: Option<&str>,
    with_parent: bool,
) -> Vec<String> {
    let mut row = vec![item.name.clone(), group.to_owned()];
    row.extend(slots.iter().map(|s| s.map(|i| cell_text(item, &columns[i])).unwrap_or_default()));
    if with_parent {
        row.push(parent.unwrap_or_default().to_owned());
    }
    row
}

/// The rows of `parent`'s subitems, each followed by its own, depth first.
fn subitem_rows(
    rows: &mut Vec<Vec<String>>,
    parent: &Item,
    levels: &[(Level, Vec<Option<usize>>)],
    depth: usize,
    group: &str,
) {
    let Some((level, slots)) = levels.get(depth) else { return };
    for item in level.items.get(&parent.id).into_iter().flatten() {
        rows.push(row_of(item, &level.columns, slots, group, Some(&parent.name), true));
        subitem_rows(rows, item, levels, depth + 1, group);
    }
}
