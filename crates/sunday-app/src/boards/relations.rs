//! Board relations and mirrors where people act: a relation links only to live items of its
//! boards that the writer may see; a two-way relation's column on the other board is created
//! in the same commit as the relation; a mirror reads a relation column of its board and a
//! column of the linked boards that its function can aggregate. Keeping the other side and the
//! mirror values current is `super::linked`; what a reader may read of them,
//! `super::visibility`.

use std::collections::{HashMap, HashSet};

use sunday_domain::mirror;
use sunday_store::BoardWrite;
use sunday_types::{
    board_api::LinkedItem,
    boards::{Board, Column, ColumnType},
    cells::CellValue,
    column_settings::{ColumnSettings, MirrorSource, RelationSettings},
    ApiError, BoardId, ColumnId, ErrorCode, ErrorDetails, ItemId,
};

use super::{Access, BoardService};
use crate::Actor;

/// The most items one lookup names.
pub const LOOKUP_MAX: usize = 200;

fn refused(field: &str, rule: &str, message: String) -> ApiError {
    ApiError::validation(field, rule, message)
}

/// The mirrors of `columns` that read relation column `relation`.
pub(super) fn mirrors_of(columns: &[Column], relation: ColumnId) -> Vec<&Column> {
    columns.iter().filter(|c| c.settings.mirror().is_some_and(|m| m.relation_column_id == Some(relation))).collect()
}

