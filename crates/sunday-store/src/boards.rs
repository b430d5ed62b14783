//! The boards half of the storage port.
//!
//! Reads are plain lookups. Every change goes through one method, [`BoardStore::commit`]:
//! the service computes the rows to write and the events that describe them, and the
//! backend applies both in one transaction, giving each event the board's next gap-free
//! `seq`. The event log is therefore exactly the history of committed changes — the activity
//! log, the outbox the bus relays, and the replay source for clients and the board engine.

use async_trait::async_trait;
use sunday_types::{
    automations::{Automation, AutomationRun, EventCause},
    boards::{Board, BoardEvent, BoardPermission, Column, Group, Item, Update, View},
    events::BoardChange,
    time::Millis,
    AutomationId, BoardId, ColumnId, GroupId, ItemId, OrgId, RunId, UpdateId, UserId, ViewId, WorkspaceId,
};

use crate::StoreResult;

/// Formula cells computed for an item at `version`: readers lay `cells` (a `null` clears one)
/// over the item's values while it stays at that version, and any later write of the item
/// carries them itself. They replace what an earlier recompute kept for the item, so `cells`
/// holds every formula cell of it.
#[derive(Clone, Debug)]
pub struct Computed {
    pub item: ItemId,
    pub version: i64,
    pub cells: Vec<(ColumnId, Option<serde_json::Value>)>,
}

impl BoardWrite {
    /// The write that turns `before` (as read, at its version) into `after`: the cheaper
    /// [`BoardWrite::UpdateValues`] when the item stays where it was.
    pub fn update(before: &Item, after: Item) -> BoardWrite {
        let expected_version = before.version;
        let stays = before.board_id == after.board_id
            && before.group_id == after.group_id
            && before.position == after.position
            && before.parent_item_id == after.parent_item_id
            && before.archived == after.archived;
        if stays {
            BoardWrite::UpdateValues { item: after, expected_version, files: true }
        } else {
            BoardWrite::UpdateItem { item: after, expected_version }
        }
    }
}

