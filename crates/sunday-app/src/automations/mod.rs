//! Automations: recipes that act on boards, run by following the event log.
//!
//! - A recipe (trigger, conditions, actions) is saved per board after [`validate`] checked
//!   every column, label, group and person it names against the board.
//! - The [`runner`] is an event-log consumer like the notifier: the event log is the outbox,
//!   so a change and "its recipes must run" commit together by construction. For each event
//!   after its cursor it runs the matching recipes and then records the runs with the new
//!   cursor in one transaction, so each event's runs are recorded exactly once.
//! - Each action of a run commits holding an idempotency key derived from the run (the run id
//!   itself comes from the recipe and the event), so a run retried after a crash does not
//!   write twice: an action whose key is taken was done by the earlier attempt.
//! - Every change an action makes carries its cause (recipe, run, chain of recipes): the
//!   activity log shows "Automation", and a run caused by runs stops when the chain is too
//!   deep or comes back to a recipe already in it.

mod execute;
mod mail;
pub mod runner;
pub mod schedule;
pub(crate) mod validate;

use std::{fmt, str::FromStr, sync::Arc};

use sunday_store::{BoardWrite, RunsOf, Store, StoreError};
use sunday_types::{
    automations::{
        Automation, AutomationRun, CreateAutomationRequest, DryRunRequest, EventCause, Recipe, ReplayRequest,
        ReplayResponse, UpdateAutomationRequest,
    },
    dto::Page,
    time::{now_millis, to_datetime},
    ApiError, AutomationId, BoardId, ErrorCode, ItemId, RunId,
};

use crate::{boards::BoardService, cursor, Actor};

use runner::Derive;
pub use runner::Runner;

tokio::task_local! {
    static CAUSE: EventCause;
}

/// The cause of the changes being committed on this task: set around an action of a run.
pub(crate) fn current_cause() -> Option<EventCause> {
    CAUSE.try_with(Clone::clone).ok()
}

/// Limits of automations.
#[derive(Clone, Copy, Debug)]
pub struct AutomationSettings {
    /// A run caused by a chain of this many runs is stopped (loop detection).
    pub max_chain: usize,
    /// Failed runs in a row after which a recipe pauses.
    pub pause_after_failures: u32,
    /// How often the scheduler checks date and periodic triggers.
    pub schedule_every: std::time::Duration,
}

impl Default for AutomationSettings {
    fn default() -> Self {
        AutomationSettings {
            max_chain: 10,
            pause_after_failures: 3,
            schedule_every: std::time::Duration::from_secs(30),
        }
    }
}

/// Most actions in one recipe.
const MAX_ACTIONS: usize = 20;
/// Most events a replay reads.
const MAX_REPLAY_EVENTS: u64 = 100_000;

#[derive(Clone)]
pub struct AutomationService {
    store: Arc<dyn Store>,
    boards: BoardService,
    settings: AutomationSettings,
    /// Where `send_email` goes; `None` without an SMTP server.
    mail: Option<mail::Mailer>,
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::AutomationNotFound)
}

/// A page position in a run list: newest first by start time, then id.
#[derive(Clone, Copy, Debug)]
struct RunKey(i64, RunId);

impl fmt::Display for RunKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.0, self.1)
    }
}

impl FromStr for RunKey {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (at, id) = s.split_once('_').ok_or(())?;
        Ok(RunKey(at.parse().map_err(|_| ())?, id.parse().map_err(|_| ())?))
    }
}

impl AutomationService {
    pub fn new(
        store: Arc<dyn Store>,
        boards: BoardService,
        settings: AutomationSettings,
        mail: Option<&crate::notifications::MailSettings>,
    ) -> AutomationService {
        let mail = mail.and_then(|m| match mail::Mailer::new(m) {
            Ok(mailer) => Some(mailer),
            Err(e) => {
                tracing::error!(error = %e, "mail.from is not a valid address; automations cannot send email");
                None
            }
        });
        AutomationService { store, boards, settings, mail }
    }

    /// The follower that runs recipes (the worker role's work).
    pub fn runner(&self) -> Runner {
        Runner::new(self.clone())
    }

    /// The clock of date and periodic triggers (the scheduler role's work, on the holder of
    /// its lease).
    pub fn scheduler(&self) -> schedule::Scheduler {
        schedule::Scheduler::new(self.clone())
    }

    pub async fn list(&self, actor: &Actor, board: BoardId) -> Result<Page<Automation>, ApiError> {
        self.boards.access(actor, board).await?;
        Ok(Page::whole(self.store.automations(board).await?))
    }

    /// The recipe, if the actor may see its board.
    pub async fn get(&self, actor: &Actor, id: AutomationId) -> Result<Automation, ApiError> {
        let a = self.store.automation(id).await?.ok_or_else(not_found)?;
        self.boards.access(actor, a.board_id).await.map_err(|_| not_found())?;
        Ok(a)
    }

