//! Writes as data: a [`Plan`] is the list of statements one transaction runs, each with what
//! its outcome must be, and [`Run`] walks it without doing any IO (the backend executes each
//! statement and reports the row count or the row back).
//!
//! Everything that decides — which statement follows, when a write that changed no row is a
//! version conflict, what a unique violation means, where a sequence number comes from — is
//! here and in the lowerings that build plans, written once. A backend's executor is a loop of
//! a dozen lines around its driver, and SQLite runs a whole plan in one closure on its writer
//! thread.
//!
//! The only values flowing between statements are integers returned by `RETURNING` (the next
//! auto number, the last event `seq`): a step stores its result in a slot and a later step
//! takes a parameter from that slot.

use sunday_store::{Committed, NewEvent, StoreError, StoreResult};
use sunday_types::{time::Millis, BoardId, ErrorCode, ItemId};

use crate::{Dialect, Exec, SqlRow, Stmt, Value};

/// How a plan fails.
#[derive(Clone, Debug)]
pub enum Fail {
    Rejected(ErrorCode),
    /// Input the target cannot take (`StoreError::Invalid`).
    Invalid(String),
    StructureChanged,
    /// An inserted item's id is taken (ids are random: a bug, not a user's error). Kept as the
    /// id, not a message, so inserting a thousand items formats none.
    DuplicateItem(ItemId),
    Internal(String),
}

impl From<Fail> for StoreError {
    fn from(f: Fail) -> StoreError {
        match f {
            Fail::Rejected(code) => StoreError::Rejected(code),
            Fail::Invalid(msg) => StoreError::Invalid(msg),
            Fail::StructureChanged => StoreError::StructureChanged,
            Fail::DuplicateItem(id) => StoreError::internal(format!("duplicate item id {id}")),
            Fail::Internal(msg) => StoreError::internal(msg),
        }
    }
}

/// What happens when a step's condition does not hold.
#[derive(Debug)]
pub enum Refusal {
    /// The transaction fails (and rolls back).
    Fail(Fail),
    /// The plan ends here, successfully but not applied: the conditional first write changed
    /// nothing, so nothing else may be written (a cursor another consumer moved).
    Stop,
    /// Run this step next: it reads the current row of a conditional write that lost, to
    /// fail with a version conflict carrying it.
    Then(Box<Step>),
}

impl Refusal {
    pub fn rejected(code: ErrorCode) -> Refusal {
        Refusal::Fail(Fail::Rejected(code))
    }
}

/// Where a `RETURNING` value is kept for later steps and for the commit's result.
#[derive(Clone, Copy, Debug)]
pub struct Slot(usize);

#[derive(Debug)]
enum Check {
    /// Runs; the row count does not matter.
    Run,
    /// Must change at least one row.
    Changes(Refusal),
    /// Must change exactly this many rows (one per entry of a batch).
    ChangesEach(u64, Refusal),
    /// Returns at most one row whose first column is kept in the slot; no row is refused.
    Returns { slot: Slot, missing: Refusal },
    /// Returns at most one row whose first column must equal `expected`.
    Equals { expected: i64, missing: Refusal, differs: Refusal },
    /// Returns the current row of a conditional write that lost: the plan fails with a
    /// version conflict carrying it, or `missing` when there is no such row.
    Current { decode: fn(&dyn SqlRow) -> StoreResult<serde_json::Value>, missing: ErrorCode },
}

/// One statement of a plan.
#[derive(Debug)]
pub struct Step {
    exec: Exec,
    check: Check,
    /// `(parameter index, slot, addend)`: a parameter filled from a slot when the step runs.
    from_slot: Option<(usize, Slot, i64)>,
}

impl From<Exec> for Step {
    fn from(exec: Exec) -> Step {
        Step { exec, check: Check::Run, from_slot: None }
    }
}

impl Step {
    pub fn new(stmt: &'static Stmt, params: Vec<Value>) -> Step {
        Exec::new(stmt, params).into()
    }

    /// A step that must change a row.
    pub fn changes(stmt: &'static Stmt, params: Vec<Value>, refusal: Refusal) -> Step {
        Step { check: Check::Changes(refusal), ..Step::new(stmt, params) }
    }