/// One row change inside a [`BoardStore::commit`].
///
/// Every group and column write (insert, update, delete) also moves the board's structure
/// version ([`BoardStore::structure_version`]) in the same
/// transaction, so a commit can require the structure its values were checked against
/// ([`BoardWrite::ExpectStructure`]).
#[derive(Clone, Debug)]
pub enum BoardWrite {
    /// Inserts the board; its `last_seq` must be 0.
    InsertBoard(Board),
    /// Replaces name, description, kind, default permission and subitem link, bumping
    /// `version`; `VersionConflict` when the stored version differs from `expected_version`.
    UpdateBoard {
        board: Board,
        expected_version: i64,
    },
    DeleteBoard(BoardId),
    PutMember {
        board: BoardId,
        user: UserId,
        permission: BoardPermission,
        at: Millis,
    },
    RemoveMember {
        board: BoardId,
        user: UserId,
    },
    InsertGroup {
        board: BoardId,
        group: Group,
    },
    /// Changes a group that still exists (else `GroupNotFound`): a concurrent delete is never
    /// undone.
    UpdateGroup(Group),
    /// Deletes a group; with `archived_to`, its archived items move there first (the live ones
    /// are moved or archived by their own `UpdateItem`s), so a restore lands where the user
    /// sent the group's items.
    DeleteGroup {
        group: GroupId,
        archived_to: Option<GroupId>,
    },
    SetCollapsed {
        user: UserId,
        group: GroupId,
        collapsed: bool,
    },
    InsertColumn {
        board: BoardId,
        column: Column,
    },
    /// Changes a column that still exists (else `ColumnNotFound`).
    UpdateColumn(Column),
    DeleteColumn(ColumnId),
    /// Keeps that `column` of the commit's board once showed cells of `boards` (a relation
    /// deleted or pointed elsewhere, a mirror or formula over one deleted): its event log still
    /// holds them. Kept until the board goes; recording a pair twice keeps it once.
    RecordPastLinks {
        column: ColumnId,
        boards: Vec<BoardId>,
    },
    /// Inserts an item. An `auto_number` of 0 is replaced by the board's next number; an
    /// explicit one moves the board's counter past it.
    InsertItem(Item),
    /// Replaces an item whose stored version is `expected_version` (else `VersionConflict`
    /// carrying the stored item); the written item carries its new version.
    UpdateItem {
        item: Item,
        expected_version: i64,
    },
    /// [`BoardWrite::UpdateItem`] of an item whose place, board, parent and archive state are
    /// as at `expected_version`: only its name, values, version and `updated_at` are written,
    /// so no index on the items moves. Made by [`BoardWrite::update`], which knows when it
    /// applies, or by a writer that changes values only (a new day's formula values).
    UpdateValues {
        item: Item,
        expected_version: i64,
        /// Whether its file cells may have changed (which files it holds is written again);
        /// a formula recompute changes none.
        files: bool,
    },
    /// Keeps the formula cells a background recompute computed for items, without rewriting
    /// their rows (see [`Computed`]). `VersionConflict` (carrying the stored item) when one
    /// moved on, `ItemNotFound` when one is gone.
    PutComputed(Vec<Computed>),
    /// Deletes an item and `subitems`, which must be every subitem under it (at every depth,
    /// as [`BoardStore::subtree`] read them): `StructureChanged` when one is gone or another
    /// joined them since, so that no subitem is deleted without its event.
    DeleteItem {
        id: ItemId,
        subitems: Vec<ItemId>,
    },
    InsertView(View),
    /// Replaces a view whose stored version is `expected_version`: `VersionConflict` (carrying
    /// the stored view) when it moved on, `ViewNotFound` when it is gone.
    UpdateView {
        view: View,
        expected_version: i64,
    },
    DeleteView(ViewId),
    InsertUpdate(Update),
    /// Changes an update's body and mentions if it still exists (else `UpdateNotFound`).
    EditUpdate(Update),
    DeleteUpdate(UpdateId),
    /// A notification caused by this commit's change.
    InsertNotification(sunday_types::notifications::Notification),
    /// The user follows the item (idempotent).
    Subscribe {
        item: ItemId,
        user: UserId,
    },
    Unsubscribe {
        item: ItemId,
        user: UserId,
    },
    /// Takes the user's `Idempotency-Key` for the request this commit does the work of. The
    /// key is reserved in the same transaction as the work, never by an earlier check, so of
    /// identical requests racing only one commit writes anything: the others are refused
    /// whole with `Rejected(IdempotencyKeyInUse)` (also when the key is answered already or
    /// holds another request). The response is stored after the work
    /// ([`BoardStore::complete_idempotency_key`]).
    ReserveIdempotencyKey {
        user: UserId,
        key: String,
        request_hash: String,
    },
    /// Saves a new automation of the commit's board.
    InsertAutomation(Automation),
    /// Replaces an automation whose stored version is `expected_version`: `VersionConflict`
    /// (carrying the stored one) when it moved on, `AutomationNotFound` when it is gone.
    UpdateAutomation {
        automation: Automation,
        expected_version: i64,
    },
    /// Deletes an automation of the commit's board (else `AutomationNotFound`), with its runs.
    DeleteAutomation(AutomationId),
    /// A run's outcome on its recipe: failures in a row, and the reason when this run paused
    /// it. Nothing happens to a recipe deleted meanwhile.
    SetAutomationHealth {
        automation: AutomationId,
        failures: u32,
        paused_reason: Option<String>,
    },
    /// Records a run, once: the same run id again is ignored, as is a run of a recipe that is
    /// gone.
    RecordRun(Box<AutomationRun>),
    /// Saves a webhook subscription of the commit's board.
    InsertWebhook(Box<crate::WebhookRecord>),
    /// Deletes a subscription of the commit's board (else `WebhookNotFound`), with its deliveries.
    DeleteWebhook(sunday_types::WebhookId),
    /// One event's delivery to a subscription, due at once (nothing when the subscription is
    /// gone); written with the webhook consumer's cursor.
    EnqueueDelivery {
        id: sunday_types::DeliveryId,
        webhook: sunday_types::WebhookId,
        seq: i64,
        kind: String,
        body: String,
    },
    /// Moves a top-level item to another board: the item as it will be there (`board_id`,
    /// group, position, values, number), if its stored version is `expected_version`. Its
    /// updates follow it; an item with subitems is refused (`ValidationFailed`). Committed
    /// with [`BoardStore::commit_across`], as a write of the target board.
    MoveItem {
        item: Item,
        expected_version: i64,
    },
    /// Moves a scheduled recipe's window to `through` (with the runs of the window before it).
    AdvanceSchedule {
        automation: AutomationId,
        through: sunday_types::time::Millis,
    },
    /// Saves a secret link of the commit's board (its token only as a hash).
    InsertLink {
        link: Box<sunday_types::links::BoardLink>,
        token_hash: String,
    },
    /// Revokes a link of the commit's board (else `LinkNotFound`).
    DeleteLink(sunday_types::LinkId),
    /// Refuses the commit with `StructureChanged` unless the board's structure version is
    /// still `version`: values validated against the columns and groups read at that version
    /// are then still valid when written.
    ExpectStructure {
        board: BoardId,
        version: i64,
    },
}

/// An event to append; the store assigns `seq` and `created_at`.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub actor: UserId,
    pub change: BoardChange,
    /// The automation run making the change, if one is.
    pub cause: Option<EventCause>,
}

impl NewEvent {
    pub fn new(actor: UserId, change: BoardChange) -> NewEvent {
        NewEvent { actor, change, cause: None }
    }

