//! Analytics: questions and reports over many boards, answered from aggregates kept from the
//! event log.
//!
//! Nodes with the `worker` role keep the aggregates ([`keeper`]); the embedded default, with
//! every role, answers from its own. In a cluster, a node with the `api` role but not the
//! `worker` one checks that the asker may read the boards, then forwards the question to the
//! worker holding the `analytics` lease (the lease's holder is the URL it advertised), with
//! the cluster's shared secret; the worker answers without checking again. Every worker keeps
//! its aggregates warm, so when the holder goes, the next one takes the lease and answers at
//! once.

pub mod keeper;

use std::{sync::Arc, time::Duration};

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sunday_store::Store;
use sunday_types::{
    analytics::{AnalyticsAnswer, AnalyticsQuery, AnalyticsStatus, ReportAnswer, ReportRequest},
    time::now_millis,
    ApiError, BoardId, ErrorCode, UserId,
};

pub use keeper::{KeepSettings, Keeper};

use crate::{boards::BoardService, Actor};

/// The lease whose holder answers the cluster's forwarded questions.
pub const LEASE: &str = "analytics";
/// The header a forwarded question carries the cluster's secret in.
pub const SECRET_HEADER: &str = "x-sunday-cluster-secret";

/// How analytics work on this node; `None` in the app's settings: off.
#[derive(Clone)]
pub struct AnalyticsSettings {
    /// This node keeps the aggregates (it has the `worker` role); otherwise it asks a worker.
    pub keep: Option<KeepSettings>,
    /// Shared by the cluster's nodes, proving a forwarded question comes from one of them
    /// (empty: none is sent or accepted).
    pub secret: String,
}

impl std::fmt::Debug for AnalyticsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalyticsSettings").field("keep", &self.keep).field("secret", &"[redacted]").finish()
    }
}

/// A question forwarded to the worker answering for the cluster.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Forwarded {
    Query { user_id: UserId, query: AnalyticsQuery },
    Report { report: ReportRequest },
    Status,
}

/// The worker's answer to a forwarded question: what it answered, or its refusal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Answer(serde_json::Value),
    Refused { code: String, message: String, details: Option<Box<sunday_types::ErrorDetails>> },
}

#[derive(Clone)]
pub struct AnalyticsService {
    store: Arc<dyn Store>,
    boards: BoardService,
    settings: Option<AnalyticsSettings>,
    keeper: Option<Keeper>,
    http: reqwest::Client,
}

fn off() -> ApiError {
    ApiError::new(ErrorCode::Unavailable, "analytics are off on this node (`analytics.enabled`)")
}

fn unavailable(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Unavailable, message)
}

impl AnalyticsService {
    pub fn new(store: Arc<dyn Store>, boards: BoardService, settings: Option<AnalyticsSettings>) -> AnalyticsService {
        let keeper = settings.as_ref().and_then(|s| s.keep.clone()).map(|k| Keeper::new(store.clone(), k));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap_or_default();
        AnalyticsService { store, boards, settings, keeper, http }
    }

    /// This node's keeper, when it keeps the aggregates.
    pub fn keeper(&self) -> Option<&Keeper> {
        self.keeper.as_ref()
    }

    /// Whether this node's rebuild is under way, with progress (cheap: for `/ready`); `None`
    /// when it keeps no aggregates.
    pub fn rebuilding(&self) -> Option<(bool, u64, u64)> {
        self.keeper.as_ref().map(Keeper::rebuilding)
    }

    /// What the aggregates answering this node's questions hold.
    pub async fn status(&self) -> Result<AnalyticsStatus, ApiError> {
        self.settings.as_ref().ok_or_else(off)?;
        match &self.keeper {
            Some(k) => Ok(k.status()),
            None => self.forward(&Forwarded::Status).await,
        }
    }

    /// Answers a question over boards the asker may read (any other is "not found").
    pub async fn query(&self, actor: &Actor, q: AnalyticsQuery) -> Result<AnalyticsAnswer, ApiError> {
        self.settings.as_ref().ok_or_else(off)?;
        sunday_analytics::check_boards(&q.board_ids)?;
        let named = serde_json::to_string(&(&q.metric, &q.group_by, &q.filter)).unwrap_or_default();
        for id in &q.board_ids {
            self.readable(actor, *id, &named).await?;
        }
        match &self.keeper {
            Some(k) => k.query(actor.user_id, q).await,
            None => self.forward(&Forwarded::Query { user_id: actor.user_id, query: q }).await,
        }
    }

