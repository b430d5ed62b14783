//! Connected boards kept current, as a consumer of the event log: the links back of two-way
//! relations, links to items that were deleted or archived (and back when restored), and mirror
//! values, computed from the linked items and stored like any cell so they filter, sort,
//! export and trigger automations.
//!
//! For each board it follows, the consumer reads the events after its cursor and works out
//! which items, on any board, must change (a [`Plan`]); then it rewrites those items from what
//! the boards hold *now* (not from the events), each board's items in chunks of one commit of
//! ordinary item changes by the links actor, and only then moves its cursor. So a crash
//! between the two replays the batch, which changes nothing the second time, and the order
//! in which events of different boards are handled does not matter: a rewrite always reaches
//! the same values. Writes race with people's edits through item versions (a lost race reads
//! the chunk again).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sunday_domain::columns::kinds::RELATION_LINKS_MAX;
use sunday_domain::formula::error_cell;
use sunday_domain::mirror::{self, Linked};
use sunday_store::{BoardWrite, NewEvent, StoreError};
use sunday_types::{
    automations::LINKS_ACTOR,
    boards::{BoardEvent, Column, ColumnType, Item},
    cells::CellValue,
    column_settings::{MirrorSettings, MirrorSource},
    events::{BoardChange, ItemChanged},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ColumnId, ItemId,
};

use super::{columns_cache::BoardColumns, edits::now_date, BoardService};

/// The consumer name of the links cursors.
pub const CONSUMER: &str = "relations";

/// Events read from the log per pass.
pub(super) const BATCH: usize = 500;

/// Items rewritten per commit.
const CHUNK: usize = 500;

/// Who must change: items whose relation cells get a link set or cleared, items whose
/// mirrors (and links) are computed again, and boards all of whose linked items are.
#[derive(Default)]
pub(super) struct Plan {
    links: HashMap<BoardId, HashMap<ItemId, Vec<(ColumnId, ItemId)>>>,
    refresh: HashMap<BoardId, HashSet<ItemId>>,
    whole: HashSet<BoardId>,
}

impl Plan {
    fn refresh(&mut self, board: BoardId, item: ItemId) {
        self.refresh.entry(board).or_default().insert(item);
    }

    /// `item`'s relation cell in `column` must link to `other` if `other` is live and links
    /// back (checked when rewritten).
    fn link(&mut self, board: BoardId, item: ItemId, column: ColumnId, other: ItemId) {
        self.links.entry(board).or_default().entry(item).or_default().push((column, other));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.links.is_empty() && self.refresh.is_empty() && self.whole.is_empty()
    }
}

/// The item ids of an item's relation cell.
fn linked_ids(item: &Item, column: &Column) -> Vec<ItemId> {
    match item.values.cell(column) {
        Some(CellValue::Items(ids)) => ids,
        _ => vec![],
    }
}

/// The ids a relation cell held before or after a change.
fn ids_in(value: Option<&serde_json::Value>) -> Vec<ItemId> {
    value
        .and_then(|v| CellValue::from_stored(ColumnType::BoardRelation, v))
        .map(|v| match v {
            CellValue::Items(ids) => ids,
            _ => vec![],
        })
        .unwrap_or_default()
}

/// A board relation column linking to another board, and the mirrors over it there.
struct Incoming {
    board: BoardId,
    relation: Column,
    mirrors: Vec<MirrorSettings>,
}

impl Incoming {
    /// Whether a change of these columns (or of the name) changes one of its mirrors.
    fn reads(&self, columns: &HashSet<ColumnId>, renamed: bool) -> bool {
        self.mirrors.iter().any(|m| match m.column_id {
            Some(c) => columns.contains(&c),
            None => renamed,
        })
    }
}

