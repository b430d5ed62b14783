//! The bell: listing and reading notifications, the user's email preferences, and the email
//! digest that the worker role sends through SMTP.

use std::{sync::Arc, time::Duration};

use lettre::{message::Mailbox, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::HashMap;
use sunday_store::Store;

use sunday_types::{
    dto::Scope,
    notifications::{MarkReadRequest, MarkReadResponse, Notification, NotificationPage, NotificationPreferences},
    time::now_millis,
    ApiError, BoardId, NotificationId, UserId,
};

use crate::{boards::BoardService, cursor, Actor};

#[derive(Clone)]
pub struct NotificationService {
    store: Arc<dyn Store>,
    boards: BoardService,
}

/// Keeps the notifications whose board `user` can still see (access is checked when they are
/// shown or emailed, not only when they were made: a user removed from a board stops reading
/// about it). One access check per distinct board.
async fn still_visible(boards: &BoardService, user: UserId, list: Vec<Notification>) -> Vec<Notification> {
    let mut sees: HashMap<BoardId, bool> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for n in list {
        let visible = match n.board_id {
            None => true,
            Some(b) => match sees.get(&b) {
                Some(v) => *v,
                None => {
                    let v = boards.access_of(user, b).await.is_ok();
                    sees.insert(b, v);
                    v
                }
            },
        };
        if visible {
            out.push(n);
        }
    }
    out
}

impl NotificationService {
    pub fn new(store: Arc<dyn Store>, boards: BoardService) -> Self {
        NotificationService { store, boards }
    }

    pub async fn list(
        &self,
        actor: &Actor,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<NotificationPage, ApiError> {
        let limit = cursor::limit(limit)?;
        let before: Option<NotificationId> = cursor::decode(after)?;
        let rows = self.store.notifications(actor.user_id, before, limit + 1).await?;
        // The cursor follows the rows read, so a page may come shorter than `limit` when some
        // were about boards the user no longer sees.
        let (rows, next_cursor) = cursor::page(rows, limit, |n| n.id);
        let data = still_visible(&self.boards, actor.user_id, rows).await;
        let unread_count = self.store.unread_count(actor.user_id).await?;
        Ok(NotificationPage { data, next_cursor, unread_count })
    }

    pub async fn mark_read(&self, actor: &Actor, req: MarkReadRequest) -> Result<MarkReadResponse, ApiError> {
        actor.require_scope(Scope::Write)?;
        let marked = self.store.mark_read(actor.user_id, req.ids, now_millis()).await?;
        Ok(MarkReadResponse { marked, unread_count: self.store.unread_count(actor.user_id).await? })
    }

    pub async fn preferences(&self, actor: &Actor) -> Result<NotificationPreferences, ApiError> {
        Ok(self.store.notification_prefs(actor.user_id).await?.unwrap_or_default())
    }

    pub async fn set_preferences(
        &self,
        actor: &Actor,
        mut prefs: NotificationPreferences,
    ) -> Result<NotificationPreferences, ApiError> {
        actor.require_scope(Scope::Write)?;
        if !(5..=1440).contains(&prefs.digest_minutes) {
            return Err(ApiError::validation("digest_minutes", "range", "`digest_minutes` is between 5 and 1440"));
        }
        prefs.email_kinds.sort_by_key(|k| *k as u8);
        prefs.email_kinds.dedup();
        self.store.put_notification_prefs(actor.user_id, &prefs).await?;
        Ok(prefs)
    }
}

/// How long a worker holds a user's digest while sending it.
const DIGEST_CLAIM_MS: i64 = 5 * 60_000;

/// Where and how digests are sent.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub from: String,
    pub poll: Duration,
    /// The web app's address, for links in emails.
    pub public_url: String,
}

/// Sends each user one email per digest interval with their unread notifications of the
/// kinds they chose. Runs on worker nodes; stops when `stop` fires.
pub async fn run_digests(
    store: Arc<dyn Store>,
    boards: BoardService,
    mail: MailSettings,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let transport =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(mail.smtp_host.clone()).port(mail.smtp_port).build();
    let from: Mailbox = match mail.from.parse() {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "mail.from is not a valid address; email digests are off");
            return;
        }
    };
    loop {
        if let Err(e) = digest_round(&store, &boards, &transport, &from, &mail).await {
            tracing::warn!(error = %e, "email digest round failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(mail.poll) => {}
            _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
        }
    }
}

async fn digest_round(
    store: &Arc<dyn Store>,
    boards: &BoardService,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    mail: &MailSettings,
) -> Result<(), ApiError> {
    let now = now_millis();
    for pending in store.pending_emails(100).await? {
        let ids: Vec<NotificationId> = pending.notifications.iter().map(|n| n.id).collect();
        let chosen: Vec<Notification> =
            pending.notifications.iter().filter(|n| pending.prefs.email_kinds.contains(&n.kind)).cloned().collect();
        let eligible = still_visible(boards, pending.user, chosen).await;
        if eligible.is_empty() {
            store.mark_emailed(pending.user, &ids, false, now).await?;
            continue;
        }
        let due = now - pending.last_digest_at >= i64::from(pending.prefs.digest_minutes) * 60_000;
        if !due {
            continue;
        }
        // Another worker may be sending this very digest: only the one holding the claim
        // (for a few minutes, longer than any send) goes on.
        if !store.claim_digest(pending.user, now, now + DIGEST_CLAIM_MS).await? {
            continue;
        }
        let to: Mailbox = match format!("{} <{}>", pending.name.replace(['<', '>', '"'], ""), pending.email).parse() {
            Ok(m) => m,
            Err(_) => {
                store.mark_emailed(pending.user, &ids, false, now).await?;
                continue;
            }
        };
        let lines: Vec<String> = eligible.iter().map(|n| format!("- {}", n.text)).collect();
        let body = format!(
            "Hi {},\n\nWhile you were away:\n\n{}\n\nOpen Sunday: {}\n\nChange which notifications reach you by email in your profile.\n",
            pending.name,
            lines.join("\n"),
            mail.public_url
        );
        let subject = if eligible.len() == 1 {
            eligible[0].text.clone()
        } else {
            format!("{} new notifications on Sunday", eligible.len())
        };
        let message = match Message::builder().from(from.clone()).to(to).subject(subject).body(body) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(user_id = %pending.user, error = %e, "email digest could not be built; skipped");
                store.mark_emailed(pending.user, &ids, false, now).await?;
                continue;
            }
        };
        match transport.send(message).await {
            Ok(_) => {
                store.mark_emailed(pending.user, &ids, true, now).await?;
                tracing::info!(user_id = %pending.user, notifications = eligible.len(), "email digest sent");
            }
            // The server refused this recipient for good: retrying would block them forever,
            // and the others must not wait behind them.
            Err(e) if e.is_permanent() => {
                tracing::warn!(user_id = %pending.user, error = %e, "email digest refused by the mail server; skipped");
                store.mark_emailed(pending.user, &ids, false, now).await?;
            }
            // A passing failure: the digest stays pending for the next round.
            Err(e) => tracing::warn!(user_id = %pending.user, error = %e, "email digest not sent; will retry"),
        }
    }
    Ok(())
}
