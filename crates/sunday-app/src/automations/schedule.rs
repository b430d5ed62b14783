//! The scheduler: date (`date_arrives`) and periodic (`every`) triggers, fired by the clock
//! on the one node of the cluster holding the `automation-schedule` lease.
//!
//! Each scheduled recipe keeps the instant up to which its occurrences were handled. A pass
//! takes the window from there to now, runs the recipe for each occurrence in it (an `every`
//! on each item matching the conditions, a date on each item whose date, moved by the
//! offset, falls in the window), then records the runs and moves the window in one commit.
//! A node that dies mid-pass leaves the window where it was: the next holder runs the same
//! window with the same run ids (derived from recipe, instant and item), and each action
//! already done finds its key taken. After a downtime the first pass catches up the missed
//! window (an `every` its latest [`sunday_domain::schedule::MAX_CATCH_UP`] occurrences).

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use sunday_domain::schedule::{arrives_at, parse_at, parse_zone, Every, DEFAULT_AT};
use sunday_store::BoardWrite;
use sunday_types::{
    automations::{Automation, Trigger, AUTOMATION_ACTOR},
    boards::Item,
    cells::CellValue,
    time::{now_millis, to_datetime, Millis},
    ApiError, ItemId,
};
use tokio::sync::watch;

use super::{
    execute,
    runner::{derived, run_for, Known, Outcome, Runner, Triggering, PARALLEL},
    AutomationService,
};
use crate::leases::Lease;

#[derive(Clone)]
pub struct Scheduler {
    svc: AutomationService,
}

/// What a pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Recipes whose window moved.
    pub recipes: usize,
    /// Runs recorded.
    pub runs: usize,
}

impl Scheduler {
    pub(super) fn new(svc: AutomationService) -> Scheduler {
        Scheduler { svc }
    }

