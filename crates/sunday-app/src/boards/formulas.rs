//! Formulas through structure changes: a column change is checked against every formula of
//! the board before it commits (a formula refused, a cycle, a column a formula reads being
//! deleted or retyped into something it cannot read), formulas follow a renamed column, and
//! the items whose formula values change are rewritten in the same commit as the change.

use std::collections::{HashMap, HashSet};

use sunday_domain::formula::{rename_refs, BoardFormulas};
use sunday_store::BoardWrite;
use sunday_types::{
    boards::{Column, ColumnType, Item},
    column_settings::ColumnSettings,
    time::{now_millis, to_datetime},
    ApiError, ColumnId, Dependent, ErrorDetails, ItemId,
};

/// The board's columns after a change, checked: each formula's `result` set to the type
/// inferred for it, with the compiled formulas. `focus` is the column changed; a refusal
/// names the formula it concerns.
pub(super) fn check(after: &[Column], focus: Option<ColumnId>) -> Result<(Vec<Column>, BoardFormulas), ApiError> {
    let formulas = BoardFormulas::compile(after, focus).map_err(|r| r.into_api())?;
    Ok((formulas.with_results(after), formulas))
}

/// Formulas that refer to a column titled `old` refer to it as `new`.
pub(super) fn follow_rename(columns: &mut [Column], old: &str, new: &str) {
    let key = |t: &str| t.trim().to_lowercase();
    for c in columns.iter_mut() {
        if let ColumnSettings::Formula(f) = &mut c.settings {
            f.expression = rename_refs(&f.expression, |t| (key(t) == key(old)).then(|| new.to_owned()));
        }
    }
}

/// `seeds` and every formula among `columns` that reads one of them, directly or through
/// other formulas: what a value of the seeds can flow into.
pub(super) fn fed_by(columns: &[Column], mut seeds: HashSet<ColumnId>) -> HashSet<ColumnId> {
    let mut frontier: Vec<ColumnId> = seeds.iter().copied().collect();
    while let Some(id) = frontier.pop() {
        let Some(column) = columns.iter().find(|c| c.id == id) else { continue };
        for reader in sunday_domain::formula::readers_of(columns, column) {
            if seeds.insert(reader.id) {
                frontier.push(reader.id);
            }
        }
    }
    seeds
}

/// The columns of a board whose values come from mirrors or rollups (the mirrors and the
/// formulas reading them): a mirror never reads one, or two mirrors could feed each other
/// forever.
pub(super) fn mirror_fed(columns: &[Column]) -> HashSet<ColumnId> {
    fed_by(columns, columns.iter().filter(|c| c.settings.mirror().is_some()).map(|c| c.id).collect())
}

/// Whether `columns` hold a formula.
pub(super) fn any(columns: &[Column]) -> bool {
    columns.iter().any(|c| c.column_type == ColumnType::Formula)
}

/// The refusal to delete a column that formulas still read, listing them.
pub(super) fn still_read(columns: &[Column], column: &Column, refusal: ApiError) -> ApiError {
    let readers = sunday_domain::formula::readers_of(columns, column);
    let dependents: Vec<Dependent> =
        readers.iter().map(|c| Dependent { column_id: c.id.to_string(), title: c.title.clone() }).collect();
    let names: Vec<String> = readers.iter().map(|c| format!("\"{}\"", c.title)).collect();
    ApiError::validation(
        "column_id",
        "used_by_formula",
        format!(
            "column \"{}\" is used by {}; change those formulas first ({})",
            column.title,
            if names.is_empty() { "a formula".to_owned() } else { names.join(", ") },
            refusal.message
        ),
    )
    .with_details(ErrorDetails { dependents: Some(dependents), ..ErrorDetails::rule("column_id", "used_by_formula") })
}

/// `after` (a board's columns once `deleted` is gone) with every formula that no longer
/// compiles marked broken, saying why, and the formulas compiled; the formulas marked are
/// returned too. A forced delete: formulas reading the column, then those reading them.
pub(super) fn break_readers(after: &mut [Column], deleted: &Column) -> (BoardFormulas, Vec<Column>) {
    let mut marked = vec![];
    // Each pass marks one formula, so there are at most as many passes as formulas.
    for _ in 0..=after.len() {
        let refusal = match BoardFormulas::compile(after, None) {
            Ok(f) => return (f, marked),
            Err(r) => r,
        };
        let reads_deleted =
            sunday_domain::formula::readers_of(after, deleted).iter().any(|c| c.id == refusal.column.id);
        let why = if reads_deleted {
            format!("the column \"{}\" it read was deleted", deleted.title)
        } else {
            refusal.error.message.clone()
        };
        let Some(column) = after.iter_mut().find(|c| c.id == refusal.column.id) else { break };
        let ColumnSettings::Formula(f) = &mut column.settings else { break };
        f.broken = Some(why);
        marked.push(column.clone());
    }
    (BoardFormulas::default(), marked)
}

