//! The automation runner: an event-log consumer with a saved cursor per board (like the
//! notifier). For each event after the cursor it runs every active recipe whose trigger the
//! event fires, then records the runs, the recipes' failure counts and pauses together with
//! the new cursor in one transaction. A crash before that commit runs the same events again
//! with the same run ids, and every action already done finds its key taken: each triggered
//! run completes exactly once.

use std::{
    collections::HashMap,
    sync::atomic::{AtomicU32, Ordering},
};

use sha2::{Digest, Sha256};
use sunday_domain::{
    automations::fires,
    filter::{matches, parse_filter, EvalContext},
};
use sunday_store::BoardWrite;
use sunday_types::{
    automations::{Automation, AutomationRun, EventCause, RunStatus, AUTOMATION_ACTOR},
    boards::{BoardEvent, BoardPermission, Item},
    events::BoardChange,
    notifications::{Notification, NotificationKind},
    time::{now_millis, to_datetime},
    ApiError, BoardId, NotificationId, RunId, UserId,
};
use tokio::sync::watch;

use super::{execute, validate, AutomationService};

/// The consumer name of the runner's cursors.
pub const CONSUMER: &str = "automations";

/// Events handled per transaction.
const BATCH: usize = 500;

/// Items whose runs go at once: their actions' commits share the store's group commit.
pub(super) const PARALLEL: usize = 32;

/// The run of `automation` for the event at `seq` on `board` (a replay's runs are others):
/// the same on every attempt and node, so its steps' keys are too.
pub(super) fn run_id(automation: sunday_types::AutomationId, board: BoardId, seq: i64, replay: bool) -> RunId {
    derived(&format!("{automation}:{board}:{seq}:{replay}"))
}