    /// Makes a pass every `automations.schedule_secs` while this node holds `lease`, until
    /// `stop`.
    pub fn start(self, lease: Lease, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.svc.settings.schedule_every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
                }
                if !lease.held() {
                    continue;
                }
                match self.pass(now_millis()).await {
                    Ok(p) if p.runs > 0 => tracing::info!(runs = p.runs, "scheduled automations ran"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "a scheduler pass failed; the next one retries it"),
                }
            }
        })
    }

    /// One pass over every scheduled recipe, up to `now`.
    pub async fn pass(&self, now: Millis) -> Result<Pass, ApiError> {
        let mut out = Pass::default();
        for (automation, through) in self.svc.store.scheduled_automations().await? {
            if through >= now {
                continue;
            }
            out.runs += self.window(automation, through, now).await?;
            out.recipes += 1;
        }
        Ok(out)
    }

    /// Runs one recipe's occurrences in `(after, until]` and moves its window; answers the
    /// runs recorded. A recipe switched off or paused only moves its window: switched on
    /// again, it answers the clock from then, without a backlog.
    async fn window(&self, mut automation: Automation, after: Millis, until: Millis) -> Result<usize, ApiError> {
        let svc = &self.svc;
        let board = automation.board_id;
        let mut writes = vec![];
        if automation.enabled && automation.paused_reason.is_none() {
            // The board's row and columns, read once for the plan and every run of the window.
            let known = Known::read(svc, board).await?;
            let planned = match self.planned(&automation, &known, after, until).await {
                Ok(p) => p,
                Err(e) if execute::transient(&e) => return Err(e),
                // A trigger that no longer fits the board (checked when saved): paused by the
                // runner's structure check; the window moves on.
                Err(e) => {
                    tracing::warn!(automation = %automation.id, error = %e.message, "a scheduled recipe could not be planned");
                    vec![]
                }
            };
            if !planned.is_empty() {
                let runner = Runner::new(svc.clone());
                // One occurrence after the other (an item's runs in order), the items of an
                // occurrence at once.
                for batch in planned.chunk_by(|a, b| a.0 == b.0) {
                    if automation.paused_reason.is_some() {
                        break;
                    }
                    let (auto, known) = (&automation, &known);
                    let mut done: Vec<(usize, Result<_, ApiError>)> = stream::iter(batch.iter().copied().enumerate())
                        .map(|(k, (at, item))| async move {
                            let t = Triggering {
                                id: derived(&format!("{}:scheduled:{at}:{item}", auto.id)),
                                event_seq: 0,
                                kind: auto.recipe.trigger.type_name().to_owned(),
                                actor: AUTOMATION_ACTOR,
                                chain: vec![],
                                replay: false,
                                retry_of: None,
                            };
                            (k, run_for(svc, auto, t, item, Some(known)).await)
                        })
                        .buffer_unordered(PARALLEL)
                        .collect()
                        .await;
                    done.sort_by_key(|(k, _)| *k);
                    for (_, result) in done {
                        let (run, outcome): (_, Outcome) = result?;
                        runner.health(&mut automation, outcome, &mut writes).await?;
                        writes.push(BoardWrite::RecordRun(Box::new(run)));
                    }
                }
            }
        }
        let runs = writes.iter().filter(|w| matches!(w, BoardWrite::RecordRun(_))).count();
        writes.push(BoardWrite::AdvanceSchedule { automation: automation.id, through: until });
        svc.store.commit(board, writes, vec![], now_millis()).await?;
        Ok(runs)
    }

    /// The (instant, item) pairs the window holds, oldest first.
    async fn planned(
        &self,
        automation: &Automation,
        known: &Known,
        after: Millis,
        until: Millis,
    ) -> Result<Vec<(i64, ItemId)>, ApiError> {
        let (from, to) = (to_datetime(after), to_datetime(until));
        let svc = &self.svc;
        let mut out = vec![];
        match &automation.recipe.trigger {
            Trigger::Every { period, at, weekday, day, tz } => {
                let every = Every {
                    period: *period,
                    at: parse_at("trigger.at", at)?,
                    weekday: weekday.unwrap_or(1),
                    day: day.unwrap_or(1),
                    tz: parse_zone("trigger.tz", tz.as_deref())?,
                };
                let occurrences = every.occurrences(from, to);
                if occurrences.is_empty() {
                    return Ok(out);
                }
                let items = self.matching(automation, known).await?;
                for at in occurrences {
                    out.extend(items.iter().map(|i| (at.timestamp_millis(), i.id)));
                }
            }
            Trigger::DateArrives { column_id, offset_days, at, tz } => {
                let at = at.as_deref().map(|a| parse_at("trigger.at", a)).transpose()?.unwrap_or(DEFAULT_AT);
                let tz = parse_zone("trigger.tz", tz.as_deref())?;
                let Some(column) = known.columns().iter().find(|c| c.id == *column_id) else { return Ok(out) };
                let mut fired: Vec<(DateTime<Utc>, ItemId)> = vec![];
                for item in svc.store.all_items(automation.board_id).await? {
                    let date = match item.values.cell(column) {
                        Some(CellValue::Date(d)) => d,
                        Some(CellValue::Timeline(start, _)) => start,
                        _ => continue,
                    };
                    if let Some(t) = arrives_at(date, *offset_days, at, tz).filter(|t| *t > from && *t <= to) {
                        fired.push((t, item.id));
                    }
                }
                fired.sort();
                out.extend(fired.into_iter().map(|(t, i)| (t.timestamp_millis(), i)));
            }
            _ => {}
        }
        Ok(out)
    }

    /// The board's live items an `every` acts on: those matching the conditions (all
    /// without conditions). Items that do not match get no run at all, not a run per tick
    /// marked "conditions not met".
    async fn matching(&self, automation: &Automation, known: &Known) -> Result<Vec<Item>, ApiError> {
        let svc = &self.svc;
        let scene = known.scene(AUTOMATION_ACTOR, automation.created_by);
        let mut out = vec![];
        for item in svc.store.all_items(automation.board_id).await? {
            if super::runner::conditions_hold(automation, &item, &scene, AUTOMATION_ACTOR)? != Some(false) {
                out.push(item);
            }
        }
        Ok(out)
    }
}