    /// The event as committed at `seq`.
    pub fn committed(self, board_id: BoardId, seq: i64, created_at: Millis) -> BoardEvent {
        BoardEvent {
            board_id,
            seq,
            item_id: self.change.item_id(),
            change: self.change,
            actor: self.actor,
            created_at: sunday_types::time::to_datetime(created_at),
            cause: self.cause,
        }
    }
}

/// What a commit wrote: the events with their sequence numbers, and the auto numbers given
/// to inserted items (in insertion order).
#[derive(Clone, Debug, Default)]
pub struct Committed {
    pub events: Vec<BoardEvent>,
    pub auto_numbers: Vec<i64>,
}

/// A user's standing on one board (see [`BoardStore::board_and_grant`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardGrant {
    /// The permission the board's owners gave them, if any.
    pub explicit: Option<BoardPermission>,
    /// Whether the board's workspace is closed.
    pub closed_workspace: bool,
    /// Whether they are a member of the board's workspace.
    pub workspace_member: bool,
}

/// Which boards of an organization a listing shows.
#[derive(Clone, Copy, Debug)]
pub enum BoardFilter {
    /// Every board (organization admins).
    All,
    /// Public boards and those the user is a member of.
    PublicOrMemberOf(UserId),
    /// Only those the user is a member of (guests).
    MemberOf(UserId),
}

/// Whose automation runs to list.
#[derive(Clone, Copy, Debug)]
pub enum RunsOf {
    Automation(AutomationId),
    Item(ItemId),
}

/// Where a page of items starts: after this `(position, id)`.
pub type ItemCursor = (String, ItemId);