    /// A step that must change exactly `rows` rows.
    pub fn changes_each(stmt: &'static Stmt, params: Vec<Value>, rows: u64, refusal: Refusal) -> Step {
        Step { check: Check::ChangesEach(rows, refusal), ..Step::new(stmt, params) }
    }

    /// A step that reads one integer, which must be `expected`.
    pub fn equals(stmt: &'static Stmt, params: Vec<Value>, expected: i64, missing: Refusal, differs: Refusal) -> Step {
        Step { check: Check::Equals { expected, missing, differs }, ..Step::new(stmt, params) }
    }

    /// The read that turns a lost conditional write into a version conflict.
    pub fn current(
        stmt: &'static Stmt,
        params: Vec<Value>,
        decode: fn(&dyn SqlRow) -> StoreResult<serde_json::Value>,
        missing: ErrorCode,
    ) -> Step {
        Step { check: Check::Current { decode, missing }, ..Step::new(stmt, params) }
    }

    /// Maps a unique violation of this statement to `fail`.
    pub fn unique_means(self, fail: Fail) -> Step {
        Step { exec: self.exec.unique_means(fail), ..self }
    }

    /// Binds parameter `param` (0-based) to the slot's value plus `add` when the step runs.
    pub fn param_from(self, param: usize, slot: Slot, add: i64) -> Step {
        Step { from_slot: Some((param, slot, add)), ..self }
    }
}

/// Where one inserted item's auto number comes from.
#[derive(Debug)]
enum AutoNumber {
    Given(i64),
    Returned(Slot),
}

/// The statements of one transaction and, for board commits, how to report what they wrote.
#[derive(Debug, Default)]
pub struct Plan {
    steps: Vec<Step>,
    slots: usize,
    now: Millis,
    /// Each board's appended events and the slot of its last `seq` after the append.
    appended: Vec<(BoardId, Vec<NewEvent>, Vec<usize>, Slot)>,
    auto_numbers: Vec<AutoNumber>,
}

impl Plan {
    pub fn new() -> Plan {
        Plan::default()
    }

    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// Adds a step returning one integer, kept in the returned slot; no row is `missing`.
    pub fn returning(&mut self, stmt: &'static Stmt, params: Vec<Value>, missing: Refusal) -> Slot {
        let slot = Slot(self.slots);
        self.slots += 1;
        self.steps.push(Step { check: Check::Returns { slot, missing }, ..Step::new(stmt, params) });
        slot
    }

    /// Records an inserted item's auto number for [`Committed::auto_numbers`].
    pub fn auto_number_given(&mut self, n: i64) {
        self.auto_numbers.push(AutoNumber::Given(n));
    }

    pub fn auto_number_returned(&mut self, slot: Slot) {
        self.auto_numbers.push(AutoNumber::Returned(slot));
    }

    /// Records the events appended at `seq` slot (the board's last `seq` after the append),
    /// with the size of each one's stored payload.
    pub fn events_appended(
        &mut self,
        board: BoardId,
        events: Vec<NewEvent>,
        sizes: Vec<usize>,
        last_seq: Slot,
        now: Millis,
    ) {
        self.appended.push((board, events, sizes, last_seq));
        self.now = now;
    }

    /// Starts executing the plan on `dialect`.
    pub fn run(mut self, dialect: Dialect) -> Run {
        self.steps.reverse();
        let slots = vec![None; self.slots];
        Run { dialect, pending: std::mem::take(&mut self.steps), current: None, slots, stopped: false, plan: self }
    }
}

/// The statement to execute next.
pub struct Next<'a> {
    /// The statement's text in the run's dialect.
    pub sql: &'static str,
    /// Its parameters, and what a unique violation of it means.
    pub exec: &'a Exec,
    /// Whether the plan needs the statement's first row (`Run::row`) rather than its count
    /// (`Run::changed`).
    pub returns_row: bool,
}