/// The boards whose cells `column` shows: a relation its boards, a mirror its relation's, a
/// formula those of the relations (of `columns` or once linked, `past`) it reads through.
fn boards_behind(columns: &[Column], past: &[(ColumnId, Vec<BoardId>)], column: ColumnId) -> Vec<BoardId> {
    let mut out: Vec<BoardId> = vec![];
    let current = columns.iter().filter_map(|c| Some((c.id, c.settings.relation()?.board_ids.clone())));
    for (source, boards) in current.chain(past.iter().cloned()) {
        let mut seeds: HashSet<ColumnId> = mirrors_of(columns, source).iter().map(|m| m.id).collect();
        seeds.insert(source);
        if super::formulas::fed_by(columns, seeds).contains(&column) {
            for b in boards {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
    }
    out
}

/// What a change to `column` (deleted, retyped, its relation or mirror settings changed) must
/// keep of where the board's cells came from: for it and each column its values flow into, the
/// boards behind it as the board is now (`columns`, before the change). Its event log keeps
/// those cells, so readers who cannot see one of the boards never read them there.
pub(super) fn past_links_of(columns: &[Column], past: &[(ColumnId, Vec<BoardId>)], column: &Column) -> Vec<BoardWrite> {
    let mut seeds: HashSet<ColumnId> = mirrors_of(columns, column.id).iter().map(|m| m.id).collect();
    seeds.insert(column.id);
    let mut fed: Vec<ColumnId> = super::formulas::fed_by(columns, seeds).into_iter().collect();
    fed.sort();
    fed.into_iter()
        .filter_map(|c| {
            let boards = boards_behind(columns, past, c);
            (!boards.is_empty()).then_some(BoardWrite::RecordPastLinks { column: c, boards })
        })
        .collect()
}

/// The refusal to delete or retype a relation column mirrors read.
pub(super) fn used_by_mirror(column: &Column, mirror: &Column) -> ApiError {
    refused(
        "column_id",
        "used_by_mirror",
        format!(
            "mirror column \"{}\" reads the items column \"{}\" links to; delete it first",
            mirror.title, column.title
        ),
    )
}

/// A reverse relation column for `board`'s relation `column`, on its linked board.
pub(super) fn reverse_of(board: &Board, column: ColumnId, id: ColumnId, position: String) -> Column {
    Column {
        id,
        title: board.name.chars().take(255).collect(),
        column_type: ColumnType::BoardRelation,
        settings: ColumnSettings::Relation(RelationSettings {
            board_ids: vec![board.id],
            reverse_column_id: Some(column),
        }),
        position,
        width: None,
    }
}

impl BoardService {
    /// Checks a new relation column's boards (of the board's organization, visible to the
    /// actor) and, for a two-way relation (`two_way`, by default when it links to one
    /// board), plans the column that shows the links back on the linked board: that board
    /// and the column, to be committed with the relation.
    pub(super) async fn plan_relation(
        &self,
        actor: &Actor,
        access: &Access,
        column: &mut Column,
        two_way: Option<bool>,
    ) -> Result<Option<(BoardId, Column)>, ApiError> {
        let Some(s) = column.settings.relation().cloned() else { return Ok(None) };
        if s.board_ids.is_empty() {
            return Err(refused("settings.board_ids", "required", "a relation links to at least one board".into()));
        }
        let mut targets = vec![];
        for b in &s.board_ids {
            let target = self.access(actor, *b).await.ok().filter(|t| t.board.org_id == access.board.org_id);
            let target = target.ok_or_else(|| {
                refused("settings.board_ids", "unknown_board", format!("no board {b} of this organization you can see"))
            })?;
            targets.push(target);
        }
        let two_way = two_way.unwrap_or(targets.len() == 1);
        let mut settings = RelationSettings { board_ids: s.board_ids.clone(), reverse_column_id: None };
        let planned = match targets.as_slice() {
            [target] if two_way => {
                target.require_structure().map_err(|_| {
                    ApiError::new(
                        ErrorCode::Forbidden,
                        "a two-way relation adds a column to the linked board, which needs the edit_all permission \
                         there; ask for `\"two_way\": false`",
                    )
                })?;
                let id = ColumnId::new();
                settings.reverse_column_id = Some(id);
                let theirs = self.store.columns(target.board.id).await?;
                if theirs.len() >= 200 {
                    return Err(refused(
                        "settings.two_way",
                        "max_columns",
                        "the linked board has 200 columns, the most a board has; ask for `\"two_way\": false`".into(),
                    ));
                }
                let last = theirs.iter().map(|c| c.position.as_str()).max();
                let position = sunday_domain::position::between(last, None)?;
                Some((target.board.id, reverse_of(&access.board, column.id, id, position)))
            }
            _ if two_way => {
                return Err(refused(
                    "settings.two_way",
                    "two_way_needs_one_board",
                    "a two-way relation links to exactly one board".into(),
                ))
            }
            _ => None,
        };
        column.settings = ColumnSettings::Relation(settings);
        Ok(planned)
    }

    /// A relation's settings changed: its boards are checked like a new one's, and a two-way
    /// relation keeps its board and its column on that board.
    pub(super) async fn check_relation_change(
        &self,
        actor: &Actor,
        access: &Access,
        current: &Column,
        next: &mut Column,
    ) -> Result<(), ApiError> {
        let (Some(before), Some(after)) = (current.settings.relation(), next.settings.relation().cloned()) else {
            return Ok(());
        };
        if before.reverse_column_id.is_some() && before.board_ids != after.board_ids {
            return Err(refused(
                "settings.board_ids",
                "two_way_boards_fixed",
                "a two-way relation keeps the board it links to; create a new relation for another board".into(),
            ));
        }
        let mut probe = next.clone();
        self.plan_relation(actor, access, &mut probe, Some(false)).await?;
        next.settings =
            ColumnSettings::Relation(RelationSettings { reverse_column_id: before.reverse_column_id, ..after });
        Ok(())
    }

    /// A mirror reads a relation column of its board and, through it, a column of a linked
    /// board (not a mirror) its function can aggregate; or, without a relation, a column of
    /// the board's subitem board (made now if the board has none yet).
    pub(super) async fn check_mirror(
        &self,
        actor: &Actor,
        access: &Access,
        column: &Column,
        columns: &[Column],
    ) -> Result<(), ApiError> {
        let Some(m) = column.settings.mirror() else { return Ok(()) };
        let boards = match (m.source, m.relation_column_id) {
            (MirrorSource::Relation, Some(id)) => {
                let relation = columns.iter().find(|c| c.id == id).and_then(|c| c.settings.relation());
                relation
                    .ok_or_else(|| {
                        refused(
                            "settings.relation_column_id",
                            "not_a_relation_column",
                            "`relation_column_id` must name a board relation column of this board (or be null for \
                             the subitems)"
                                .into(),
                        )
                    })?
                    .board_ids
                    .clone()
            }
            _ => vec![match access.board.subitem_board_id {
                Some(sub) => sub,
                // Outside the request's idempotency claim, like a first subitem's board.
                None => crate::idempotency::unclaimed(self.create_subitem_board(actor, &access.board)).await?,
            }],
        };
        // The mirror shows what it reads: its creator must be able to see it.
        for b in &boards {
            if self.access(actor, *b).await.is_err() {
                return Err(refused(
                    "settings.relation_column_id",
                    "unknown_board",
                    "the relation links to a board you cannot see".into(),
                ));
            }
        }
        let mut source = None;
        let mut source_board = None;
        if let Some(id) = m.column_id {
            for b in &boards {
                let (_, theirs) = self.columns.get(self.store.as_ref(), *b).await?;
                if let Some(c) = theirs.columns.iter().find(|c| c.id == id) {
                    source = Some(c.clone());
                    source_board = Some(*b);
                    break;
                }
            }
            let found = source.as_ref().ok_or_else(|| {
                refused(
                    "settings.column_id",
                    "unknown_column",
                    "`column_id` must name a column of a linked board (or of the subitems)".into(),
                )
            })?;
            if found.settings.mirror().is_some() {
                return Err(refused(
                    "settings.column_id",
                    "mirror_of_mirror",
                    "a mirror cannot read another mirror".into(),
                ));
            }
            if let Some(b) = source_board {
                let (_, theirs) = self.columns.get(self.store.as_ref(), b).await?;
                if super::formulas::mirror_fed(&theirs.columns).contains(&found.id) {
                    return Err(refused(
                        "settings.column_id",
                        "mirror_of_mirror",
                        format!("\"{}\" is computed from a mirror or rollup; a mirror cannot read one", found.title),
                    ));
                }
            }
        }
        mirror::accepts(m.function, source.as_ref())
            .map_err(|why| refused("settings.function", "function_not_applicable", why))
    }

    /// Checks the relation cells of a write: each names a live item of one of the column's
    /// boards that the actor may see.
    pub(super) async fn check_relations(
        &self,
        actor: &Actor,
        columns: &[Column],
        values: &[(ColumnId, Option<CellValue>)],
    ) -> Result<(), ApiError> {
        for (id, value) in values {
            let Some(column) = columns.iter().find(|c| c.id == *id) else { continue };
            let (Some(s), Some(CellValue::Items(ids))) = (column.settings.relation(), value) else { continue };
            let mut missing: HashSet<ItemId> = ids.iter().copied().collect();
            for b in &s.board_ids {
                let Ok(access) = self.access(actor, *b).await else { continue };
                let found: Vec<ItemId> = self
                    .engine
                    .read(*b, access.board.last_seq, |st| {
                        missing.iter().filter(|i| st.item(**i).is_some()).copied().collect()
                    })
                    .await?;
                for f in found {
                    missing.remove(&f);
                }
            }
            if let Some(m) = ids.iter().find(|i| missing.contains(i)) {
                let field = format!("values.{}", column.id);
                return Err(ApiError::validation(
                    &field,
                    "unknown_item",
                    format!("column \"{}\": no item {m} on a board it links to that you can see", column.title),
                )
                .with_details(ErrorDetails {
                    item_id: Some(m.to_string()),
                    ..ErrorDetails::rule(&field, "unknown_item").column(column.id)
                }));
            }
        }
        Ok(())
    }

    /// The names and boards of items, for showing links: only items of boards the actor may
    /// see (the others are left out, as if they did not exist).
    pub async fn lookup_items(&self, actor: &Actor, ids: &[ItemId]) -> Result<Vec<LinkedItem>, ApiError> {
        if ids.len() > LOOKUP_MAX {
            return Err(refused("ids", "max_items", format!("at most {LOOKUP_MAX} ids per lookup")));
        }
        let mut out = vec![];
        let mut seen = HashMap::new();
        for id in ids {
            let item = match self.loaded_board_of(*id).await? {
                Some(b) => match self.store.board(b).await? {
                    Some(board) => self.engine.read(b, board.last_seq, |s| s.item(*id).cloned()).await?,
                    None => None,
                },
                None => None,
            };
            let item = match item {
                Some(i) => Some(i),
                None => self.store.item(*id).await?.filter(|i| !i.archived),
            };
            let Some(item) = item else { continue };
            if self.sees(actor, item.board_id, &mut seen).await.is_some() {
                out.push(LinkedItem { id: item.id, board_id: item.board_id, name: item.name });
            }
        }
        Ok(out)
    }
}
