//! Event-log consumers' cursors (see `sunday_store::CursorStore`).

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};
use sunday_store::{BoardWrite, Committed, CursorStore, StoreResult};
use sunday_types::{time::Millis, BoardId};

use crate::{board_commit, rows::db_err, SqliteStore};

#[async_trait]
impl CursorStore for SqliteStore {
    async fn event_cursor(&self, consumer: &str, board: BoardId) -> StoreResult<i64> {
        let consumer = consumer.to_owned();
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT seq FROM event_cursors WHERE consumer = ?1 AND board_id = ?2")
                    .and_then(|mut s| s.query_row(params![consumer, board.to_string()], |r| r.get(0)).optional())
                    .map(|seq| seq.unwrap_or(0))
                    .map_err(db_err)
            })
            .await
    }

    async fn advance_cursor(
        &self,
        consumer: &str,
        board: BoardId,
        from: i64,
        to: i64,
        writes: Vec<BoardWrite>,
        now: Millis,
    ) -> StoreResult<bool> {
        let consumer = consumer.to_owned();
        self.pool
            .transaction(move |tx| {
                // A missing row is a cursor at 0 (created only while the board exists).
                let moved = if from == 0 {
                    tx.execute(
                        "INSERT INTO event_cursors (consumer, board_id, seq)
                         SELECT ?1, id, ?3 FROM boards WHERE id = ?2
                         ON CONFLICT (consumer, board_id) DO UPDATE SET seq = excluded.seq
                             WHERE event_cursors.seq = 0",
                        params![consumer, board.to_string(), to],
                    )
                } else {
                    tx.execute(
                        "UPDATE event_cursors SET seq = ?4 WHERE consumer = ?1 AND board_id = ?2 AND seq = ?3",
                        params![consumer, board.to_string(), from, to],
                    )
                }
                .map_err(db_err)?;
                if moved == 0 {
                    return Ok(false);
                }
                let mut committed = Committed::default();
                for write in writes {
                    board_commit::apply(tx, write, now, &mut committed)?;
                }
                Ok(true)
            })
            .await
    }

    async fn consumer_backlog(&self, consumer: &str, limit: usize) -> StoreResult<Vec<BoardId>> {
        let consumer = consumer.to_owned();
        self.pool
            .read(move |c| {
                c.prepare_cached(
                    "SELECT b.id FROM boards b
                     LEFT JOIN event_cursors e ON e.board_id = b.id AND e.consumer = ?1
                     WHERE b.last_seq > COALESCE(e.seq, 0) ORDER BY b.id LIMIT ?2",
                )
                .and_then(|mut s| s.query_map(params![consumer, limit as i64], |r| crate::rows::parse(r, 0))?.collect())
                .map_err(db_err)
            })
            .await
    }
}