/// A plan being executed. The backend loops: [`Run::next_statement`], execute, report with
/// [`Run::changed`] or [`Run::row`] (propagating their errors), then [`Run::finish`].
pub struct Run {
    dialect: Dialect,
    /// Steps still to run, last first.
    pending: Vec<Step>,
    current: Option<Step>,
    slots: Vec<Option<i64>>,
    stopped: bool,
    plan: Plan,
}

/// What a finished plan did.
#[derive(Debug)]
pub struct Finished {
    /// `false` when a `Stop` refusal ended the plan before its writes.
    pub applied: bool,
    pub committed: Committed,
    /// The size of each committed event's stored payload, in `committed.events`' order.
    pub event_bytes: Vec<usize>,
}

impl Run {
    /// The next statement for this dialect, its slot parameter filled in.
    pub fn next_statement(&mut self) -> Option<StoreResult<Next<'_>>> {
        loop {
            let mut step = self.pending.pop()?;
            let Some(sql) = step.exec.stmt().sql(self.dialect) else { continue };
            if let Some((param, slot, add)) = step.from_slot {
                let filled = self.slot(slot).map(|v| Value::Int(v + add));
                match (filled, step.exec.params_mut().get_mut(param)) {
                    (Ok(v), Some(p)) => *p = v,
                    (Err(e), _) => return Some(Err(e)),
                    (_, None) => return Some(Err(StoreError::internal("slot parameter out of range"))),
                }
            }
            let returns_row = !matches!(step.check, Check::Run | Check::Changes(_) | Check::ChangesEach(..));
            let step = self.current.insert(step);
            return Some(Ok(Next { sql, exec: &step.exec, returns_row }));
        }
    }

    /// Reports how many rows the current statement changed.
    pub fn changed(&mut self, rows: u64) -> StoreResult<()> {
        let step = self.take_current()?;
        match step.check {
            Check::Run => Ok(()),
            Check::Changes(refusal) if rows == 0 => self.refuse(refusal),
            Check::ChangesEach(expected, refusal) if rows != expected => self.refuse(refusal),
            Check::Changes(_) | Check::ChangesEach(..) => Ok(()),
            _ => Err(StoreError::internal("a row-returning plan step was executed for its count")),
        }
    }

    /// Reports the current statement's first row, if any.
    pub fn row(&mut self, row: Option<&dyn SqlRow>) -> StoreResult<()> {
        let step = self.take_current()?;
        match (step.check, row) {
            (Check::Returns { slot, .. }, Some(r)) => {
                self.slots[slot.0] = Some(r.int(0)?);
                Ok(())
            }
            (Check::Equals { expected, differs, .. }, Some(r)) if r.int(0)? != expected => self.refuse(differs),
            (Check::Equals { .. }, Some(_)) => Ok(()),
            (Check::Returns { missing, .. } | Check::Equals { missing, .. }, None) => self.refuse(missing),
            (Check::Current { decode, .. }, Some(r)) => Err(StoreError::VersionConflict(decode(r)?)),
            (Check::Current { missing, .. }, None) => Err(StoreError::Rejected(missing)),
            (Check::Run | Check::Changes(_) | Check::ChangesEach(..), _) => {
                Err(StoreError::internal("a counted plan step was executed for its row"))
            }
        }
    }

    /// What the plan wrote, once [`Run::next_statement`] returned `None`.
    pub fn finish(mut self) -> StoreResult<Finished> {
        let mut committed = Committed::default();
        if self.stopped {
            return Ok(Finished { applied: false, committed, event_bytes: vec![] });
        }
        for n in &self.plan.auto_numbers {
            committed.auto_numbers.push(match n {
                AutoNumber::Given(n) => *n,
                AutoNumber::Returned(slot) => self.slot(*slot)?,
            });
        }
        let now = self.plan.now;
        let mut event_bytes = Vec::new();
        for (board, events, sizes, seq) in std::mem::take(&mut self.plan.appended) {
            let last = self.slot(seq)?;
            let first = last - events.len() as i64 + 1;
            committed.events.extend((first..).zip(events).map(|(seq, e)| e.committed(board, seq, now)));
            event_bytes.extend(sizes);
        }
        Ok(Finished { applied: true, committed, event_bytes })
    }

    fn take_current(&mut self) -> StoreResult<Step> {
        self.current.take().ok_or_else(|| StoreError::internal("plan outcome reported without a statement"))
    }

    fn slot(&self, slot: Slot) -> StoreResult<i64> {
        self.slots
            .get(slot.0)
            .copied()
            .flatten()
            .ok_or_else(|| StoreError::internal("plan slot read before its statement ran"))
    }

    fn refuse(&mut self, refusal: Refusal) -> StoreResult<()> {
        match refusal {
            Refusal::Fail(f) => Err(f.into()),
            Refusal::Stop => {
                self.stopped = true;
                self.pending.clear();
                Ok(())
            }
            Refusal::Then(step) => {
                self.pending.push(*step);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use sunday_store::{BoardWrite, NewEvent};
    use sunday_types::{boards::Item, events::BoardChange, time::to_datetime, BoardId, GroupId, ItemId, UserId};

    use super::*;
    use crate::{boards, cursors};

    /// A row of integers, as the plan's own reads return.
    struct Ints(Vec<i64>);

    impl SqlRow for Ints {
        fn text(&self, idx: usize) -> StoreResult<&str> {
            Err(crate::corrupt(idx, "text"))
        }
        fn opt_text(&self, _: usize) -> StoreResult<Option<&str>> {
            Ok(None)
        }
        fn int(&self, idx: usize) -> StoreResult<i64> {
            self.0.get(idx).copied().ok_or_else(|| crate::corrupt(idx, "int"))
        }
        fn opt_int(&self, idx: usize) -> StoreResult<Option<i64>> {
            Ok(self.0.get(idx).copied())
        }
        fn bool(&self, idx: usize) -> StoreResult<bool> {
            self.int(idx).map(|v| v != 0)
        }
    }

    fn item(board: BoardId) -> Item {
        Item {
            id: ItemId::new(),
            board_id: board,
            group_id: GroupId::new(),
            name: "i".into(),
            position: "M".into(),
            values: Default::default(),
            version: 2,
            created_by: UserId::new(),
            created_at: to_datetime(0),
            updated_at: to_datetime(0),
            parent_item_id: None,
            archived: false,
            auto_number: 0,
        }
    }

    fn event() -> NewEvent {
        NewEvent::new(UserId::new(), BoardChange::BoardCreated(Default::default()))
    }

    /// The SQL of the next statement, which must count rows or return one as stated.
    fn next_sql(run: &mut Run, returns_row: bool) -> &'static str {
        let next = run.next_statement().expect("a statement").unwrap();
        assert_eq!(next.returns_row, returns_row, "{}", next.sql);
        next.sql
    }

    #[test]
    fn events_take_consecutive_seqs_ending_at_the_returned_last_seq() {
        let board = BoardId::new();
        let plan = boards::commit(board, vec![], vec![event(), event()], 5).unwrap();
        let mut run = plan.run(Dialect::Sqlite);
        assert!(next_sql(&mut run, true).starts_with("UPDATE boards SET last_seq"));
        run.row(Some(&Ints(vec![7]))).unwrap();
        for seq in [6, 7] {
            let next = run.next_statement().unwrap().unwrap();
            assert_eq!(next.exec.params()[1], Value::Int(seq));
            run.changed(1).unwrap();
        }
        assert!(run.next_statement().is_none());
        let seqs: Vec<i64> = run.finish().unwrap().committed.events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [6, 7]);
    }

    #[test]
    fn postgres_locks_the_board_first_and_sqlite_does_not() {
        let board = BoardId::new();
        let mut pg = boards::commit(board, vec![], vec![], 0).unwrap().run(Dialect::Postgres);
        assert!(next_sql(&mut pg, false).contains("FOR NO KEY UPDATE"));
        let mut sqlite = boards::commit(board, vec![], vec![], 0).unwrap().run(Dialect::Sqlite);
        assert!(sqlite.next_statement().is_none());
    }

    #[test]
    fn a_lost_conditional_write_reads_the_current_row_into_a_version_conflict() {
        let board = BoardId::new();
        let writes = vec![BoardWrite::UpdateItem { item: item(board), expected_version: 1 }];
        let plan = boards::commit(board, writes.clone(), vec![], 0).unwrap();
        let mut run = plan.run(Dialect::Sqlite);
        assert!(next_sql(&mut run, false).starts_with("UPDATE items"));
        run.changed(0).unwrap();
        assert!(next_sql(&mut run, true).starts_with("SELECT i.id"));
        match run.row(None) {
            Err(StoreError::Rejected(ErrorCode::ItemNotFound)) => {}
            other => panic!("expected ItemNotFound, got {other:?}"),
        }
        // A write that changed its row goes on without the read.
        let mut run = boards::commit(board, writes, vec![], 0).unwrap().run(Dialect::Sqlite);
        next_sql(&mut run, false);
        run.changed(1).unwrap();
        // Then which files the item's cells hold (none here) is written again.
        assert!(next_sql(&mut run, false).starts_with("DELETE FROM file_refs"));
        run.changed(0).unwrap();
        assert!(run.next_statement().is_none());
    }

    #[test]
    fn an_inserted_item_takes_the_returned_auto_number() {
        let board = BoardId::new();
        let plan = boards::commit(board, vec![BoardWrite::InsertItem(item(board))], vec![], 0).unwrap();
        let mut run = plan.run(Dialect::Sqlite);
        assert!(next_sql(&mut run, true).contains("last_auto_number + 1"));
        run.row(Some(&Ints(vec![41]))).unwrap();
        let next = run.next_statement().unwrap().unwrap();
        assert_eq!(next.exec.params()[8], Value::Int(41));
        assert!(next.exec.unique_violation().is_some(), "a duplicate item id is reported as such");
        run.changed(1).unwrap();
        assert!(run.next_statement().is_none());
        assert_eq!(run.finish().unwrap().committed.auto_numbers, [41]);
    }

    #[test]
    fn a_run_of_given_auto_numbers_moves_the_counter_once_past_its_largest() {
        let board = BoardId::new();
        let numbered = |n| BoardWrite::InsertItem(Item { auto_number: n, ..item(board) });
        // Two given, one taking the next number, one given again.
        let writes = vec![numbered(7), numbered(5), numbered(0), numbered(9)];
        let mut run = boards::commit(board, writes, vec![], 0).unwrap().run(Dialect::Sqlite);
        let mut moves = vec![];
        while let Some(next) = run.next_statement() {
            let next = next.unwrap();
            let (sql, params, returns_row) = (next.sql, next.exec.params().to_vec(), next.returns_row);
            if sql.contains("greatest") || sql.contains("max(") {
                moves.push(params[1].clone());
            }
            if returns_row {
                run.row(Some(&Ints(vec![8]))).unwrap();
            } else {
                run.changed(1).unwrap();
            }
        }
        // Past 7 before the item that reads the counter, then past 9: two moves for four items.
        assert_eq!(moves, [Value::Int(7), Value::Int(9)]);
        assert_eq!(run.finish().unwrap().committed.auto_numbers, [7, 5, 8, 9]);
    }

    #[test]
    fn a_stale_structure_version_fails_the_commit() {
        let board = BoardId::new();
        let writes = vec![BoardWrite::ExpectStructure { board, version: 3 }];
        let mut run = boards::commit(board, writes, vec![], 0).unwrap().run(Dialect::Sqlite);
        next_sql(&mut run, true);
        assert!(matches!(run.row(Some(&Ints(vec![4]))), Err(StoreError::StructureChanged)));
    }

    #[test]
    fn a_cursor_moved_by_another_consumer_stops_the_plan_before_its_writes() {
        let board = BoardId::new();
        let writes = vec![BoardWrite::Subscribe { item: ItemId::new(), user: UserId::new() }];
        let mut run = cursors::advance("c", board, 3, 5, writes, 0).unwrap().run(Dialect::Sqlite);
        assert!(next_sql(&mut run, false).starts_with("UPDATE event_cursors"));
        run.changed(0).unwrap();
        assert!(run.next_statement().is_none());
        assert!(!run.finish().unwrap().applied);
    }
}