pub(super) fn derived(text: &str) -> RunId {
    let digest = Sha256::digest(text);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    RunId(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

/// Run ids derived from another: a retry's.
pub(super) trait Derive {
    fn derive(&self, what: &str) -> RunId;
}

impl Derive for RunId {
    fn derive(&self, what: &str) -> RunId {
        derived(&format!("{self}:{what}"))
    }
}

/// Whether the recipe's conditions hold for `item` (`None` without conditions).
pub(super) fn conditions_hold(
    automation: &Automation,
    item: &Item,
    scene: &execute::Scene,
    triggered_by: UserId,
) -> Result<Option<bool>, ApiError> {
    let Some(json) = &automation.recipe.conditions else { return Ok(None) };
    let filter = parse_filter(json, &scene.columns)?;
    let ctx = EvalContext { now: to_datetime(now_millis()), tz: chrono_tz::Tz::UTC, user: Some(triggered_by) };
    Ok(Some(matches(&filter, item, &ctx)))
}

#[derive(Clone)]
pub struct Runner {
    svc: AutomationService,
}

/// A run, or the transient error that stopped it.
type RunResult = Result<(AutomationRun, Outcome), ApiError>;

/// A run's outcome for its recipe's health.
pub(super) enum Outcome {
    Succeeded,
    Failed(String),
    /// Neither (conditions not met, loop stopped, item gone).
    Neutral,
}

impl Runner {
    pub(super) fn new(svc: AutomationService) -> Runner {
        Runner { svc }
    }

    /// Follows the event log until `stop` (see [`crate::consumer`]).
    pub fn start(self, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let (store, bus) = (self.svc.store.clone(), self.svc.boards.bus().clone());
        crate::consumer::follow(self, store, &bus, stop)
    }

    /// The recipes an event on `board` may fire: the board's own, and for a subitem board its
    /// parent's subitem triggers.
    async fn recipes_for(&self, board: BoardId) -> Result<Vec<Automation>, ApiError> {
        let store = &self.svc.store;
        let mut recipes = store.automations(board).await?;
        if let Some(parent) = store.board(board).await?.and_then(|b| b.parent_board_id) {
            recipes.extend(
                store
                    .automations(parent)
                    .await?
                    .into_iter()
                    .filter(|a| a.recipe.trigger == sunday_types::automations::Trigger::SubitemCreated),
            );
        }
        Ok(recipes)
    }

    /// Handles the board's events after its cursor; returns the `seq` handled up to.
    pub async fn catch_up(&self, board: BoardId) -> Result<i64, ApiError> {
        let store = &self.svc.store;
        loop {
            let cursor = store.event_cursor(CONSUMER, board).await?;
            // A board without recipes (most) moves its cursor without reading its events:
            // the head is read before the recipes, and a recipe answers only changes made
            // after it was saved.
            let head = store.board(board).await?.map_or(cursor, |b| b.last_seq);
            if head <= cursor {
                return Ok(cursor);
            }
            let mut recipes = self.recipes_for(board).await?;
            if recipes.is_empty() {
                store.advance_cursor(CONSUMER, board, cursor, head, vec![], now_millis()).await?;
                return Ok(head);
            }
            let events = store.events_after(board, cursor, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else { return Ok(cursor) };
            let mut writes = vec![];
            let mut rest = &events[..];
            while !recipes.is_empty() && !rest.is_empty() {
                // A segment ends with a change of columns or groups, after which the recipes
                // are checked against the board again.
                let end = rest.iter().position(|e| changes_structure(&e.change)).map_or(rest.len(), |p| p + 1);
                let (segment, after) = rest.split_at(end);
                self.run_segment(&mut recipes, segment, &mut writes).await?;
                if segment.last().is_some_and(|e| changes_structure(&e.change)) {
                    self.pause_broken(&mut recipes, &mut writes).await?;
                }
                rest = after;
            }
            store.advance_cursor(CONSUMER, board, cursor, last, writes, now_millis()).await?;
        }
    }

    /// The runs the segment's events trigger: the runs of one item one after the other (in
    /// event order), different items' runs at once, up to [`PARALLEL`]; then each run's
    /// outcome applied to its recipe's health in event order.
    async fn run_segment(
        &self,
        recipes: &mut [Automation],
        segment: &[BoardEvent],
        writes: &mut Vec<BoardWrite>,
    ) -> Result<(), ApiError> {
        use futures::stream::{self, StreamExt};
        let mut planned: Vec<(usize, &BoardEvent, sunday_types::ItemId)> = vec![];
        for event in segment {
            for (i, recipe) in recipes.iter().enumerate().filter(|(_, r)| r.enabled && r.paused_reason.is_none()) {
                // A recipe answers changes made after it was saved, however late the runner
                // reaches them (a replay is how it acts on earlier ones).
                if event.created_at < recipe.created_at {
                    continue;
                }
                if let Some(item) = fires(&recipe.recipe.trigger, event) {
                    planned.push((i, event, item));
                }
            }
        }
        if planned.is_empty() {
            return Ok(());
        }
        let mut known: HashMap<BoardId, Known> = HashMap::new();
        for r in recipes.iter() {
            if let std::collections::hash_map::Entry::Vacant(v) = known.entry(r.board_id) {
                v.insert(Known::read(&self.svc, r.board_id).await?);
            }
        }
        let mut lanes: Vec<Vec<usize>> = vec![];
        let mut lane_of: HashMap<sunday_types::ItemId, usize> = HashMap::new();
        for (k, (_, _, item)) in planned.iter().enumerate() {
            let lane = *lane_of.entry(*item).or_insert_with(|| {
                lanes.push(vec![]);
                lanes.len() - 1
            });
            lanes[lane].push(k);
        }
        // Failures in a row per recipe as the runs finish: a recipe that reaches the pause
        // limit runs no more in this batch (its later runs are not made, as after a pause).
        let limit = self.svc.settings.pause_after_failures;
        let streaks: Vec<AtomicU32> = recipes.iter().map(|r| AtomicU32::new(r.failures)).collect();
        let (svc, planned, known, shared, streaks) = (&self.svc, &planned, &known, &*recipes, &streaks);
        let mut done: Vec<(usize, RunResult)> = stream::iter(lanes)
            .map(|lane| async move {
                let mut out = Vec::with_capacity(lane.len());
                for k in lane {
                    let (i, event, item) = planned[k];
                    if streaks[i].load(Ordering::Acquire) >= limit {
                        continue;
                    }
                    let recipe = &shared[i];
                    let result = run(svc, recipe, event, item, false, known.get(&recipe.board_id)).await;
                    match &result {
                        Ok((_, Outcome::Failed(_))) => {
                            streaks[i].fetch_add(1, Ordering::AcqRel);
                        }
                        Ok((_, Outcome::Succeeded)) => streaks[i].store(0, Ordering::Release),
                        _ => {}
                    }
                    out.push((k, result));
                }
                out
            })
            .buffer_unordered(PARALLEL)
            .flat_map(stream::iter)
            .collect()
            .await;
        done.sort_by_key(|(k, _)| *k);
        for (k, result) in done {
            let (run, outcome) = result?;
            let recipe = &mut recipes[planned[k].0];
            self.health(recipe, outcome, writes).await?;
            writes.push(BoardWrite::RecordRun(Box::new(run)));
        }
        Ok(())
    }

    /// Pauses the recipes that name a column or group the board no longer has.
    async fn pause_broken(&self, recipes: &mut [Automation], writes: &mut Vec<BoardWrite>) -> Result<(), ApiError> {
        for recipe in recipes.iter_mut().filter(|r| r.paused_reason.is_none()) {
            let (columns, groups) = self.svc.boards.structure_of(recipe.board_id).await?;
            if let Some(reason) = validate::missing_reference(&recipe.recipe, &columns, &groups) {
                self.pause(recipe, format!("paused: the {reason}"), writes).await?;
            }
        }
        Ok(())
    }

    async fn pause(
        &self,
        recipe: &mut Automation,
        reason: String,
        writes: &mut Vec<BoardWrite>,
    ) -> Result<(), ApiError> {
        recipe.paused_reason = Some(reason.clone());
        writes.push(BoardWrite::SetAutomationHealth {
            automation: recipe.id,
            failures: recipe.failures,
            paused_reason: Some(reason.clone()),
        });
        // The board's owners hear about it: a recipe never stops silently.
        let members = self.svc.store.board_members(recipe.board_id).await?;
        let mut owners: Vec<UserId> =
            members.into_iter().filter(|(_, p)| *p == BoardPermission::Owner).map(|(u, _)| u).collect();
        if owners.is_empty() {
            owners.push(recipe.created_by);
        }
        for user in owners {
            writes.push(BoardWrite::InsertNotification(Notification {
                id: NotificationId::new(),
                user_id: user,
                kind: NotificationKind::Automation,
                actor: AUTOMATION_ACTOR,
                board_id: Some(recipe.board_id),
                item_id: None,
                text: format!("Automation “{}” {reason}", recipe.name),
                created_at: to_datetime(now_millis()),
                read_at: None,
            }));
        }
        Ok(())
    }

    pub(super) async fn health(
        &self,
        recipe: &mut Automation,
        outcome: Outcome,
        writes: &mut Vec<BoardWrite>,
    ) -> Result<(), ApiError> {
        if recipe.paused_reason.is_some() {
            // Paused earlier in this batch (its runs went at once): the owners heard once.
            return Ok(());
        }
        match outcome {
            Outcome::Neutral => {}
            Outcome::Succeeded if recipe.failures == 0 => {}
            Outcome::Succeeded => {
                recipe.failures = 0;
                writes.push(BoardWrite::SetAutomationHealth {
                    automation: recipe.id,
                    failures: 0,
                    paused_reason: None,
                });
            }
            Outcome::Failed(reason) => {
                recipe.failures += 1;
                if recipe.failures >= self.svc.settings.pause_after_failures {
                    let why = format!("paused after {} failed runs in a row; the last: {reason}", recipe.failures);
                    self.pause(recipe, why, writes).await?;
                } else {
                    writes.push(BoardWrite::SetAutomationHealth {
                        automation: recipe.id,
                        failures: recipe.failures,
                        paused_reason: None,
                    });
                }
            }
        }
        Ok(())
    }
}

fn changes_structure(change: &BoardChange) -> bool {
    matches!(change, BoardChange::ColumnDeleted(_) | BoardChange::ColumnUpdated(_) | BoardChange::GroupDeleted(_))
}

/// One run of `automation` for `event` on `item`: loop checks, conditions, actions.
async fn run(
    svc: &AutomationService,
    automation: &Automation,
    event: &BoardEvent,
    item: sunday_types::ItemId,
    replay: bool,
    known: Option<&Known>,
) -> Result<(AutomationRun, Outcome), ApiError> {
    let t = Triggering {
        id: run_id(automation.id, event.board_id, event.seq, replay),
        event_seq: event.seq,
        kind: event.change.kind().to_owned(),
        actor: event.actor,
        chain: event.cause.as_ref().map(|c| c.chain.clone()).unwrap_or_default(),
        replay,
        retry_of: None,
    };
    run_for(svc, automation, t, item, known).await
}

/// What a run answers to: the triggering event (or the run it retries).
pub(super) struct Triggering {
    pub id: RunId,
    pub event_seq: i64,
    pub kind: String,
    pub actor: UserId,
    /// The recipes of the runs that led to the event.
    pub chain: Vec<sunday_types::AutomationId>,
    pub replay: bool,
    pub retry_of: Option<RunId>,
}

/// A recipe board's row and columns, read once per batch of runs.
#[derive(Clone)]
pub(super) struct Known {
    board: sunday_types::boards::Board,
    columns: Vec<sunday_types::boards::Column>,
}

impl Known {
    pub(super) fn columns(&self) -> &[sunday_types::boards::Column] {
        &self.columns
    }

    pub(super) fn scene(&self, triggered_by: UserId, author: UserId) -> execute::Scene {
        execute::Scene { board: self.board.clone(), columns: self.columns.clone(), triggered_by, author }
    }

    pub(super) async fn read(svc: &AutomationService, board: BoardId) -> Result<Known, ApiError> {
        let row = svc.store.board(board).await?.ok_or_else(|| ApiError::of(sunday_types::ErrorCode::BoardNotFound))?;
        let (columns, _) = svc.boards.structure_of(board).await?;
        Ok(Known { board: row, columns })
    }
}

pub(super) async fn run_for(
    svc: &AutomationService,
    automation: &Automation,
    t: Triggering,
    item: sunday_types::ItemId,
    known: Option<&Known>,
) -> Result<(AutomationRun, Outcome), ApiError> {
    let started = now_millis();
    let Triggering { id, event_seq, kind, actor, mut chain, replay, retry_of } = t;
    let mut record = AutomationRun {
        id,
        automation_id: automation.id,
        board_id: automation.board_id,
        item_id: Some(item),
        event_seq,
        trigger_kind: kind,
        triggered_by: actor,
        status: RunStatus::Succeeded,
        conditions_met: None,
        steps: vec![],
        chain: vec![],
        reason: None,
        replay,
        retry_of,
        started_at: to_datetime(started),
        duration_ms: 0,
    };
    let stop = if chain.contains(&automation.id) {
        Some("this recipe's own change led back to it; stopped to avoid a loop".to_owned())
    } else if chain.len() >= svc.settings.max_chain {
        Some(format!("a chain of {} automation runs led here (the limit is {})", chain.len(), svc.settings.max_chain))
    } else {
        None
    };
    chain.push(automation.id);
    record.chain = chain.clone();
    let finish = |mut r: AutomationRun, status, reason| {
        r.status = status;
        r.reason = reason;
        r.duration_ms = now_millis() - started;
        r
    };
    if let Some(reason) = stop {
        return Ok((finish(record, RunStatus::LoopStopped, Some(reason)), Outcome::Neutral));
    }
    let Some(current) = svc.store.item(item).await? else {
        let why = Some("the item was deleted before the run".to_owned());
        return Ok((finish(record, RunStatus::Failed, why), Outcome::Neutral));
    };
    let (board, columns) = match known {
        Some(k) => (k.board.clone(), k.columns.clone()),
        None => {
            let k = Known::read(svc, automation.board_id).await?;
            (k.board, k.columns)
        }
    };
    let scene = execute::Scene { board, columns, triggered_by: actor, author: automation.created_by };
    // A run retried after a crash finds the item as its first attempt's steps left it: when a
    // step of it already committed, its conditions held then, and they are not asked again.
    let started_before = automation.recipe.conditions.is_some() && started_earlier(svc, automation, id).await?;
    let verdict = if started_before { Ok(Some(true)) } else { conditions_hold(automation, &current, &scene, actor) };
    match verdict {
        Ok(Some(false)) => {
            record.conditions_met = Some(false);
            return Ok((finish(record, RunStatus::ConditionsNotMet, None), Outcome::Neutral));
        }
        Ok(met) => record.conditions_met = met,
        Err(e) => {
            let why = format!("its conditions no longer fit the board: {}", e.message);
            return Ok((finish(record, RunStatus::Failed, Some(why.clone())), Outcome::Failed(why)));
        }
    }
    let cause = EventCause { automation_id: automation.id, run_id: id, chain };
    let (steps, failure) = execute::actions(svc, automation, item, &scene, &cause).await?;
    record.steps = steps;
    Ok(match failure {
        None => (finish(record, RunStatus::Succeeded, None), Outcome::Succeeded),
        Some(why) => (finish(record, RunStatus::Failed, Some(why.clone())), Outcome::Failed(why)),
    })
}

/// Whether an earlier attempt of run `id` committed one of its steps (its key is taken).
async fn started_earlier(svc: &AutomationService, automation: &Automation, id: RunId) -> Result<bool, ApiError> {
    for i in 0..automation.recipe.actions.len() {
        let key = execute::step_key(id, i);
        if svc.store.idempotency_record(AUTOMATION_ACTOR, &key).await?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A replay's run for one past event: `None` when the trigger does not fire or the event was
/// replayed already.
pub(super) async fn replay_one(
    svc: &AutomationService,
    automation: &Automation,
    event: &BoardEvent,
) -> Result<Option<AutomationRun>, ApiError> {
    let Some(item) = fires(&automation.recipe.trigger, event) else { return Ok(None) };
    if svc.store.automation_run(run_id(automation.id, event.board_id, event.seq, true)).await?.is_some() {
        return Ok(None);
    }
    let (run, _) = run(svc, automation, event, item, true, None).await?;
    svc.store
        .commit(automation.board_id, vec![BoardWrite::RecordRun(Box::new(run.clone()))], vec![], now_millis())
        .await?;
    Ok(Some(run))
}

#[async_trait::async_trait]
impl crate::consumer::Consumer for Runner {
    const NAME: &'static str = CONSUMER;
    type Error = ApiError;

    async fn catch_up(&self, board: BoardId) -> Result<i64, ApiError> {
        Runner::catch_up(self, board).await
    }
}
