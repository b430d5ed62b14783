//! Automations: recipes that act on a board ("When Status changes to Done, move the item to
//! group Done and notify Owner"), and the log of their runs.
//!
//! A recipe reads like its sentence: a [`Trigger`], optional conditions (the board filter
//! language, the same JSON as views) and one or more [`Action`]s. Each run records what it
//! saw and did ([`AutomationRun`]), so a user can see why a run did what it did.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::ids::*;

/// The actor of every change an automation makes: the activity log shows it as
/// "Automation", not as the person who happened to create the recipe.
pub const AUTOMATION_ACTOR: UserId = UserId(uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_a070_0001));

/// The actor of changes made through a board's inbound webhook link: shown as "Webhook".
pub const INBOUND_ACTOR: UserId = UserId(uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_a070_0002));
/// Who changes formula values that Sunday recomputes in the background (a formula changed on a
/// large board, a recompute cut short by a restart, `TODAY()` at a new day).
pub const FORMULA_ACTOR: UserId = UserId(uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_a070_0003));
/// Who keeps connected boards current: the links back of two-way relations, links to items
/// deleted or archived, and mirror values (shown as "Connected boards").
pub const LINKS_ACTOR: UserId = UserId(uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_a070_0004));

/// What starts a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// An item was created on the board (not a subitem).
    ItemCreated,
    /// A cell changed: any column, or `column_id`'s; with `to` ("changes to X") and/or `from`
    /// ("from X to Y"), in the column's value format (a status label's id or name, a number,
    /// a date…).
    ColumnChanged {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column_id: Option<ColumnId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Value>,
    },
    /// An item moved to another group (any, or `group_id`).
    ItemMoved {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group_id: Option<GroupId>,
    },
    /// An item was archived.
    ItemArchived,
    /// An update (comment, not a reply) was posted on an item.
    UpdatePosted,
    /// A subitem was created under one of the board's items.
    SubitemCreated,
    /// A date arrives: the date (or a timeline's start) of `column_id`, moved by
    /// `offset_days` (negative: before it, "3 days before Due" is `-3`), at `at` ("HH:MM",
    /// 09:00 by default) in `tz` for a date without a time. Checked by the scheduler.
    DateArrives {
        column_id: ColumnId,
        #[serde(default)]
        offset_days: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<String>,
        /// An IANA time zone (`Europe/Paris`), UTC by default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tz: Option<String>,
    },
    /// Every day, week or month at `at` ("HH:MM") in `tz`: the actions run on each of the
    /// board's items that match the conditions. Checked by the scheduler.
    Every {
        period: Period,
        at: String,
        /// For `week`: 1 (Monday) to 7 (Sunday).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weekday: Option<u8>,
        /// For `month`: 1 to 31 (a shorter month's last day).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        day: Option<u8>,
        /// An IANA time zone, UTC by default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tz: Option<String>,
    },
    /// An item was created or changed through one of the board's inbound webhook links.
    WebhookReceived,
    /// The button of a button column was clicked on an item.
    ButtonClicked { column_id: ColumnId },
}

/// How often an `every` trigger fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Trigger {
    pub fn type_name(&self) -> &'static str {
        match self {
            Trigger::ItemCreated => "item_created",
            Trigger::ColumnChanged { .. } => "column_changed",
            Trigger::ItemMoved { .. } => "item_moved",
            Trigger::ItemArchived => "item_archived",
            Trigger::UpdatePosted => "update_posted",
            Trigger::SubitemCreated => "subitem_created",
            Trigger::DateArrives { .. } => "date_arrives",
            Trigger::Every { .. } => "every",
            Trigger::WebhookReceived => "webhook_received",
            Trigger::ButtonClicked { .. } => "button_clicked",
        }
    }

    /// Whether the scheduler fires it (by the clock) rather than an event.
    pub fn is_scheduled(&self) -> bool {
        matches!(self, Trigger::DateArrives { .. } | Trigger::Every { .. })
    }
}

/// Who a `notify` action tells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Person {
    /// The person whose change triggered the run.
    TriggeringUser,
    /// This user.
    #[serde(untagged)]
    User(UserId),
}