/// Broken formulas that compile again (a formula they read was mended, a column they read is
/// back) are mended in `after`; those that still do not compile stay broken.
pub(super) fn mend(after: &mut [Column]) {
    let broken: Vec<ColumnId> =
        after.iter().filter(|c| c.settings.formula().is_some_and(|f| f.broken.is_some())).map(|c| c.id).collect();
    let mut progress = true;
    while progress {
        progress = false;
        for id in &broken {
            let Some(at) = after.iter().position(|c| c.id == *id) else { continue };
            let ColumnSettings::Formula(f) = &mut after[at].settings else { continue };
            let Some(why) = f.broken.take() else { continue };
            if BoardFormulas::compile(after, None).is_ok() {
                progress = true;
            } else if let ColumnSettings::Formula(f) = &mut after[at].settings {
                f.broken = Some(why);
            }
        }
    }
}

/// The item writes of a structure change: the items already rewritten (`rewritten`, by id,
/// values changed but version not yet bumped) and every item whose formula values change,
/// each with its version bumped, requiring the version it was read at.
pub(super) fn item_writes(
    items: &[Item],
    mut rewritten: HashMap<ItemId, Item>,
    formulas: Option<&BoardFormulas>,
) -> Vec<BoardWrite> {
    let now = to_datetime(now_millis());
    let mut writes = Vec::new();
    for item in items {
        // Only an item rewritten or computed is copied.
        let (mut next, changed) = match (rewritten.remove(&item.id), formulas) {
            (Some(next), _) => (next, true),
            (None, Some(_)) => (item.clone(), false),
            (None, None) => continue,
        };
        let computed = formulas.is_some_and(|f| !f.apply(&mut next, now.date_naive()).is_empty());
        if changed || computed {
            next.version = item.version + 1;
            next.updated_at = now;
            writes.push(BoardWrite::update(item, next));
        }
    }
    writes
}

/// Items a formula preview computes.
const PREVIEW_ITEMS: usize = 5;

impl super::BoardService {
    /// What `expression` would compute for the board's first items, checked as it would be
    /// when saved (in place of `column_id` when it edits that formula).
    pub async fn preview_formula(
        &self,
        actor: &crate::Actor,
        board: sunday_types::BoardId,
        req: sunday_types::board_api::FormulaPreviewRequest,
    ) -> Result<sunday_types::board_api::FormulaPreview, ApiError> {
        use sunday_types::board_api::{FormulaPreview, FormulaPreviewItem};
        use sunday_types::column_settings::{FormulaResult, FormulaSettings};
        let access = self.access(actor, board).await?;
        let (_, structure) = self.columns.get(self.store.as_ref(), board).await?;
        let settings = ColumnSettings::Formula(FormulaSettings {
            expression: req.expression,
            result: FormulaResult::Text,
            broken: None,
        });
        let mut columns: Vec<Column> = structure.columns.clone();
        let id = match req.column_id.and_then(|id| columns.iter_mut().find(|c| c.id == id)) {
            Some(c) if c.column_type == ColumnType::Formula => {
                c.settings = settings;
                c.id
            }
            _ => {
                let probe = Column {
                    id: ColumnId::new(),
                    title: "(preview)".into(),
                    column_type: ColumnType::Formula,
                    settings,
                    position: String::new(),
                    width: None,
                };
                let id = probe.id;
                columns.push(probe);
                id
            }
        };
        let (_, compiled) = check(&columns, Some(id))?;
        let items: Vec<Item> = self
            .engine
            .read(board, access.board.last_seq, |s| s.page(None, None, PREVIEW_ITEMS).into_iter().cloned().collect())
            .await?;
        let today = super::edits::now_date();
        let items = items
            .into_iter()
            .map(|mut item| {
                compiled.apply(&mut item, today);
                FormulaPreviewItem { item_id: item.id, name: item.name.clone(), value: item.values.json(id) }
            })
            .collect();
        Ok(FormulaPreview { result: compiled.result(id).unwrap_or(FormulaResult::Text), items })
    }
}
