//! Turning a requested placement (a key, before/after a sibling, top/bottom) into a
//! fractional-index position, so a move or insert never renumbers other rows.

use std::collections::HashMap;

use sunday_domain::position;
use sunday_engine::{BoardState, Siblings};
use sunday_types::{
    board_api::{Placement, RelativePlacement},
    ApiError, ErrorCode, ErrorDetails, GroupId, ItemId,
};

/// A sibling's position with the positions just before and after it.
type Around<'s> = (Option<&'s str>, &'s str, Option<&'s str>);

/// The key `placement` asks for, given the siblings' first and last positions and how to find
/// a named sibling with its neighbours: the one reading of a placement.
fn resolve<'s>(
    placement: Option<&Placement>,
    (first, last): (Option<&'s str>, Option<&'s str>),
    around: impl FnOnce(&str) -> Result<Around<'s>, ApiError>,
) -> Result<String, ApiError> {
    match placement {
        None => position::between(last, None),
        Some(Placement::Key(k)) => {
            if position::is_valid(k) {
                Ok(k.clone())
            } else {
                Err(ApiError::validation("position", "invalid_key", "a position key uses only 0-9, A-Z and a-z"))
            }
        }
        Some(Placement::Relative(RelativePlacement { before: Some(id), after: None, at: None })) => {
            let (prev, at, _) = around(id)?;
            position::between(prev, Some(at))
        }
        Some(Placement::Relative(RelativePlacement { after: Some(id), before: None, at: None })) => {
            let (_, at, next) = around(id)?;
            position::between(Some(at), next)
        }
        Some(Placement::Relative(RelativePlacement { at: Some(at), before: None, after: None })) => match at.as_str() {
            "top" => position::between(None, first),
            "bottom" => position::between(last, None),
            _ => Err(ApiError::validation("position", "invalid_at", "`at` is `top` or `bottom`")),
        },
        Some(_) => Err(ApiError::new(ErrorCode::ValidationFailed, "give exactly one of `before`, `after` or `at`")
            .with_details(ErrorDetails::rule("position", "one_of"))),
    }
}

fn unknown_sibling(what: &str, id: &str) -> ApiError {
    ApiError::validation("position", "unknown_sibling", format!("no {what} `{id}` to place next to"))
}

/// A position among `siblings` (id, position), sorted by position then id (groups, columns).
pub fn among(siblings: &[(String, String)], placement: Option<&Placement>, what: &str) -> Result<String, ApiError> {
    let ends = (siblings.first().map(|(_, p)| p.as_str()), siblings.last().map(|(_, p)| p.as_str()));
    resolve(placement, ends, |id| {
        let i = siblings.iter().position(|(sid, _)| sid == id).ok_or_else(|| unknown_sibling(what, id))?;
        let pos = |j: usize| siblings.get(j).map(|s| s.1.as_str());
        Ok((i.checked_sub(1).and_then(pos), siblings[i].1.as_str(), pos(i + 1)))
    })
}

/// Places items among their siblings in O(log n) each: the board engine keeps every group's
/// items ordered by position, and the items placed earlier in the same request (a bulk create,
/// an import) are kept in an overlay, so a run of new items is positioned without scanning or
/// sorting the group.
pub struct Placer<'a> {
    state: &'a BoardState,
    parent: Option<ItemId>,
    pending: HashMap<GroupId, Siblings>,
    pending_at: HashMap<ItemId, (GroupId, String)>,
}

type Entry<'s> = (&'s str, ItemId);

impl<'a> Placer<'a> {
    /// A placer for top-level items (`parent` `None`) or the subitems of `parent`.
    pub fn new(state: &'a BoardState, parent: Option<ItemId>) -> Placer<'a> {
        Placer { state, parent, pending: HashMap::new(), pending_at: HashMap::new() }
    }

    /// The position for item `id` in `group` as `placement` asks (the end by default); the
    /// item then counts as a sibling of the items placed after it.
    pub fn place(&mut self, id: ItemId, group: GroupId, placement: Option<&Placement>) -> Result<String, ApiError> {
        let position = self.position(group, placement)?;
        self.pending.entry(group).or_default().insert((position.as_str().into(), id));
        self.pending_at.insert(id, (group, position.clone()));
        Ok(position)
    }

    /// The position for an item of `group` without recording it (a move).
    pub fn position(&self, group: GroupId, placement: Option<&Placement>) -> Result<String, ApiError> {
        let sets = [self.state.siblings(group, self.parent), self.pending.get(&group)];
        let sets = sets.iter().flatten();
        fn entry((p, id): &sunday_engine::Place) -> Entry<'_> {
            (p.as_str(), *id)
        }
        let last = sets.clone().filter_map(|s| s.last()).map(entry).max().map(|e| e.0);
        let first = sets.clone().filter_map(|s| s.first()).map(entry).min().map(|e| e.0);
        resolve(placement, (first, last), |id| {
            let at = self.locate(id, group)?;
            let key: sunday_engine::Place = (at.0.into(), at.1);
            let before = sets.clone().filter_map(|s| s.range(..key.clone()).next_back()).map(entry).max();
            let bound = (std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded);
            let after = sets.clone().filter_map(|s| s.range(bound.clone()).next()).map(entry).min();
            Ok((before.map(|e| e.0), at.0, after.map(|e| e.0)))
        })
    }