/// One thing a run does, in order. Templates (`name`, `text`) may use `{item.name}`,
/// `{item.id}`, `{board.name}` and `{column:<column id>}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Sets a cell (any column type; a status by label id or name).
    SetColumn {
        column_id: ColumnId,
        value: Value,
    },
    /// Empties a cell.
    ClearColumn {
        column_id: ColumnId,
    },
    /// Adds `by` (may be negative) to a number cell; an empty cell counts as 0.
    IncrementColumn {
        column_id: ColumnId,
        by: f64,
    },
    /// Adds a person to a people cell (the triggering user by default).
    AssignPerson {
        column_id: ColumnId,
        /// A user id, or `triggering_user` (the default).
        #[serde(default = "Person::triggering")]
        #[schema(value_type = String)]
        person: Person,
    },
    /// Removes a person from a people cell (everyone when `person` is absent).
    UnassignPerson {
        column_id: ColumnId,
        /// A user id, or `triggering_user`; absent: everyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schema(value_type = Option<String>)]
        person: Option<Person>,
    },
    /// Moves a date (or both ends of a timeline) by `days` (may be negative).
    PushDate {
        column_id: ColumnId,
        days: i64,
    },
    MoveToGroup {
        group_id: GroupId,
    },
    Archive,
    /// A copy of the item, right after it.
    Duplicate,
    /// A new item on this board or `board_id` (same organization), in `group_id` or the
    /// first group, named from the template.
    CreateItem {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        board_id: Option<BoardId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group_id: Option<GroupId>,
        name: String,
        /// Copies the item's cells into the new item's columns of the same type and title.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        copy_values: bool,
        /// Cells of the new item, by column id of the board it is made on (after the copied
        /// ones); a text column's value may be a template.
        #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
        #[schema(value_type = Object)]
        values: serde_json::Map<String, Value>,
    },
    CreateSubitem {
        name: String,
    },
    /// Moves the item to another board of the organization (to `group_id` there, or its
    /// first group); its cells follow into the columns of the same type and title.
    MoveToBoard {
        board_id: BoardId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group_id: Option<GroupId>,
    },
    /// Posts an update on the item, written by Automation.
    PostUpdate {
        text: String,
    },
    /// A bell notification to `users` and/or the people in `people_column_id`.
    Notify {
        /// User ids, or `triggering_user`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[schema(value_type = Vec<String>)]
        users: Vec<Person>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        people_column_id: Option<ColumnId>,
        text: String,
    },
    /// Sends the item (its event, as a delivery of kind `automation`) to one of the board's
    /// webhook subscriptions: signed, retried and logged like every delivery.
    CallWebhook {
        webhook_id: WebhookId,
    },
    /// An email through the SMTP server configured for notifications, to the addresses in
    /// `to` and/or the people in `people_column_id` (who may see the board).
    SendEmail {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        to: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        people_column_id: Option<ColumnId>,
        subject: String,
        text: String,
    },
}

impl Person {
    fn triggering() -> Person {
        Person::TriggeringUser
    }
}

impl Action {
    pub fn type_name(&self) -> &'static str {
        match self {
            Action::SetColumn { .. } => "set_column",
            Action::ClearColumn { .. } => "clear_column",
            Action::IncrementColumn { .. } => "increment_column",
            Action::AssignPerson { .. } => "assign_person",
            Action::UnassignPerson { .. } => "unassign_person",
            Action::PushDate { .. } => "push_date",
            Action::MoveToGroup { .. } => "move_to_group",
            Action::Archive => "archive",
            Action::Duplicate => "duplicate",
            Action::CreateItem { .. } => "create_item",
            Action::CreateSubitem { .. } => "create_subitem",
            Action::MoveToBoard { .. } => "move_to_board",
            Action::PostUpdate { .. } => "post_update",
            Action::Notify { .. } => "notify",
            Action::CallWebhook { .. } => "call_webhook",
            Action::SendEmail { .. } => "send_email",
        }
    }
}

/// What a recipe is: stored as one document, validated against the board when saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Recipe {
    pub trigger: Trigger,
    /// A board filter (the views' JSON) the item must match after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Value>,
    pub actions: Vec<Action>,
}