    /// Saves a recipe; changing automations needs the board's `edit_all` permission.
    pub async fn create(
        &self,
        actor: &Actor,
        board: BoardId,
        req: CreateAutomationRequest,
    ) -> Result<Automation, ApiError> {
        let access = self.boards.access_for_write(actor, board).await?;
        access.require_structure()?;
        let name = sunday_domain::text::parse_name("name", &req.name, 100)?;
        let recipe =
            Recipe { trigger: req.trigger, conditions: req.conditions.filter(|c| !c.is_null()), actions: req.actions };
        let recipe = validate::recipe(self, actor, &access.board, recipe).await?;
        let now = to_datetime(now_millis());
        let enabled = req.enabled.unwrap_or(true);
        let automation = Automation {
            id: AutomationId::new(),
            board_id: board,
            name,
            recipe,
            enabled,
            state: Automation::state_of(enabled, None),
            paused_reason: None,
            failures: 0,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        // Through the board service: a request's `Idempotency-Key` is reserved by this commit.
        self.boards.commit(board, vec![BoardWrite::InsertAutomation(automation.clone())], vec![]).await?;
        Ok(automation)
    }

    /// Changes the fields named; switching a recipe on clears its pause. With `If-Match` (or
    /// `expected_version`) a recipe changed since is a `409`; without, the change is applied
    /// again to the recipe as it is now (the runner moves a recipe's version when it records
    /// failures or a pause, and a user's edit must not undo that). The recipe is checked
    /// against the board again when its trigger, conditions or actions change or it is switched
    /// on, not when it is only renamed or switched off.
    pub async fn update(
        &self,
        actor: &Actor,
        id: AutomationId,
        req: UpdateAutomationRequest,
        if_match: Option<i64>,
    ) -> Result<Automation, ApiError> {
        let expected = crate::workspaces::expected_version(if_match, req.expected_version)?;
        for _ in 0..8 {
            let current = self.get(actor, id).await?;
            let access = self.boards.access_for_write(actor, current.board_id).await?;
            access.require_structure()?;
            if let Some(v) = expected {
                if v != current.version {
                    return Err(ApiError::version_conflict(&current));
                }
            }
            let mut next = current.clone();
            if let Some(name) = &req.name {
                next.name = sunday_domain::text::parse_name("name", name, 100)?;
            }
            let changes_recipe = req.trigger.is_some() || req.conditions.is_some() || req.actions.is_some();
            if changes_recipe || req.enabled == Some(true) {
                let mut recipe = current.recipe.clone();
                if let Some(t) = &req.trigger {
                    recipe.trigger = t.clone();
                }
                if let Some(c) = &req.conditions {
                    recipe.conditions = c.clone().filter(|c| !c.is_null());
                }
                if let Some(a) = &req.actions {
                    recipe.actions = a.clone();
                }
                next.recipe = validate::recipe(self, actor, &access.board, recipe).await?;
            }
            if let Some(on) = req.enabled {
                if on {
                    next.paused_reason = None;
                    next.failures = 0;
                }
                next.enabled = on;
            }
            next.state = Automation::state_of(next.enabled, next.paused_reason.as_deref());
            next.version = current.version + 1;
            next.updated_at = to_datetime(now_millis());
            let write = BoardWrite::UpdateAutomation { automation: next.clone(), expected_version: current.version };
            match self.boards.try_commit(current.board_id, vec![write], vec![]).await {
                Ok(_) => return Ok(next),
                Err(StoreError::VersionConflict(stored)) if expected.is_some() => {
                    return Err(ApiError::version_conflict(&stored))
                }
                Err(StoreError::VersionConflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::unavailable("the recipe kept changing under this write; retry"))
    }

    pub async fn delete(&self, actor: &Actor, id: AutomationId) -> Result<(), ApiError> {
        let current = self.get(actor, id).await?;
        let access = self.boards.access_for_write(actor, current.board_id).await?;
        access.require_structure()?;
        self.boards.commit(current.board_id, vec![BoardWrite::DeleteAutomation(id)], vec![]).await?;
        Ok(())
    }

    /// A recipe's runs, newest first.
    pub async fn recipe_runs(
        &self,
        actor: &Actor,
        id: AutomationId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<AutomationRun>, ApiError> {
        self.runs(actor, RunsOf::Automation(id), cursor, limit).await
    }

    /// A recipe's runs (or an item's, across recipes), newest first.
    async fn runs(
        &self,
        actor: &Actor,
        of: RunsOf,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<AutomationRun>, ApiError> {
        match of {
            RunsOf::Automation(id) => {
                self.get(actor, id).await?;
            }
            RunsOf::Item(id) => {
                self.boards.get_item(actor, id).await?;
            }
        }
        let limit = cursor::limit(limit)?;
        let before = cursor::decode::<RunKey>(cursor)?.map(|k| (k.0, k.1));
        let rows = self.store.automation_runs(of, before, limit + 1).await?;
        let (data, next_cursor) =
            cursor::page(rows, limit, |r: &AutomationRun| RunKey(r.started_at.timestamp_millis(), r.id));
        Ok(Page { data, next_cursor })
    }

    /// What the recipe would do to the item now, as if its trigger had just fired there:
    /// conditions evaluated, each action resolved (values, people, texts), nothing written.
    pub async fn dry_run(
        &self,
        actor: &Actor,
        id: AutomationId,
        req: DryRunRequest,
    ) -> Result<AutomationRun, ApiError> {
        let automation = self.get(actor, id).await?;
        let item = self.boards.get_item(actor, req.item_id).await?;
        if item.board_id != automation.board_id {
            return Err(ApiError::validation("item_id", "other_board", "the item is not on the recipe's board"));
        }
        execute::dry_run(self, &automation, &item, actor.user_id).await
    }

    /// Runs the recipe over the board's past events in `[since, until]`, as if it had existed
    /// then: each triggering event gives one run (marked `replay`), and replaying a range again
    /// makes no second run for an event already replayed.
    pub async fn replay(
        &self,
        actor: &Actor,
        id: AutomationId,
        req: ReplayRequest,
    ) -> Result<ReplayResponse, ApiError> {
        let automation = self.get(actor, id).await?;
        let access = self.boards.access_for_write(actor, automation.board_id).await?;
        access.require_structure()?;
        let until = req.until.unwrap_or_else(|| to_datetime(now_millis()));
        if until < req.since {
            return Err(ApiError::validation("until", "before_since", "`until` is before `since`"));
        }
        let mut out = ReplayResponse { events_read: 0, runs: 0, succeeded: 0 };
        // From the events of a minute before `since` on (commit times may interleave by a few
        // milliseconds across writers), not from the board's first event.
        let mut after = self.store.seq_before(automation.board_id, req.since.timestamp_millis() - 60_000).await?;
        'pages: loop {
            let events = self.store.events_after(automation.board_id, after, 500).await?;
            let Some(last) = events.last().map(|e| e.seq) else { break };
            for event in events {
                if event.created_at > until || out.events_read >= MAX_REPLAY_EVENTS {
                    break 'pages;
                }
                if event.created_at < req.since {
                    continue;
                }
                out.events_read += 1;
                let Some(run) = runner::replay_one(self, &automation, &event).await? else { continue };
                out.runs += 1;
                if run.status == sunday_types::automations::RunStatus::Succeeded {
                    out.succeeded += 1;
                }
            }
            after = last;
        }
        Ok(out)
    }

    /// Runs a failed run's recipe again on its item, now, as a new run marked `retry_of`
    /// (conditions evaluated again, every action from the first). Retrying the same run twice
    /// answers the first retry: each failed run is retried once per request made after it.
    pub async fn retry(&self, actor: &Actor, run: RunId) -> Result<AutomationRun, ApiError> {
        let gone = || ApiError::of(ErrorCode::RunNotFound);
        let old = self.store.automation_run(run).await?.ok_or_else(gone)?;
        let automation = self.get(actor, old.automation_id).await.map_err(|_| gone())?;
        let access = self.boards.access_for_write(actor, automation.board_id).await?;
        access.require_content()?;
        if old.status != sunday_types::automations::RunStatus::Failed {
            return Err(ApiError::validation("id", "not_failed", "only a failed run can be retried"));
        }
        let item = old.item_id.ok_or_else(|| ApiError::validation("id", "no_item", "the run has no item to act on"))?;
        let id = runner::run_id(automation.id, automation.board_id, old.event_seq, false)
            .derive(&format!("retry:{}", old.id));
        if let Some(done) = self.store.automation_run(id).await? {
            return Ok(done);
        }
        let mut chain = old.chain.clone();
        chain.pop();
        let t = runner::Triggering {
            id,
            event_seq: old.event_seq,
            kind: old.trigger_kind.clone(),
            actor: actor.user_id,
            chain,
            replay: old.replay,
            retry_of: Some(old.id),
        };
        let (run, _) = runner::run_for(self, &automation, t, item, None).await?;
        let write = BoardWrite::RecordRun(Box::new(run.clone()));
        self.store.commit(automation.board_id, vec![write], vec![], now_millis()).await?;
        Ok(run)
    }

    /// Runs of the item, for the item panel.
    pub async fn item_runs(
        &self,
        actor: &Actor,
        item: ItemId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<AutomationRun>, ApiError> {
        self.runs(actor, RunsOf::Item(item), cursor, limit).await
    }
}
