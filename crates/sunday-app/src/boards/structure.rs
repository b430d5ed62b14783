//! Groups and columns: the board's structure. Changing a column's settings or type never
//! silently corrupts values: a status label in use cannot disappear without a replacement,
//! and a type change converts what it can and reports what it could not.

use std::collections::{HashMap, HashSet};

use sunday_domain::{
    columns::{check_settings_change, convert_value, normalize_settings},
    formula::error_cell,
    text::parse_name,
};
use sunday_store::{BoardWrite, NewEvent};
use sunday_types::events::*;
use sunday_types::{
    board_api::{ColumnChangeReport, CreateColumnRequest, CreateGroupRequest, UpdateColumnRequest, UpdateGroupRequest},
    boards::{Column, ColumnType, Group, Item},
    cells::CellValue,
    column_settings::ColumnSettings,
    time::{now_millis, to_datetime},
    ApiError, BoardId, ColumnId, ErrorCode, GroupId, ItemId,
};

use super::{dependencies, formulas, placement, recompute, relations, BoardService};
use crate::Actor;

const GROUP_COLORS: &[&str] = &[
    "green", "orange", "red", "blue", "purple", "grey", "yellow", "pink", "teal", "navy", "brown", "lime", "sky",
    "berry", "black", "peach",
];

fn parse_color(raw: Option<&str>, default: &str) -> Result<String, ApiError> {
    let c = raw.unwrap_or(default).trim().to_lowercase();
    let hex = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if hex || GROUP_COLORS.contains(&c.as_str()) {
        Ok(c)
    } else {
        Err(ApiError::validation(
            "color",
            "color",
            format!("a colour is `#rrggbb` or one of {}", GROUP_COLORS.join(", ")),
        ))
    }
}

