//! The boards used last, for finding an item whose board the caller does not name.

use std::collections::VecDeque;

use sunday_types::BoardId;

/// How many of the boards used last [`crate::Engine::board_of`] probes for an item. Probing
/// every loaded board made a get by id cost the node's number of boards (with 5,000 small
/// boards loaded: 5,000 req/s and a p99 of 111 ms against 19,400 and 3.6 ms with 200,
/// BENCHMARKS.md); past this many, the store names the board.
pub const PROBED: usize = 8;

/// Board ids, the most recently used first, at most [`PROBED`].
#[derive(Debug, Default)]
pub struct Recent(VecDeque<BoardId>);

impl Recent {
    /// Notes a use of `board`.
    pub fn touch(&mut self, board: BoardId) {
        if self.0.front() == Some(&board) {
            return;
        }
        self.0.retain(|b| *b != board);
        self.0.push_front(board);
        self.0.truncate(PROBED);
    }

    pub fn boards(&self) -> impl Iterator<Item = &BoardId> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_boards_used_last_once_each_newest_first() {
        let ids: Vec<BoardId> = (0..PROBED + 3).map(|_| BoardId::new()).collect();
        let mut recent = Recent::default();
        for b in &ids {
            recent.touch(*b);
        }
        recent.touch(ids[PROBED + 1]);
        recent.touch(ids[PROBED + 1]);
        let kept: Vec<BoardId> = recent.boards().copied().collect();
        assert_eq!(kept.len(), PROBED);
        assert_eq!(kept[0], ids[PROBED + 1]);
        assert_eq!(kept[1], ids[PROBED + 2]);
        assert_eq!(kept[2], ids[PROBED]);
        assert_eq!(kept[PROBED - 1], ids[3], "the boards used first fell out");
        assert!(!kept.contains(&ids[2]));
    }
}
