//! Event-log consumers' cursors (see `sunday_store::CursorStore`): a cursor moves from the
//! position its consumer read, in the transaction that writes the consumer's side effects, so
//! every event is handled exactly once however many consumers race.

use sunday_store::{BoardWrite, StoreResult};
use sunday_types::{time::Millis, BoardId};

use crate::{args, boards, stmt, Plan, Query, Refusal, Step, Stmt, Value};

static CURSOR: Stmt = stmt!("SELECT seq FROM event_cursors WHERE consumer = $1 AND board_id = $2");

/// 0 for a consumer that never handled the board.
pub fn event_cursor(consumer: &str, board: BoardId) -> Query<i64, i64> {
    Query::new(
        &CURSOR,
        args![consumer.to_owned(), board],
        |r| r.int(0),
        |rows| Ok(rows.next().transpose()?.unwrap_or(0)),
    )
}

/// A missing row is a cursor at 0, created only while the board exists. On PostgreSQL a
/// racing consumer waits on the row (or its key) and then finds the cursor moved: 0 rows.
static START: Stmt = stmt!(
    "INSERT INTO event_cursors (consumer, board_id, seq)
     SELECT $1, id, $3 FROM boards WHERE id = $2
     ON CONFLICT (consumer, board_id) DO UPDATE SET seq = excluded.seq WHERE event_cursors.seq = 0"
);
static MOVE: Stmt = stmt!("UPDATE event_cursors SET seq = $4 WHERE consumer = $1 AND board_id = $2 AND seq = $3");

/// The plan of `CursorStore::advance_cursor`: move the cursor from `from` to `to`, then the
/// writes; not applied (nothing written) when the cursor is no longer at `from`.
pub fn advance(
    consumer: &str,
    board: BoardId,
    from: i64,
    to: i64,
    writes: Vec<BoardWrite>,
    now: Millis,
) -> StoreResult<Plan> {
    let mut plan = Plan::new();
    let consumer = Value::from(consumer.to_owned());
    plan.push(if from == 0 {
        Step::changes(&START, args![consumer, board, to], Refusal::Stop)
    } else {
        Step::changes(&MOVE, args![consumer, board, from, to], Refusal::Stop)
    });
    boards::lower_all(&mut plan, board, writes, now)?;
    Ok(plan)
}

static BACKLOG: Stmt = stmt!(
    "SELECT b.id FROM boards b
     LEFT JOIN event_cursors e ON e.board_id = b.id AND e.consumer = $1
     WHERE b.last_seq > COALESCE(e.seq, 0) AND b.id{| COLLATE \"C\"} > $3
     ORDER BY b.id{| COLLATE \"C\"} LIMIT $2"
);

/// Boards whose event log runs past the consumer's cursor, in id order after `after`.
pub fn backlog(consumer: &str, after: Option<BoardId>, limit: usize) -> Query<BoardId, Vec<BoardId>> {
    // Every id sorts after the empty string.
    let after = after.map(|b| b.to_string()).unwrap_or_default();
    Query::all(&BACKLOG, args![consumer.to_owned(), Value::limit(limit), after], |r| r.id(0))
}