/// Whether a recipe runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AutomationState {
    Active,
    /// Switched off by a person.
    Off,
    /// Stopped by Sunday, with `paused_reason`: its actions kept failing, or a column or
    /// group it names was deleted. Switching it on again clears the reason.
    Paused,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Automation {
    pub id: AutomationId,
    pub board_id: BoardId,
    pub name: String,
    #[serde(flatten)]
    pub recipe: Recipe,
    /// The switch a person controls.
    pub enabled: bool,
    pub state: AutomationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_reason: Option<String>,
    /// Failed runs in a row (a success resets it); at the limit the recipe pauses.
    pub failures: u32,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Automation {
    /// The state implied by the switch and the pause reason.
    pub fn state_of(enabled: bool, paused_reason: Option<&str>) -> AutomationState {
        match (enabled, paused_reason) {
            (false, _) => AutomationState::Off,
            (true, Some(_)) => AutomationState::Paused,
            (true, None) => AutomationState::Active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAutomationRequest {
    pub name: String,
    pub trigger: Trigger,
    #[serde(default)]
    pub conditions: Option<Value>,
    pub actions: Vec<Action>,
    /// On by default.
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAutomationRequest {
    pub name: Option<String>,
    pub trigger: Option<Trigger>,
    /// `null` removes the conditions.
    #[serde(default, with = "crate::board_api::double_option")]
    #[schema(value_type = Option<Object>)]
    pub conditions: Option<Option<Value>>,
    pub actions: Option<Vec<Action>>,
    /// Switching a paused recipe on clears its pause.
    pub enabled: Option<bool>,
    pub expected_version: Option<i64>,
}

/// Why a run's changes happened: carried by every event an action writes, so a run caused
/// by another run knows its chain (loop detection) and the activity log can say which
/// recipe acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventCause {
    pub automation_id: AutomationId,
    pub run_id: RunId,
    /// The recipes of the runs that led here, oldest first, this one last.
    pub chain: Vec<AutomationId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Every action succeeded.
    Succeeded,
    /// An action failed; the actions after it did not run.
    Failed,
    /// The conditions did not hold: nothing was done.
    ConditionsNotMet,
    /// Stopped by loop detection: the chain of runs was too deep, or the recipe was about to
    /// act again on an item its own change triggered it on.
    LoopStopped,
    /// A dry run: what would have been done, nothing written.
    DryRun,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Done,
    /// Nothing to change (the value was already there).
    Unchanged,
    Failed,
    /// A dry run's step: what it would do.
    Planned,
}

/// One action of a run: its input, what it produced or the error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunStep {
    pub action: Action,
    pub status: StepStatus,
    /// What it wrote (the changed item's id and values, the created item, the notified
    /// people…), or in a dry run would write.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::step_output::lenient")]
    pub output: Option<crate::step_output::StepOutput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RunError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunError {
    pub code: String,
    pub message: String,
}

/// One run of a recipe: the event that triggered it, the conditions, and each action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AutomationRun {
    pub id: RunId,
    pub automation_id: AutomationId,
    pub board_id: BoardId,
    pub item_id: Option<ItemId>,
    /// The triggering event's `seq` on the board.
    pub event_seq: i64,
    /// The triggering event's `kind`.
    pub trigger_kind: String,
    /// Who made the triggering change.
    pub triggered_by: UserId,
    pub status: RunStatus,
    /// Whether the conditions held (`null` without conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions_met: Option<bool>,
    pub steps: Vec<RunStep>,
    /// The recipes of the runs that led to this one, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<AutomationId>,
    /// Why it stopped, for `loop_stopped` and `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A run of a replay over past events.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replay: bool,
    /// The failed run this one retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<RunId>,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DryRunRequest {
    pub item_id: ItemId,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Events from this instant (RFC 3339)…
    pub since: DateTime<Utc>,
    /// …until this one (default: now).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReplayResponse {
    /// Events of the range read.
    pub events_read: u64,
    /// Runs made (one per triggering event); a replay of the same range again makes none.
    pub runs: u64,
    /// Of those, runs whose actions succeeded.
    pub succeeded: u64,
}