fn siblings<T>(rows: &[T], key: impl Fn(&T) -> (String, String)) -> Vec<(String, String)> {
    let mut v: Vec<_> = rows.iter().map(key).collect();
    v.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl BoardService {
    pub async fn create_group(
        &self,
        actor: &Actor,
        board: BoardId,
        req: CreateGroupRequest,
    ) -> Result<Group, ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_structure()?;
        let groups = self.store.groups(board, None).await?;
        let position = placement::among(
            &siblings(&groups, |g| (g.id.to_string(), g.position.clone())),
            req.position.as_ref(),
            "group",
        )?;
        let color = GROUP_COLORS[groups.len() % GROUP_COLORS.len()];
        let group = Group {
            id: GroupId::new(),
            title: parse_name("title", &req.title, 255)?,
            color: parse_color(req.color.as_deref(), color)?,
            position,
            collapsed: false,
        };
        let event = NewEvent::new(actor.user_id, BoardChange::GroupCreated(GroupChanged { group: group.clone() }));
        self.commit(board, vec![BoardWrite::InsertGroup { board, group: group.clone() }], vec![event]).await?;
        Ok(group)
    }

    pub async fn update_group(
        &self,
        actor: &Actor,
        board: BoardId,
        id: GroupId,
        req: UpdateGroupRequest,
    ) -> Result<Group, ApiError> {
        let access = self.access(actor, board).await?;
        let groups = self.store.groups(board, Some(actor.user_id)).await?;
        let mut group =
            groups.iter().find(|g| g.id == id).cloned().ok_or_else(|| ApiError::of(ErrorCode::GroupNotFound))?;
        let mut writes = vec![];
        if let Some(collapsed) = req.collapsed {
            // Collapsing is a personal view preference: anyone who sees the board may.
            writes.push(BoardWrite::SetCollapsed { user: actor.user_id, group: id, collapsed });
            group.collapsed = collapsed;
        }
        let structural = req.title.is_some() || req.color.is_some() || req.position.is_some();
        let mut events = vec![];
        if structural {
            actor.require_scope(sunday_types::dto::Scope::Write)?;
            access.require_structure()?;
            if let Some(t) = &req.title {
                group.title = parse_name("title", t, 255)?;
            }
            if let Some(c) = &req.color {
                group.color = parse_color(Some(c), "grey")?;
            }
            if let Some(p) = &req.position {
                let others: Vec<Group> = groups.iter().filter(|g| g.id != id).cloned().collect();
                group.position =
                    placement::among(&siblings(&others, |g| (g.id.to_string(), g.position.clone())), Some(p), "group")?;
            }
            writes.push(BoardWrite::UpdateGroup(Group { collapsed: false, ..group.clone() }));
            events.push(NewEvent::new(
                actor.user_id,
                BoardChange::GroupUpdated(GroupChanged { group: Group { collapsed: false, ..group.clone() } }),
            ));
        } else {
            actor.require_scope(sunday_types::dto::Scope::Read)?;
        }
        if !writes.is_empty() {
            self.commit(board, writes, events).await?;
        }
        Ok(group)
    }

    /// Deletes a group; its items move to `move_to` or are archived.
    pub async fn delete_group(
        &self,
        actor: &Actor,
        board: BoardId,
        id: GroupId,
        move_to: Option<GroupId>,
    ) -> Result<(), ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_structure()?;
        let groups = self.store.groups(board, None).await?;
        if !groups.iter().any(|g| g.id == id) {
            return Err(ApiError::of(ErrorCode::GroupNotFound));
        }
        if groups.len() == 1 {
            return Err(ApiError::validation("group_id", "last_group", "a board keeps at least one group"));
        }
        if let Some(target) = move_to {
            if target == id || !groups.iter().any(|g| g.id == target) {
                return Err(ApiError::validation(
                    "move_items_to",
                    "unknown_group",
                    "move the items to another group of this board",
                ));
            }
        }
        let items: Vec<Item> = self
            .engine
            .read(board, access.board.last_seq, |s| s.items().iter().filter(|i| i.group_id == id).cloned().collect())
            .await?;
        let now = to_datetime(now_millis());
        let mut writes = vec![];
        let mut events = vec![];
        for item in items {
            let mut next = Item { version: item.version + 1, updated_at: now, ..item.clone() };
            let change = match move_to {
                Some(g) => {
                    next.group_id = g;
                    BoardChange::ItemMoved(ItemChanged::moved(&next))
                }
                None => {
                    next.archived = true;
                    BoardChange::ItemArchived(ItemSnapshot { item: next.clone() })
                }
            };
            events.push(NewEvent::new(actor.user_id, change));
            writes.push(BoardWrite::update(&item, next));
        }
        writes.push(BoardWrite::DeleteGroup { group: id, archived_to: move_to });
        events.push(NewEvent::new(
            actor.user_id,
            BoardChange::GroupDeleted(GroupDeleted { group_id: id, moved_to: move_to }),
        ));
        self.commit(board, writes, events).await?;
        Ok(())
    }

    pub async fn create_column(
        &self,
        actor: &Actor,
        board: BoardId,
        req: CreateColumnRequest,
    ) -> Result<Column, ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_structure()?;
        let columns = self.store.columns(board).await?;
        if columns.len() >= 200 {
            return Err(ApiError::validation("columns", "max_columns", "a board has at most 200 columns"));
        }
        let column = Column {
            id: ColumnId::new(),
            title: parse_name("title", &req.title, 255)?,
            column_type: req.column_type,
            settings: normalize_settings(req.column_type, req.settings.as_ref())?,
            position: placement::among(
                &siblings(&columns, |c| (c.id.to_string(), c.position.clone())),
                req.position.as_ref(),
                "column",
            )?,
            width: req.width,
        };
        dependencies::check_settings(&column, &columns)?;
        let mut column = column;
        // `two_way` asks for the column showing the links back; it is not a setting kept.
        let two_way = req.settings.as_ref().and_then(|s| s.get("two_way")).and_then(serde_json::Value::as_bool);
        let reverse = self.plan_relation(actor, &access, &mut column, two_way).await?;
        self.check_mirror(actor, &access, &column, &columns).await?;
        let mut writes = vec![];
        let (mut reload, mut background) = (false, false);
        if formulas::any(&columns) || column.column_type == ColumnType::Formula {
            // A new column can give a formula's `{Title}` its column, and a new formula
            // computes a value for every item, in this commit.
            let mut after = columns.clone();
            after.push(column.clone());
            let (after, compiled) = formulas::check(&after, Some(column.id))?;
            column = after.last().cloned().unwrap_or(column);
            // A large board computes the new values in the background, after this commit (its
            // items are not copied here: that took a tenth of a 100,000-item first computation).
            let seq = access.board.last_seq;
            background = self.engine.read(board, seq, |s| s.items().len()).await? > recompute::INLINE_ITEMS;
            if !background {
                let items: Vec<Item> = self.engine.read(board, seq, |s| s.items().to_vec()).await?;
                let rewrites = formulas::item_writes(&items, HashMap::new(), Some(&compiled));
                reload = !rewrites.is_empty();
                writes.extend(rewrites);
            }
        }
        writes.insert(0, BoardWrite::InsertColumn { board, column: column.clone() });
        let event =
            NewEvent::new(actor.user_id, BoardChange::ColumnCreated(ColumnCreated { column: column.clone(), reload }));
        let mut parts = vec![(board, writes, vec![event])];
        // A two-way relation's column on the linked board comes in the same commit.
        if let Some((target, back)) = reverse {
            let write = BoardWrite::InsertColumn { board: target, column: back.clone() };
            let event =
                NewEvent::new(actor.user_id, BoardChange::ColumnCreated(ColumnCreated { column: back, reload: false }));
            match parts.iter_mut().find(|(b, _, _)| *b == target) {
                Some((_, writes, events)) => {
                    writes.push(write);
                    events.push(event);
                }
                None => parts.push((target, vec![write], vec![event])),
            }
        }
        self.try_commit_parts(parts).await?;
        if background {
            self.spawn_recompute(board, recompute::Why::Structure);
        }
        Ok(column)
    }

    /// Renames, moves, resizes, reconfigures or retypes a column, rewriting the values that
    /// must change in the same transaction.
    pub async fn update_column(
        &self,
        actor: &Actor,
        board: BoardId,
        id: ColumnId,
        req: UpdateColumnRequest,
    ) -> Result<ColumnChangeReport, ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_structure()?;
        let columns = self.store.columns(board).await?;
        let current =
            columns.iter().find(|c| c.id == id).cloned().ok_or_else(|| ApiError::of(ErrorCode::ColumnNotFound))?;
        let mut next = current.clone();
        if let Some(t) = &req.title {
            next.title = parse_name("title", t, 255)?;
        }
        if let Some(w) = req.width {
            next.width = Some(w.clamp(40, 2000));
        }
        if let Some(p) = &req.position {
            let others: Vec<Column> = columns.iter().filter(|c| c.id != id).cloned().collect();
            next.position =
                placement::among(&siblings(&others, |c| (c.id.to_string(), c.position.clone())), Some(p), "column")?;
        }
        let new_type = req.column_type.unwrap_or(current.column_type);
        if new_type != current.column_type || req.settings.is_some() {
            let settings = if new_type != current.column_type && req.settings.is_none() {
                normalize_settings(new_type, None)?
            } else {
                normalize_settings(new_type, req.settings.as_ref())?
            };
            next.column_type = new_type;
            next.settings = settings;
        }
        dependencies::check_settings(&next, &columns)?;
        if current.column_type == ColumnType::BoardRelation && next.column_type != current.column_type {
            if let Some(m) = relations::mirrors_of(&columns, id).first() {
                return Err(relations::used_by_mirror(&current, m));
            }
        }
        // Only a change of settings or type is checked: a rename, resize or move of a relation
        // or mirror whose boards the editor cannot see (or that is broken) goes through.
        if req.settings.is_some() || req.column_type.is_some() {
            if current.settings.relation().is_some() && next.settings.relation().is_some() {
                self.check_relation_change(actor, &access, &current, &mut next).await?;
            } else if next.settings.relation().is_some() {
                self.plan_relation(actor, &access, &mut next, Some(false)).await?;
            }
            self.check_mirror(actor, &access, &next, &columns).await?;
        }
        if next.column_type != current.column_type {
            if let Some(d) = dependencies::dating(&columns, id) {
                if !matches!(next.column_type, ColumnType::Date | ColumnType::Timeline) {
                    return Err(date_in_use(&current, d));
                }
            }
        }
        let items: Vec<Item> = self.engine.read(board, access.board.last_seq, |s| s.items().to_vec()).await?;
        let replacements = req.replacements.clone().unwrap_or_default();
        let (mut converted, mut not_converted) = (0usize, 0usize);
        let mut rewrites: Vec<(Item, Option<CellValue>)> = vec![];
        if new_type != current.column_type {
            // Links and mirrored values never become another column's values: they may come
            // from boards some readers cannot see.
            let linked =
                matches!(current.column_type, ColumnType::BoardRelation | ColumnType::Mirror | ColumnType::Rollup);
            for item in items.iter().filter(|i| i.values.contains(id)) {
                let out =
                    item.values.cell(&current).filter(|_| !linked).and_then(|v| convert_value(&v, &current, &next));
                if out.is_some() {
                    converted += 1
                } else {
                    not_converted += 1
                }
                rewrites.push((item.clone(), out));
            }
        } else if let Some(given) =
            req.settings.as_ref().filter(|_| matches!(current.column_type, ColumnType::Status | ColumnType::Dropdown))
        {
            let used: HashSet<String> =
                items.iter().filter_map(|i| i.values.cell(&current)).flat_map(|v| label_ids(&v)).collect();
            check_settings_change(&current, given, &used, &replacements)?;
            for item in &items {
                let Some(v) = item.values.cell(&current) else { continue };
                if label_ids(&v).iter().any(|l| replacements.contains_key(l)) {
                    rewrites.push((item.clone(), Some(replace_labels(&v, &replacements))));
                    converted += 1;
                }
            }
        }
        let rewritten: HashMap<ItemId, Item> = rewrites
            .into_iter()
            .map(|(item, value)| {
                let mut n = item;
                n.values.set(id, value.as_ref());
                (n.id, n)
            })
            .collect();
        // Formulas follow a rename, are checked against the change and computed again with it.
        let mut other_columns = vec![];
        // A resize or a move changes no formula's value: only a title, type or settings can.
        let reshaped =
            next.title != current.title || next.column_type != current.column_type || next.settings != current.settings;
        let compiled = if formulas::any(&columns) && reshaped {
            let mut after: Vec<Column> =
                columns.iter().map(|c| if c.id == id { next.clone() } else { c.clone() }).collect();
            if next.title != current.title {
                formulas::follow_rename(&mut after, &current.title, &next.title);
            }
            formulas::mend(&mut after);
            let (after, compiled) = formulas::check(&after, Some(id))?;
            for (before, now) in columns.iter().zip(&after) {
                if now.id == id {
                    next = now.clone();
                } else if before != now {
                    other_columns.push(now.clone());
                }
            }
            Some(compiled)
        } else {
            None
        };
        let background = compiled.is_some() && items.len() > recompute::INLINE_ITEMS;
        let mut writes = formulas::item_writes(&items, rewritten, compiled.as_ref().filter(|_| !background));
        let reload = !writes.is_empty();
        writes.push(BoardWrite::UpdateColumn(next.clone()));
        writes.extend(other_columns.into_iter().map(BoardWrite::UpdateColumn));
        if next.column_type != current.column_type || next.settings != current.settings {
            let (_, kept) = self.columns.get(self.store.as_ref(), board).await?;
            writes.extend(relations::past_links_of(&columns, &kept.past, &current));
        }
        let event = NewEvent::new(
            actor.user_id,
            BoardChange::ColumnUpdated(ColumnUpdated {
                column: next.clone(),
                previous: current.clone(),
                converted: converted as u64,
                not_converted: not_converted as u64,
                reload,
            }),
        );
        self.commit(board, writes, vec![event]).await?;
        if background {
            self.spawn_recompute(board, recompute::Why::Structure);
        }
        Ok(ColumnChangeReport { column: next, converted, not_converted })
    }

    /// Deletes a column and its values. Columns that depend on it refuse the delete, unless
    /// `force`: then formulas and mirrors reading it are marked broken (their cells an error
    /// saying why) and a dependency column moving its dates stops moving them, in the same
    /// commit, each with its own `column_updated` event.
    pub async fn delete_column(
        &self,
        actor: &Actor,
        board: BoardId,
        id: ColumnId,
        force: bool,
    ) -> Result<(), ApiError> {
        let access = self.access_for_write(actor, board).await?;
        access.require_structure()?;
        let columns = self.store.columns(board).await?;
        let column =
            columns.iter().find(|c| c.id == id).cloned().ok_or_else(|| ApiError::of(ErrorCode::ColumnNotFound))?;
        // The columns a forced delete changes, as they become.
        let mut changed: Vec<Column> = vec![];
        if let Some(d) = dependencies::dating(&columns, id) {
            if !force {
                return Err(date_in_use(&column, d));
            }
            let mut d = d.clone();
            if let ColumnSettings::Dependency(s) = &mut d.settings {
                s.date_column_id = None;
            }
            changed.push(d);
        }
        for m in relations::mirrors_of(&columns, id) {
            if !force {
                return Err(relations::used_by_mirror(&column, m));
            }
            let mut m = m.clone();
            if let ColumnSettings::Mirror(s) = &mut m.settings {
                s.broken = Some(format!("the relation column \"{}\" it read was deleted", column.title));
            }
            changed.push(m);
        }
        let items: Vec<Item> = self.engine.read(board, access.board.last_seq, |s| s.items().to_vec()).await?;
        let broken_mirrors: Vec<(ColumnId, serde_json::Value)> = changed
            .iter()
            .filter_map(|c| Some((c.id, error_cell("input_deleted", c.settings.mirror()?.broken.as_deref()?))))
            .collect();
        let rewritten: HashMap<ItemId, Item> = items
            .iter()
            .filter(|i| i.values.contains(id) || !broken_mirrors.is_empty())
            .map(|item| {
                let mut n = item.clone();
                n.values.set(id, None);
                for (m, error) in &broken_mirrors {
                    n.values.set_logged(*m, Some(error));
                }
                (n.id, n)
            })
            .collect();
        let compiled = if formulas::any(&columns) {
            let mut after: Vec<Column> = columns
                .iter()
                .filter(|c| c.id != id)
                .map(|c| changed.iter().find(|x| x.id == c.id).unwrap_or(c).clone())
                .collect();
            match formulas::check(&after, None) {
                Ok((_, compiled)) => Some(compiled),
                Err(e) if !force => return Err(formulas::still_read(&columns, &column, e)),
                Err(_) => {
                    let (compiled, marked) = formulas::break_readers(&mut after, &column);
                    changed.extend(marked);
                    Some(compiled)
                }
            }
        } else {
            None
        };
        let background = compiled.is_some() && items.len() > recompute::INLINE_ITEMS;
        let mut writes = formulas::item_writes(&items, rewritten, compiled.as_ref().filter(|_| !background));
        let reload = !writes.is_empty();
        let (_, kept) = self.columns.get(self.store.as_ref(), board).await?;
        writes.extend(relations::past_links_of(&columns, &kept.past, &column));
        writes.push(BoardWrite::DeleteColumn(id));
        let mut events = vec![];
        for c in changed {
            let previous = columns.iter().find(|p| p.id == c.id).cloned().unwrap_or_else(|| c.clone());
            writes.push(BoardWrite::UpdateColumn(c.clone()));
            let updated = ColumnUpdated { column: c, previous, converted: 0, not_converted: 0, reload };
            events.push(NewEvent::new(actor.user_id, BoardChange::ColumnUpdated(updated)));
        }
        events.push(NewEvent::new(
            actor.user_id,
            BoardChange::ColumnDeleted(ColumnDeleted { column: column.clone(), reload }),
        ));
        self.commit(board, writes, events).await?;
        if background {
            self.spawn_recompute(board, recompute::Why::Structure);
        }
        Ok(())
    }
}

/// The label or option ids a status or dropdown value uses.
/// The label or option ids a status or dropdown cell names.
fn label_ids(v: &CellValue) -> Vec<String> {
    match v {
        CellValue::Status(s) => vec![s.clone()],
        CellValue::Dropdown(ids) => ids.clone(),
        _ => vec![],
    }
}

/// The cell with labels or options replaced as `map` says (a dropdown keeps each once).
fn replace_labels(v: &CellValue, map: &HashMap<String, String>) -> CellValue {
    let swap = |s: &str| map.get(s).cloned().unwrap_or_else(|| s.to_owned());
    match v {
        CellValue::Status(s) => CellValue::Status(swap(s)),
        CellValue::Dropdown(ids) => {
            let mut out: Vec<String> = vec![];
            for x in ids.iter().map(|x| swap(x)) {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            CellValue::Dropdown(out)
        }
        other => other.clone(),
    }
}

/// The refusal to delete or retype the date column a dependency column moves.
fn date_in_use(column: &Column, dependency: &Column) -> ApiError {
    ApiError::validation(
        "column_id",
        "used_by_dependency",
        format!(
            "column \"{}\" holds the dates dependency column \"{}\" moves; change that column's settings first",
            column.title, dependency.title
        ),
    )
}
