//! Outbound webhooks: a board's subscriptions to its events, delivered as signed POSTs.
//!
//! - Saving a subscription checks the URL through the SSRF guard and sends it a
//!   `{"challenge": "…"}` that it must echo (monday's handshake), so nobody subscribes a URL
//!   that does not expect Sunday. The signing secret is shown once.
//! - The [`dispatch`] consumer follows the event log and enqueues one delivery per event and
//!   matching subscription together with its cursor (exactly once); senders on the worker role
//!   claim due deliveries and post them concurrently, so a slow receiver holds one slot, not
//!   the queue. A failed attempt is retried with exponential backoff and jitter for about a day
//!   (`webhooks.max_attempts`), then the delivery is dead: listed, and re-sent on request.

pub mod dispatch;

use std::{sync::Arc, time::Duration};

use sunday_store::{BoardWrite, Store, WebhookRecord};
use sunday_types::{
    dto::Page,
    events::BoardChange,
    time::{now_millis, to_datetime},
    webhooks::{Challenge, CreateWebhookRequest, CreatedWebhook, Delivery, Webhook},
    ApiError, BoardId, DeliveryId, ErrorCode, WebhookId,
};
use sunday_webhooks::{sign, AllowList, Sender};

use crate::{boards::BoardService, cursor, Actor};

/// Settings of outbound webhooks.
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// Hosts and networks (CIDR) webhooks may reach although they are not public.
    pub allowed_hosts: Vec<String>,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Attempts before a delivery is dead.
    pub max_attempts: u32,
    /// The wait after the first failed attempt; it doubles each time, up to two hours.
    pub first_retry: Duration,
    /// Deliveries in flight at once on one node.
    pub concurrency: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allowed_hosts: vec![],
            timeout: Duration::from_secs(10),
            max_attempts: 19,
            first_retry: Duration::from_secs(30),
            concurrency: 512,
        }
    }
}

#[derive(Clone)]
pub struct WebhookService {
    store: Arc<dyn Store>,
    boards: BoardService,
    /// The HTTP sender; an error when it could not be built (its TLS setup failed), which
    /// every delivery then reports rather than the server refusing to start.
    sender: Result<Sender, String>,
    settings: WebhookSettings,
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::WebhookNotFound)
}

/// A delivery list position: newest first by creation, then id.
#[derive(Clone, Copy, Debug)]
struct DeliveryKey(i64, DeliveryId);

impl std::fmt::Display for DeliveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}", self.0, self.1)
    }
}

impl std::str::FromStr for DeliveryKey {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (at, id) = s.split_once('_').ok_or(())?;
        Ok(DeliveryKey(at.parse().map_err(|_| ())?, id.parse().map_err(|_| ())?))
    }
}

impl WebhookService {
    /// `allowed_hosts` was checked with the configuration (`AllowList::parse`).
    pub fn new(store: Arc<dyn Store>, boards: BoardService, settings: WebhookSettings) -> WebhookService {
        let sender = AllowList::parse(&settings.allowed_hosts).and_then(|allow| Sender::new(allow, settings.timeout));
        if let Err(e) = &sender {
            tracing::error!(error = %e, "webhooks cannot be sent");
        }
        WebhookService { store, boards, sender, settings }
    }

    fn sender(&self) -> Result<&Sender, ApiError> {
        self.sender.as_ref().map_err(|e| ApiError::unavailable(format!("webhooks cannot be sent: {e}")))
    }

    /// The consumer and senders of the worker role.
    pub fn dispatcher(&self) -> dispatch::Dispatcher {
        dispatch::Dispatcher::new(self.clone())
    }

    pub async fn list(&self, actor: &Actor, board: BoardId) -> Result<Page<Webhook>, ApiError> {
        let access = self.boards.access(actor, board).await?;
        access.require_structure()?;
        Ok(Page::whole(self.store.webhooks(board).await?.into_iter().map(|w| w.webhook).collect()))
    }

    /// The subscription, if the actor may manage its board's webhooks (`edit_all`).
    async fn managed(&self, actor: &Actor, id: WebhookId) -> Result<WebhookRecord, ApiError> {
        let w = self.store.webhook(id).await?.ok_or_else(not_found)?;
        let access = self.boards.access(actor, w.webhook.board_id).await.map_err(|_| not_found())?;
        access.require_structure()?;
        Ok(w)
    }

