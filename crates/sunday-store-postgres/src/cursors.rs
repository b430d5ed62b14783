//! Event-log consumers' cursors (see `sunday_store::CursorStore`).

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sunday_store::{BoardWrite, Committed, CursorStore, StoreResult};
use sunday_types::{time::Millis, BoardId};

use crate::{
    board_commit,
    rows::{self, db_err, get, parse},
    PostgresStore,
};

#[async_trait]
impl CursorStore for PostgresStore {
    async fn event_cursor(&self, consumer: &str, board: BoardId) -> StoreResult<i64> {
        on_client!(self, |c| cursor(&c, consumer, board))
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
        in_transaction!(self, |tx| advance(&tx, consumer, board, from, to, writes, now))
    }

    async fn consumer_backlog(&self, consumer: &str, limit: usize) -> StoreResult<Vec<BoardId>> {
        on_client!(self, |c| backlog(&c, consumer, limit))
    }
}

async fn cursor<C: GenericClient>(c: &C, consumer: &str, board: BoardId) -> StoreResult<i64> {
    let sql = "SELECT seq FROM event_cursors WHERE consumer = $1 AND board_id = $2";
    match rows::query(c, sql, &[&consumer, &board.to_string()]).await?.first() {
        Some(row) => get(row, 0),
        None => Ok(0),
    }
}

async fn advance<C: GenericClient>(
    tx: &C,
    consumer: &str,
    board: BoardId,
    from: i64,
    to: i64,
    writes: Vec<BoardWrite>,
    now: Millis,
) -> StoreResult<bool> {
    let board_id = board.to_string();
    // A missing row is a cursor at 0 (created only while the board exists). A racing
    // consumer waits on the row (or its key) and then finds the cursor moved: 0 rows.
    let moved = if from == 0 {
        tx.execute(
            "INSERT INTO event_cursors (consumer, board_id, seq)
             SELECT $1, id, $3 FROM boards WHERE id = $2
             ON CONFLICT (consumer, board_id) DO UPDATE SET seq = excluded.seq WHERE event_cursors.seq = 0",
            &[&consumer, &board_id, &to],
        )
        .await
    } else {
        tx.execute(
            "UPDATE event_cursors SET seq = $4 WHERE consumer = $1 AND board_id = $2 AND seq = $3",
            &[&consumer, &board_id, &from, &to],
        )
        .await
    }
    .map_err(db_err)?;
    if moved == 0 {
        return Ok(false);
    }
    let mut committed = Committed::default();
    for write in writes {
        board_commit::apply(tx, write, now, &mut committed).await?;
    }
    Ok(true)
}

async fn backlog<C: GenericClient>(c: &C, consumer: &str, limit: usize) -> StoreResult<Vec<BoardId>> {
    let sql = "SELECT b.id FROM boards b
               LEFT JOIN event_cursors e ON e.board_id = b.id AND e.consumer = $1
               WHERE b.last_seq > COALESCE(e.seq, 0) ORDER BY b.id COLLATE \"C\" LIMIT $2";
    rows::query(c, sql, &[&consumer, &(limit as i64)]).await?.iter().map(|r| parse(r, 0)).collect()
}