/// A stored idempotent response.
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotentResponse {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// What a user's idempotency key holds.
#[derive(Clone, Debug, PartialEq)]
pub enum IdempotencyRecord {
    /// Reserved by the committed work of a request whose response is not stored yet: it is
    /// still running (or its server stopped between the commit and the answer).
    Reserved { request_hash: String },
    /// The response to replay.
    Answered(IdempotentResponse),
}

impl IdempotencyRecord {
    /// The fingerprint of the request that holds the key.
    pub fn request_hash(&self) -> &str {
        match self {
            IdempotencyRecord::Reserved { request_hash } => request_hash,
            IdempotencyRecord::Answered(r) => &r.request_hash,
        }
    }
}

#[async_trait]
pub trait BoardStore: Send + Sync {
    /// Applies the writes and appends the events in one transaction; nothing is written when
    /// any write fails.
    async fn commit(
        &self,
        board: BoardId,
        writes: Vec<BoardWrite>,
        events: Vec<NewEvent>,
        now: Millis,
    ) -> StoreResult<Committed>;

    /// Reserves `n` consecutive auto numbers on the board (like a database sequence: a number
    /// whose commit fails is skipped, never reused); returns the first.
    /// [`BoardStore::commit`] over several boards in one transaction (an item moving between
    /// boards): each board's writes and events, the boards locked in id order.
    async fn commit_across(
        &self,
        parts: Vec<(BoardId, Vec<BoardWrite>, Vec<NewEvent>)>,
        now: Millis,
    ) -> StoreResult<Committed>;
    async fn reserve_auto_numbers(&self, board: BoardId, n: i64) -> StoreResult<i64>;

    /// The board without its columns and groups (see [`BoardStore::columns`], `groups`).
    async fn board(&self, id: BoardId) -> StoreResult<Option<Board>>;
    async fn boards(
        &self,
        org: OrgId,
        workspace: Option<WorkspaceId>,
        filter: BoardFilter,
        after: Option<BoardId>,
        limit: usize,
    ) -> StoreResult<Vec<Board>>;
    /// The board (as [`BoardStore::board`]) and what decides `user`'s access to it besides
    /// their organization role, read in one statement (every board-scoped request checks
    /// access): their explicit permission and whether the board's workspace admits them.
    /// `None` when the board does not exist.
    async fn board_and_grant(&self, board: BoardId, user: UserId) -> StoreResult<Option<(Board, BoardGrant)>>;
    async fn board_members(&self, board: BoardId) -> StoreResult<Vec<(UserId, BoardPermission)>>;
    /// The board's structure version, moved by every group and column write. Read it before
    /// the columns and groups it is to guard: a change committed in between then shows as a
    /// newer version at commit (one needless retry), never as stale columns passing.
    async fn structure_version(&self, board: BoardId) -> StoreResult<i64>;
    /// Columns in position order.
    async fn columns(&self, board: BoardId) -> StoreResult<Vec<Column>>;
    /// The board relation columns (of any board) that link to `board`, with their board.
    async fn relations_to(&self, board: BoardId) -> StoreResult<Vec<(BoardId, Column)>>;
    /// The boards columns of `board` once showed cells of (see [`BoardWrite::RecordPastLinks`]),
    /// a pair per column and board.
    async fn past_links(&self, board: BoardId) -> StoreResult<Vec<(ColumnId, BoardId)>>;
    /// Groups in position order, with `collapsed` for `viewer`.
    async fn groups(&self, board: BoardId, viewer: Option<UserId>) -> StoreResult<Vec<Group>>;

    async fn item(&self, id: ItemId) -> StoreResult<Option<Item>>;
    /// The board of item `id` (live or archived): one indexed read, where the item itself is
    /// not needed.
    async fn item_board(&self, id: ItemId) -> StoreResult<Option<BoardId>>;
    /// A page of live (unarchived) top-level items by (position, id), optionally of one
    /// group.
    async fn items(
        &self,
        board: BoardId,
        group: Option<GroupId>,
        after: Option<ItemCursor>,
        limit: usize,
    ) -> StoreResult<Vec<Item>>;
    /// Every live item of the board (the board engine's load).
    async fn all_items(&self, board: BoardId) -> StoreResult<Vec<Item>>;
    /// Live subitems of an item, by position.
    async fn subitems(&self, parent: ItemId) -> StoreResult<Vec<Item>>;
    /// Every subitem under an item, at every depth, archived ones too (what deleting it
    /// deletes), by board then position.
    async fn subtree(&self, root: ItemId) -> StoreResult<Vec<Item>>;
    /// A page of archived top-level items by (position, id).
    async fn archived_items(&self, board: BoardId, after: Option<ItemCursor>, limit: usize) -> StoreResult<Vec<Item>>;
    /// How many updates each item of the board has; items without updates are absent.
    async fn update_counts(&self, board: BoardId) -> StoreResult<Vec<(ItemId, i64)>>;

    /// Events with `seq > after`, ascending, at most `limit`.
    async fn events_after(&self, board: BoardId, after: i64, limit: usize) -> StoreResult<Vec<BoardEvent>>;
    /// The last `seq` of the board's events committed before `at` (0 when none): where a
    /// read of the log from a moment on starts.
    async fn seq_before(&self, board: BoardId, at: Millis) -> StoreResult<i64>;
    /// Events newest first with `seq < before` (all when `None`), optionally of one item.
    async fn events_before(
        &self,
        board: BoardId,
        item: Option<ItemId>,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<BoardEvent>>;

    /// Updates of an item, oldest first, replies included (flat; `parent_id` links them).
    async fn updates(&self, item: ItemId) -> StoreResult<Vec<Update>>;
    async fn update(&self, id: UpdateId) -> StoreResult<Option<Update>>;

    async fn views(&self, board: BoardId) -> StoreResult<Vec<View>>;
    async fn view(&self, id: ViewId) -> StoreResult<Option<View>>;

    /// The board's automations, oldest first.
    async fn automations(&self, board: BoardId) -> StoreResult<Vec<Automation>>;
    async fn automation(&self, id: AutomationId) -> StoreResult<Option<Automation>>;
    /// Runs newest first, before `(started_at millis, id)`.
    async fn automation_runs(
        &self,
        of: RunsOf,
        before: Option<(i64, RunId)>,
        limit: usize,
    ) -> StoreResult<Vec<AutomationRun>>;
    async fn automation_run(&self, id: RunId) -> StoreResult<Option<AutomationRun>>;
    /// Every recipe with a date or periodic trigger, with the instant its occurrences were
    /// handled up to.
    async fn scheduled_automations(&self) -> StoreResult<Vec<(Automation, sunday_types::time::Millis)>>;
    /// The board's secret links, oldest first.
    async fn links(&self, board: BoardId) -> StoreResult<Vec<sunday_types::links::BoardLink>>;
    async fn link(&self, id: sunday_types::LinkId) -> StoreResult<Option<sunday_types::links::BoardLink>>;
    /// The link whose token hashes to `token_hash`.
    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<sunday_types::links::BoardLink>>;

    async fn idempotency_record(&self, user: UserId, key: &str) -> StoreResult<Option<IdempotencyRecord>>;
    /// Records the response of a request whose work committed nothing (so reserved nothing);
    /// whatever the key already holds wins (the later one is ignored).
    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &IdempotentResponse,
        now: Millis,
    ) -> StoreResult<()>;
    /// Answers the key's reservation with the response of the request that reserved it
    /// (same `request_hash`); an answered key is left as it is.
    async fn complete_idempotency_key(&self, user: UserId, key: &str, response: &IdempotentResponse)
        -> StoreResult<()>;
    /// Frees a reservation that got no response (its request failed after committing), so a
    /// retry can run; an answered key is left as it is.
    async fn release_idempotency_key(&self, user: UserId, key: &str, request_hash: &str) -> StoreResult<()>;
}