    /// Answers a report over boards the asker may read.
    pub async fn report(&self, actor: &Actor, r: ReportRequest) -> Result<ReportAnswer, ApiError> {
        self.settings.as_ref().ok_or_else(off)?;
        let ids = sunday_analytics::report_boards(&r);
        sunday_analytics::check_boards(&ids)?;
        let named = serde_json::to_string(&r).unwrap_or_default();
        for id in &ids {
            self.readable(actor, *id, &named).await?;
        }
        match &self.keeper {
            Some(k) => k.report(r).await,
            None => self.forward(&Forwarded::Report { report: r }).await,
        }
    }

    /// Checks that `actor` may read the board (else it is "not found") and that the question
    /// (`named`: its parts as JSON) names none of the board's columns hidden from them (a
    /// relation to a board they cannot see, and what mirrors or computes from it): by id or,
    /// quoted, by title. A value that happens to equal such a title is refused too: better a
    /// needless refusal than a leak.
    async fn readable(&self, actor: &Actor, board: BoardId, named: &str) -> Result<(), ApiError> {
        self.boards.access(actor, board).await?;
        let redaction = self.boards.redaction_on(actor, board).await?;
        if redaction.is_empty() {
            return Ok(());
        }
        let withheld: Vec<_> = redaction.withheld().collect();
        for column in self.store.columns(board).await?.iter().filter(|c| withheld.contains(&c.id)) {
            let title = serde_json::to_string(&column.title).unwrap_or_default();
            if named.contains(&column.id.to_string()) || named.contains(&title) {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    format!("`{}` shows items of a board you cannot see; analytics cannot read it", column.title),
                ));
            }
        }
        Ok(())
    }

    /// Asks the worker holding the `analytics` lease.
    async fn forward<T: DeserializeOwned>(&self, ask: &Forwarded) -> Result<T, ApiError> {
        let settings = self.settings.as_ref().ok_or_else(off)?;
        if settings.secret.is_empty() {
            return Err(unavailable("this node keeps no analytics and has no `analytics.secret` to ask a worker with"));
        }
        let holder = self
            .store
            .lease_holder(LEASE, now_millis())
            .await?
            .ok_or_else(|| unavailable("no worker keeps the analytics right now; try again in a moment"))?;
        let url = format!("{}/internal/analytics", holder.trim_end_matches('/'));
        let sent = self.http.post(&url).header(SECRET_HEADER, &settings.secret).json(ask).send().await;
        let response =
            sent.map_err(|e| unavailable(format!("the analytics worker at {holder} did not answer: {e}")))?;
        if !response.status().is_success() {
            return Err(unavailable(format!("the analytics worker at {holder} refused: {}", response.status())));
        }
        let reply: Reply = response
            .json()
            .await
            .map_err(|e| unavailable(format!("the analytics worker at {holder} answered badly: {e}")))?;
        match reply {
            Reply::Answer(v) => serde_json::from_value(v).map_err(|e| ApiError::internal(e.to_string())),
            Reply::Refused { code, message, details } => {
                let code = ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code).unwrap_or(ErrorCode::Internal);
                let e = ApiError::new(code, message);
                Err(match details {
                    Some(d) => e.with_details(*d),
                    None => e,
                })
            }
        }
    }

    /// Answers a question another node forwarded (`secret`: the one it sent), or `None` when
    /// the secret is not the cluster's (the caller answers `403`).
    pub async fn answer_forwarded(&self, secret: &str, ask: Forwarded) -> Option<Reply> {
        let settings = self.settings.as_ref()?;
        if settings.secret.is_empty() || !constant_time_eq(secret.as_bytes(), settings.secret.as_bytes()) {
            return None;
        }
        let answer = match (&self.keeper, ask) {
            (None, _) => Err(unavailable("this node keeps no analytics")),
            (Some(k), Forwarded::Query { user_id, query }) => k.query(user_id, query).await.map(to_value),
            (Some(k), Forwarded::Report { report }) => k.report(report).await.map(to_value),
            (Some(k), Forwarded::Status) => Ok(to_value(k.status())),
        };
        Some(match answer {
            Ok(v) => Reply::Answer(v),
            Err(e) => Reply::Refused { code: e.code.as_str().to_owned(), message: e.message, details: e.details },
        })
    }
}

fn to_value<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Compares without leaking, through timing, how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