impl BoardService {
    /// What the events of `board` change, on it and on the boards linked to it.
    pub(super) async fn plan_links(&self, board: BoardId, events: &[BoardEvent]) -> Result<Plan, ApiError> {
        let mut plan = Plan::default();
        let (_, own) = self.columns.get(self.store.as_ref(), board).await?;
        let relations: Vec<&Column> = own.columns.iter().filter(|c| c.settings.relation().is_some()).collect();
        let has_mirrors = own.columns.iter().any(|c| c.settings.mirror().is_some());
        let mut incoming = vec![];
        for (from, relation) in self.store.relations_to(board).await? {
            let (_, theirs) = self.columns.get(self.store.as_ref(), from).await?;
            let mirrors = theirs
                .columns
                .iter()
                .filter_map(|c| c.settings.mirror())
                .filter(|m| m.relation_column_id == Some(relation.id))
                .cloned()
                .collect();
            incoming.push(Incoming { board: from, relation, mirrors });
        }
        // A subitem board's items feed the rollups of their parents.
        let mut parent = None;
        if let Some(p) = self.store.board(board).await?.and_then(|b| b.parent_board_id) {
            let (_, theirs) = self.columns.get(self.store.as_ref(), p).await?;
            let rollups: Vec<MirrorSettings> = theirs
                .columns
                .iter()
                .filter_map(|c| c.settings.mirror())
                .filter(|m| m.source == MirrorSource::Subitems)
                .cloned()
                .collect();
            if !rollups.is_empty() {
                parent = Some((p, rollups));
            }
        }
        if relations.is_empty() && incoming.is_empty() && !has_mirrors && parent.is_none() {
            return Ok(plan);
        }
        // Who links to each item of this board, worked out once per batch when needed.
        let mut linking: Option<HashMap<ItemId, Vec<(usize, ItemId)>>> = None;
        for event in events {
            if let Some((p, rollups)) = &parent {
                rollup_plan(&mut plan, *p, rollups, &event.change);
            }
            match &event.change {
                BoardChange::ItemCreated(c) => {
                    self.links_back(&mut plan, &relations, &c.item, &c.item.values.columns().collect());
                    if has_mirrors {
                        plan.refresh(board, c.item.id);
                    }
                }
                BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
                    let changed: HashSet<ColumnId> = c.changes.iter().map(|ch| ch.column_id).collect();
                    let touched: Vec<&Column> = relations.iter().copied().filter(|r| changed.contains(&r.id)).collect();
                    // This follower's own rewrites of a relation cell owe the other side
                    // nothing: they drop links to items no longer live (archived, deleted) and
                    // add links the other side already holds. Answering them raced a restore:
                    // the drop made at an archive, handled after the item came back, unlinked
                    // its side before the restore linked it again, and the link was lost.
                    let owed: &[&Column] = if event.actor == LINKS_ACTOR { &[] } else { &touched };
                    for r in owed {
                        let Some(reverse) = r.settings.relation().and_then(|s| s.reverse_column_id) else { continue };
                        let target = r.settings.relation().and_then(|s| s.board_ids.first().copied());
                        let ch = c.changes.iter().find(|ch| ch.column_id == r.id);
                        let (old, new) =
                            (ids_in(ch.and_then(|ch| ch.old.as_ref())), ids_in(ch.and_then(|ch| ch.new.as_ref())));
                        for other in old.into_iter().chain(new) {
                            if let Some(target) = target {
                                plan.link(target, other, reverse, c.item.id);
                            }
                        }
                    }
                    if !touched.is_empty() && has_mirrors {
                        plan.refresh(board, c.item.id);
                    }
                    let renamed = c.name.is_some();
                    if incoming.iter().any(|i| i.reads(&changed, renamed)) {
                        let by = self.linking(&mut linking, &incoming).await?;
                        for (at, x) in by.get(&c.item.id).into_iter().flatten() {
                            let i = &incoming[*at];
                            if i.reads(&changed, renamed) {
                                plan.refresh(i.board, *x);
                            }
                        }
                    }
                }
                // Computed cells are never relations: only mirrors of them change.
                BoardChange::ItemsComputed(c) => {
                    for cells in c.items.iter() {
                        let changed: HashSet<ColumnId> = cells.changes.iter().map(|ch| ch.column_id).collect();
                        if incoming.iter().any(|i| i.reads(&changed, false)) {
                            let by = self.linking(&mut linking, &incoming).await?;
                            for (at, x) in by.get(&cells.item_id).into_iter().flatten() {
                                if incoming[*at].reads(&changed, false) {
                                    plan.refresh(incoming[*at].board, *x);
                                }
                            }
                        }
                    }
                }
                // Items leaving (or coming back to) the board: whoever links to them drops (or
                // regains) the link.
                BoardChange::ItemArchived(s) => {
                    self.refresh_linking(&mut plan, &mut linking, &incoming, s.item.id).await?
                }
                BoardChange::ItemDeleted(d) if d.moved_to.is_none() => {
                    self.refresh_linking(&mut plan, &mut linking, &incoming, d.item_id).await?
                }
                BoardChange::ItemRestored(s) => {
                    self.links_back(&mut plan, &relations, &s.item, &relations.iter().map(|r| r.id).collect());
                    if has_mirrors {
                        plan.refresh(board, s.item.id);
                    }
                }
                BoardChange::ColumnCreated(c) if c.column.settings.mirror().is_some() => {
                    plan.whole.insert(board);
                }
                // A copied board's items came without events of their own: the links back its
                // two-way relations owe (on a new column of the linked board), and its mirrors.
                BoardChange::BoardCreated(c) if c.duplicated_from.is_some() => {
                    if relations.iter().any(|r| r.settings.relation().is_some_and(|s| s.reverse_column_id.is_some())) {
                        let seq = self.store.board(board).await?.map_or(0, |b| b.last_seq);
                        let items: Vec<Item> = self.engine.read(board, seq, |s| s.items().to_vec()).await?;
                        let all: HashSet<ColumnId> = relations.iter().map(|r| r.id).collect();
                        for item in &items {
                            self.links_back(&mut plan, &relations, item, &all);
                        }
                    }
                    if has_mirrors {
                        plan.whole.insert(board);
                    }
                }
                BoardChange::ColumnUpdated(u) => {
                    if u.column.settings.mirror().is_some() || u.column.settings.relation().is_some() {
                        plan.whole.insert(board);
                    }
                    let column = HashSet::from([u.column.id]);
                    plan.whole.extend(incoming.iter().filter(|i| i.reads(&column, false)).map(|i| i.board));
                }
                BoardChange::ColumnDeleted(d) => {
                    let column = HashSet::from([d.column.id]);
                    plan.whole.extend(incoming.iter().filter(|i| i.reads(&column, false)).map(|i| i.board));
                }
                _ => {}
            }
        }
        Ok(plan)
    }

    /// The links back a two-way relation owes for `item`'s cells in `columns`.
    fn links_back(&self, plan: &mut Plan, relations: &[&Column], item: &Item, columns: &HashSet<ColumnId>) {
        for r in relations.iter().filter(|r| columns.contains(&r.id)) {
            let Some(s) = r.settings.relation() else { continue };
            let (Some(reverse), Some(target)) = (s.reverse_column_id, s.board_ids.first()) else { continue };
            for other in linked_ids(item, r) {
                plan.link(*target, other, reverse, item.id);
            }
        }
    }

    async fn refresh_linking(
        &self,
        plan: &mut Plan,
        linking: &mut Option<HashMap<ItemId, Vec<(usize, ItemId)>>>,
        incoming: &[Incoming],
        item: ItemId,
    ) -> Result<(), ApiError> {
        if incoming.is_empty() {
            return Ok(());
        }
        let by = self.linking(linking, incoming).await?;
        for (at, x) in by.get(&item).into_iter().flatten() {
            plan.refresh(incoming[*at].board, *x);
        }
        Ok(())
    }

    /// For each linked item, the relations (index into `incoming`) and items linking to it.
    async fn linking<'a>(
        &self,
        kept: &'a mut Option<HashMap<ItemId, Vec<(usize, ItemId)>>>,
        incoming: &[Incoming],
    ) -> Result<&'a HashMap<ItemId, Vec<(usize, ItemId)>>, ApiError> {
        if kept.is_none() {
            let mut by: HashMap<ItemId, Vec<(usize, ItemId)>> = HashMap::new();
            for (at, i) in incoming.iter().enumerate() {
                let Some(b) = self.store.board(i.board).await? else { continue };
                let pairs: Vec<(ItemId, ItemId)> = self
                    .engine
                    .read(i.board, b.last_seq, |s| {
                        s.items()
                            .iter()
                            .flat_map(|x| linked_ids(x, &i.relation).into_iter().map(move |y| (y, x.id)))
                            .collect()
                    })
                    .await?;
                for (y, x) in pairs {
                    by.entry(y).or_default().push((at, x));
                }
            }
            *kept = Some(by);
        }
        Ok(kept.get_or_insert_with(HashMap::new))
    }

    /// Rewrites every item the plan names, board by board.
    pub(super) async fn carry_out(&self, mut plan: Plan) -> Result<(), ApiError> {
        if plan.is_empty() {
            return Ok(());
        }
        let mut boards: HashSet<BoardId> = plan.links.keys().chain(plan.refresh.keys()).copied().collect();
        boards.extend(plan.whole.iter().copied());
        for board in boards {
            let Some(b) = self.store.board(board).await? else { continue };
            let links = plan.links.remove(&board).unwrap_or_default();
            let mut ids: HashSet<ItemId> = plan.refresh.remove(&board).unwrap_or_default();
            ids.extend(links.keys().copied());
            if plan.whole.contains(&board) {
                let (_, structure) = self.columns.get(self.store.as_ref(), board).await?;
                let relations: Vec<Column> =
                    structure.columns.iter().filter(|c| c.settings.relation().is_some()).cloned().collect();
                let rolls_up = structure
                    .columns
                    .iter()
                    .any(|c| c.settings.mirror().is_some_and(|m| m.source == MirrorSource::Subitems));
                // Items holding a mirror value (an error of a mirror since mended, a link since
                // gone) are computed again too.
                let mirrors: Vec<ColumnId> =
                    structure.columns.iter().filter(|c| c.settings.mirror().is_some()).map(|c| c.id).collect();
                let all: Vec<ItemId> = self
                    .engine
                    .read(board, b.last_seq, |s| {
                        s.items()
                            .iter()
                            .filter(|i| {
                                rolls_up
                                    || relations.iter().any(|r| i.values.contains(r.id))
                                    || mirrors.iter().any(|m| i.values.contains(*m))
                            })
                            .map(|i| i.id)
                            .collect()
                    })
                    .await?;
                ids.extend(all);
            }
            let mut ids: Vec<ItemId> = ids.into_iter().collect();
            ids.sort();
            for chunk in ids.chunks(CHUNK) {
                self.rewrite_linked(board, chunk, &links).await?;
            }
        }
        Ok(())
    }

    /// Computes the chunk's relation cells (links owed, links to items no longer live
    /// dropped), mirrors and formulas again, and commits the items that changed.
    async fn rewrite_linked(
        &self,
        board: BoardId,
        ids: &[ItemId],
        links: &HashMap<ItemId, Vec<(ColumnId, ItemId)>>,
    ) -> Result<(), ApiError> {
        let mut attempts = 0;
        loop {
            let Some(b) = self.store.board(board).await? else { return Ok(()) };
            let (version, structure) = self.columns.get(self.store.as_ref(), board).await?;
            let items: Vec<Item> = self
                .engine
                .read(board, b.last_seq, |s| ids.iter().filter_map(|id| s.item(*id).cloned()).collect())
                .await?;
            let linked = self.linked_items(&structure, b.subitem_board_id, &items, links).await?;
            let today = now_date();
            let mut writes = vec![BoardWrite::ExpectStructure { board, version }];
            let mut events = vec![];
            for item in &items {
                let mut next = item.clone();
                for column in structure.columns.iter().filter(|c| c.settings.relation().is_some()) {
                    let owed = links.get(&item.id).into_iter().flatten().filter(|(c, _)| *c == column.id);
                    relink(&mut next, column, owed.map(|(_, other)| *other), &linked);
                }
                for column in &structure.columns {
                    let Some(m) = column.settings.mirror() else { continue };
                    match &m.broken {
                        // Until its settings are saved again, it says why it computes nothing.
                        Some(why) => next.values.set_logged(column.id, Some(&error_cell("input_deleted", why))),
                        None => {
                            let value = mirror_value(&next, m, &structure.columns, &linked);
                            next.values.set(column.id, value.as_ref());
                        }
                    }
                }
                structure.formulas.apply(&mut next, today);
                if next.values == item.values {
                    continue;
                }
                next.version = item.version + 1;
                next.updated_at = to_datetime(now_millis());
                events.push(NewEvent::new(LINKS_ACTOR, BoardChange::ItemUpdated(ItemChanged::between(item, &next))));
                writes.push(BoardWrite::update(item, next));
            }
            if events.is_empty() {
                return Ok(());
            }
            match self.try_commit(board, writes, events).await {
                Ok(_) => return Ok(()),
                Err(StoreError::VersionConflict(_) | StoreError::StructureChanged) if attempts < 16 => attempts += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The live items the chunk's relation cells (and the links owed to it) name, with the
    /// columns of their boards.
    async fn linked_items(
        &self,
        structure: &BoardColumns,
        sub_board: Option<BoardId>,
        items: &[Item],
        links: &HashMap<ItemId, Vec<(ColumnId, ItemId)>>,
    ) -> Result<LinkedItems, ApiError> {
        let mut out = LinkedItems::default();
        for column in &structure.columns {
            let Some(s) = column.settings.relation() else { continue };
            let mut wanted: HashSet<ItemId> = items.iter().flat_map(|i| linked_ids(i, column)).collect();
            wanted.extend(links.values().flatten().filter(|(c, _)| *c == column.id).map(|(_, o)| *o));
            for target in &s.board_ids {
                if wanted.is_empty() {
                    break;
                }
                let Some(b) = self.store.board(*target).await? else { continue };
                let (_, columns) = self.columns.get(self.store.as_ref(), *target).await?;
                let found: Vec<Item> = self
                    .engine
                    .read(*target, b.last_seq, |st| wanted.iter().filter_map(|id| st.item(*id).cloned()).collect())
                    .await?;
                for item in found {
                    wanted.remove(&item.id);
                    out.items.insert(item.id, (item, *target));
                }
                out.fed.insert(*target, super::formulas::mirror_fed(&columns.columns));
                out.columns.insert(*target, columns);
            }
        }
        let rolls_up =
            structure.columns.iter().any(|c| c.settings.mirror().is_some_and(|m| m.source == MirrorSource::Subitems));
        if let (true, Some(sub)) = (rolls_up, sub_board) {
            if let Some(b) = self.store.board(sub).await? {
                let (_, columns) = self.columns.get(self.store.as_ref(), sub).await?;
                let parents: HashSet<ItemId> = items.iter().map(|i| i.id).collect();
                let found: Vec<Item> = self
                    .engine
                    .read(sub, b.last_seq, |st| {
                        st.items()
                            .iter()
                            .filter(|i| i.parent_item_id.is_some_and(|p| parents.contains(&p)))
                            .cloned()
                            .collect()
                    })
                    .await?;
                for mut item in found {
                    let Some(p) = item.parent_item_id else { continue };
                    item.board_id = sub;
                    out.subitems.entry(p).or_default().push(item);
                }
                for list in out.subitems.values_mut() {
                    list.sort_by(|a, b| (&a.position, a.id).cmp(&(&b.position, b.id)));
                }
                out.fed.insert(sub, super::formulas::mirror_fed(&columns.columns));
                out.columns.insert(sub, columns);
                out.sub_board = Some(sub);
            }
        }
        Ok(out)
    }
}

/// What the events of a subitem board change in its parent board: the rollups of the items
/// whose subitems were created, changed, archived or restored (all of them when one was
/// deleted, or a column the rollups read changed).
fn rollup_plan(plan: &mut Plan, parent: BoardId, rollups: &[MirrorSettings], change: &BoardChange) {
    let reads = |c: ColumnId| rollups.iter().any(|m| m.column_id == Some(c));
    match change {
        BoardChange::ItemCreated(c) => {
            if let Some(p) = c.item.parent_item_id {
                plan.refresh(parent, p);
            }
        }
        BoardChange::ItemUpdated(c) | BoardChange::ItemMoved(c) => {
            if let Some(p) = c.item.parent_item_id {
                plan.refresh(parent, p);
            }
        }
        BoardChange::ItemArchived(s) | BoardChange::ItemRestored(s) => {
            if let Some(p) = s.item.parent_item_id {
                plan.refresh(parent, p);
            }
        }
        BoardChange::ItemDeleted(_) => {
            plan.whole.insert(parent);
        }
        // The event names the subitems, not their parents: every parent's rollups, when they
        // read a computed column.
        BoardChange::ItemsComputed(c) if c.items.iter().flat_map(|i| &i.changes).any(|ch| reads(ch.column_id)) => {
            plan.whole.insert(parent);
        }
        BoardChange::ColumnUpdated(u) if reads(u.column.id) => {
            plan.whole.insert(parent);
        }
        BoardChange::ColumnDeleted(d) if reads(d.column.id) => {
            plan.whole.insert(parent);
        }
        _ => {}
    }
}

/// Live linked items by id, with their board, and the columns of those boards; the live
/// subitems of the items rewritten, by parent, in board order, with their board.
#[derive(Default)]
struct LinkedItems {
    items: HashMap<ItemId, (Item, BoardId)>,
    /// Per board, the columns computed from mirrors (`formulas::mirror_fed`): never read by a
    /// mirror, whatever its settings say since they were saved.
    fed: HashMap<BoardId, HashSet<ColumnId>>,
    columns: HashMap<BoardId, Arc<BoardColumns>>,
    subitems: HashMap<ItemId, Vec<Item>>,
    sub_board: Option<BoardId>,
}

/// `item`'s cell in relation `column` with the links `owed` set as the other side says
/// (present when the other item is live and links back in its reverse column) and links to
/// items that are no longer live on the column's boards dropped.
fn relink(item: &mut Item, column: &Column, owed: impl Iterator<Item = ItemId>, linked: &LinkedItems) {
    let Some(s) = column.settings.relation() else { return };
    let mut ids = linked_ids(item, column);
    let live = |id: &ItemId| linked.items.get(id).is_some_and(|(_, board)| s.board_ids.contains(board));
    for other in owed {
        let back = linked.items.get(&other).and_then(|(o, board)| {
            let reverse = linked.columns.get(board)?.columns.iter().find(|c| Some(c.id) == s.reverse_column_id)?;
            Some(linked_ids(o, reverse).contains(&item.id))
        });
        match back {
            Some(true) if !ids.contains(&other) && ids.len() < RELATION_LINKS_MAX => ids.push(other),
            Some(true) => {}
            _ => ids.retain(|i| *i != other),
        }
    }
    ids.retain(|id| live(id));
    let value = (!ids.is_empty()).then_some(CellValue::Items(ids));
    item.values.set(column.id, value.as_ref());
}

/// The mirror's value for `item`, from the live linked items (or its subitems).
fn mirror_value(item: &Item, m: &MirrorSettings, columns: &[Column], linked: &LinkedItems) -> Option<CellValue> {
    let (MirrorSource::Relation, Some(relation_id)) = (m.source, m.relation_column_id) else {
        let sub = linked.columns.get(&linked.sub_board?)?;
        let fed = linked.fed.get(&linked.sub_board?)?;
        let column = m.column_id.and_then(|c| sub.columns.iter().find(|x| x.id == c && !fed.contains(&x.id)));
        let list: Vec<Linked<'_>> = linked
            .subitems
            .get(&item.id)
            .into_iter()
            .flatten()
            .map(|s| Linked { name: &s.name, value: column.and_then(|c| Some((s.values.cell(c)?, c))) })
            .collect();
        return mirror::compute(m.function, m.column_id.is_none(), &list);
    };
    let relation = columns.iter().find(|c| c.id == relation_id && c.settings.relation().is_some())?;
    let list: Vec<Linked<'_>> = linked_ids(item, relation)
        .iter()
        .filter_map(|id| linked.items.get(id))
        .map(|(other, board)| {
            // A mirror never reads another mirror: two boards mirroring each other would
            // recompute forever.
            let column = m.column_id.and_then(|c| {
                let fed = linked.fed.get(board)?;
                linked.columns.get(board)?.columns.iter().find(|x| x.id == c && !fed.contains(&x.id))
            });
            Linked { name: &other.name, value: column.and_then(|c| Some((other.values.cell(c)?, c))) }
        })
        .collect();
    mirror::compute(m.function, m.column_id.is_none(), &list)
}