    /// The sibling `id` of `group` (live, or placed earlier by this placer).
    fn locate(&self, id: &str, group: GroupId) -> Result<Entry<'_>, ApiError> {
        let unknown = || unknown_sibling("item", id);
        let id: ItemId = id.parse().map_err(|_| unknown())?;
        if let Some((g, p)) = self.pending_at.get(&id) {
            return if *g == group { Ok((p.as_str(), id)) } else { Err(unknown()) };
        }
        match self.state.item(id) {
            Some(i) if i.group_id == group && i.parent_item_id == self.parent => Ok((i.position.as_str(), id)),
            _ => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sunday_types::{boards::Item, time::to_datetime, BoardId, UserId};

    use super::*;

    /// The placement as it was computed before the engine kept siblings ordered: collect the
    /// group's items and the ones placed so far, sort them, look the neighbours up.
    fn by_sorting(
        items: &[Item],
        pending: &[(ItemId, GroupId, String)],
        group: GroupId,
        placement: Option<&Placement>,
    ) -> Result<String, ApiError> {
        let mut siblings: Vec<(String, String)> = items
            .iter()
            .filter(|i| i.group_id == group && i.parent_item_id.is_none())
            .map(|i| (i.id.to_string(), i.position.clone()))
            .chain(pending.iter().filter(|p| p.1 == group).map(|p| (p.0.to_string(), p.2.clone())))
            .collect();
        siblings.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        among(&siblings, placement, "item")
    }

    fn item(group: GroupId, position: String) -> Item {
        Item {
            id: ItemId::new(),
            board_id: BoardId::new(),
            group_id: group,
            name: "i".into(),
            position,
            values: Default::default(),
            version: 1,
            created_by: UserId::new(),
            created_at: to_datetime(0),
            updated_at: to_datetime(0),
            parent_item_id: None,
            archived: false,
            auto_number: 1,
        }
    }

    #[derive(Clone, Debug)]
    enum Ask {
        End,
        Top,
        Bottom,
        Before(usize),
        After(usize),
    }

    fn ask() -> impl Strategy<Value = (usize, Ask)> {
        let kind = prop_oneof![
            Just(Ask::End),
            Just(Ask::Top),
            Just(Ask::Bottom),
            (0usize..64).prop_map(Ask::Before),
            (0usize..64).prop_map(Ask::After),
        ];
        (0usize..3, kind)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Every run of placements gives exactly the positions (and errors) that sorting the
        /// group each time gave, with duplicate positions on the board (ties broken by id)
        /// and references to items of other groups.
        #[test]
        fn the_placer_agrees_with_sorting_the_group(
            existing in proptest::collection::vec((0usize..3, 0usize..8), 0..40),
            asks in proptest::collection::vec(ask(), 1..30),
        ) {
            let groups = [GroupId::new(), GroupId::new(), GroupId::new()];
            let keys = position::sequence(8);
            let items: Vec<Item> = existing.iter().map(|(g, k)| item(groups[*g], keys[*k].clone())).collect();
            let state = BoardState::new(items.clone(), 0);
            let mut placer = Placer::new(&state, None);
            let mut pending: Vec<(ItemId, GroupId, String)> = vec![];
            for (g, ask) in asks {
                let known: Vec<ItemId> = items.iter().map(|i| i.id).chain(pending.iter().map(|p| p.0)).collect();
                let rel = |before: Option<usize>, after: Option<usize>, at: Option<&str>| {
                    let pick = |n: usize| known.get(n % known.len().max(1)).map(|id| id.to_string()).unwrap_or_default();
                    Placement::Relative(RelativePlacement {
                        before: before.map(pick),
                        after: after.map(pick),
                        at: at.map(str::to_owned),
                    })
                };
                let placement = match ask {
                    Ask::End => None,
                    Ask::Top => Some(rel(None, None, Some("top"))),
                    Ask::Bottom => Some(rel(None, None, Some("bottom"))),
                    Ask::Before(n) => Some(rel(Some(n), None, None)),
                    Ask::After(n) => Some(rel(None, Some(n), None)),
                };
                let id = ItemId::new();
                let expected = by_sorting(&items, &pending, groups[g], placement.as_ref());
                let got = placer.place(id, groups[g], placement.as_ref());
                prop_assert_eq!(got.as_ref().map_err(|e| e.message.clone()), expected.as_ref().map_err(|e| e.message.clone()));
                if let Ok(p) = got {
                    pending.push((id, groups[g], p));
                }
            }
        }
    }
}