    /// Subscribes `url` to the board's events, after the URL answered the challenge.
    pub async fn create(
        &self,
        actor: &Actor,
        board: BoardId,
        req: CreateWebhookRequest,
    ) -> Result<CreatedWebhook, ApiError> {
        let access = self.boards.access_for_write(actor, board).await?;
        access.require_structure()?;
        let url = req.url.trim().to_owned();
        if url.len() > 2_000 {
            return Err(ApiError::validation("url", "too_long", "at most 2000 characters"));
        }
        self.sender()?.check_url(&url).map_err(|e| ApiError::validation("url", "url_refused", e))?;
        let mut events = req.events;
        events.sort();
        events.dedup();
        for (i, kind) in events.iter().enumerate() {
            if !BoardChange::KINDS.contains(&kind.as_str()) {
                return Err(ApiError::validation(
                    &format!("events[{i}]"),
                    "unknown_event",
                    format!("`{kind}` is not an event kind"),
                ));
            }
        }
        let secret = crate::crypto::new_token("whsec_");
        self.challenge(&url, &secret).await?;
        let webhook = Webhook {
            id: WebhookId::new(),
            board_id: board,
            url,
            events,
            created_by: actor.user_id,
            created_at: to_datetime(now_millis()),
        };
        let record = WebhookRecord { webhook: webhook.clone(), secret: secret.clone() };
        // Through the board service: a request's `Idempotency-Key` is reserved by this commit.
        self.boards.commit(board, vec![BoardWrite::InsertWebhook(Box::new(record))], vec![]).await?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// Posts `{"challenge": …}` (signed) and requires the same challenge back.
    async fn challenge(&self, url: &str, secret: &str) -> Result<(), ApiError> {
        let challenge = crate::crypto::new_token("");
        let body = serde_json::to_string(&Challenge { challenge: challenge.clone() }).map_err(ApiError::internal)?;
        let header = sign::signature(secret, now_millis() / 1000, &body);
        let (attempt, answer) = self.sender()?.post(url, body, &[(sign::HEADER, header)]).await;
        let echoed = answer
            .and_then(|t| serde_json::from_str::<Challenge>(&t).ok())
            .is_some_and(|echo| echo.challenge == challenge);
        match (attempt.error, echoed) {
            (None, true) => Ok(()),
            (Some(e), _) => {
                Err(ApiError::validation("url", "challenge_failed", format!("the URL did not take the challenge: {e}")))
            }
            (None, false) => Err(ApiError::validation(
                "url",
                "challenge_failed",
                "the URL must answer the subscription's {\"challenge\": …} with the same JSON",
            )),
        }
    }

    pub async fn delete(&self, actor: &Actor, id: WebhookId) -> Result<(), ApiError> {
        let w = self.managed(actor, id).await?;
        self.boards.access_for_write(actor, w.webhook.board_id).await?;
        self.boards.commit(w.webhook.board_id, vec![BoardWrite::DeleteWebhook(id)], vec![]).await?;
        Ok(())
    }

    /// The subscription's deliveries, newest first.
    pub async fn deliveries(
        &self,
        actor: &Actor,
        id: WebhookId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<Delivery>, ApiError> {
        self.managed(actor, id).await?;
        let limit = cursor::limit(limit)?;
        let before = cursor::decode::<DeliveryKey>(cursor)?.map(|k| (k.0, k.1));
        let rows = self.store.deliveries(id, before, limit + 1).await?;
        let (data, next_cursor) =
            cursor::page(rows, limit, |d: &Delivery| DeliveryKey(d.created_at.timestamp_millis(), d.id));
        Ok(Page { data, next_cursor })
    }

    /// Sends a dead delivery again (from its first attempt).
    pub async fn resend(&self, actor: &Actor, id: DeliveryId) -> Result<Delivery, ApiError> {
        let gone = || ApiError::of(ErrorCode::DeliveryNotFound);
        let d = self.store.delivery(id).await?.ok_or_else(gone)?;
        let w = self.managed(actor, d.webhook_id).await.map_err(|_| gone())?;
        self.boards.access_for_write(actor, w.webhook.board_id).await?;
        if !self.store.resend_delivery(id, now_millis()).await? {
            return Err(gone());
        }
        self.store.delivery(id).await?.ok_or_else(gone)
    }
}
