//! Requests sent with an `Idempotency-Key`, scoped to the user: a retry gets the first
//! response instead of doing the work twice, even when both copies arrive at the same moment.
//!
//! The key is reserved by the work's own commit ([`BoardWrite::ReserveIdempotencyKey`]), never
//! by an earlier check: of identical requests racing, the store lets exactly one commit take
//! the key and refuses the others' commits whole. The response is stored once the work is
//! done. A copy that finds the key reserved waits for that response (up to
//! [`WAIT_FOR_FIRST`]) and replays it, or answers `409 idempotency_key_in_use`; a first
//! attempt that fails after committing releases its reservation so a retry can run. Only
//! successful responses are remembered.
//!
//! The key reaches the commit through a task-local [`Claim`] that [`IdempotencyService::run`]
//! sets around the work and `BoardService::commit` reads, rather than as a parameter of each
//! use case: every idempotent use case writes through that one commit, so none carries a
//! transport concern in its signature and a new one cannot forget to pass the key. The work
//! must commit on the task that runs it (a commit from a spawned task reserves nothing).

use std::{
    future::Future,
    sync::{
        atomic::{AtomicU8, Ordering},
        Arc,
    },
    time::Duration,
};

use serde::Serialize;
use sunday_store::{BoardWrite, IdempotencyRecord, IdempotentResponse, Store, StoreError};
use sunday_types::{time::now_millis, ApiError, ErrorCode, UserId};

/// How long a copy of a request waits for the first one's response before answering
/// `idempotency_key_in_use`.
pub const WAIT_FOR_FIRST: Duration = Duration::from_secs(5);

/// A request sent with an `Idempotency-Key`.
#[derive(Clone, Debug)]
pub struct IdempotentRequest {
    pub user: UserId,
    pub key: String,
    /// The request's fingerprint (method, path and body): the same key with another request
    /// is `idempotency_key_reused`.
    pub request_hash: String,
}

/// The response to send: this request's own, or the first one's replayed.
#[derive(Clone, Debug)]
pub struct Answer {
    pub response: IdempotentResponse,
    pub replayed: bool,
}

#[derive(Clone)]
pub struct IdempotencyService {
    store: Arc<dyn Store>,
}

impl IdempotencyService {
    pub fn new(store: Arc<dyn Store>) -> IdempotencyService {
        IdempotencyService { store }
    }

    /// Runs `work` for `request` unless the key already answered it, and remembers its
    /// successful response (serialized as JSON, with `status`).
    pub async fn run<R: Serialize>(
        &self,
        request: IdempotentRequest,
        status: u16,
        work: impl Future<Output = Result<R, ApiError>>,
    ) -> Result<Answer, ApiError> {
        if let Some(saved) = self.settled(&request).await? {
            return Ok(Answer { response: saved, replayed: true });
        }
        let claim = Arc::new(Claim { request: request.clone(), state: AtomicU8::new(OPEN) });
        let result = CLAIM.scope(claim.clone(), work).await;
        match (claim.state.load(Ordering::Acquire), result) {
            // An identical request reserved the key first: answer with its response.
            (LOST, _) => match self.settled(&request).await? {
                Some(saved) => Ok(Answer { response: saved, replayed: true }),
                None => Err(in_use()),
            },
            (state, Ok(value)) => {
                let body = serde_json::to_string(&value).map_err(ApiError::internal)?;
                let response = IdempotentResponse { request_hash: request.request_hash.clone(), status, body };
                let (user, key) = (request.user, request.key.as_str());
                let saved = if state == RESERVED {
                    self.store.complete_idempotency_key(user, key, &response).await
                } else {
                    self.store.save_idempotent_response(user, key, &response, now_millis()).await
                };
                // The work is done and committed: answer it even if the response could not be
                // kept (copies then see the key in use rather than redo the work).
                if let Err(e) = saved {
                    tracing::error!(error = %e, "could not store an idempotent response");
                }
                Ok(Answer { response, replayed: false })
            }
            (state, Err(e)) => {
                if state == RESERVED {
                    let released =
                        self.store.release_idempotency_key(request.user, &request.key, &request.request_hash).await;
                    if let Err(release) = released {
                        tracing::error!(error = %release, "could not release an idempotency key");
                    }
                }
                Err(e)
            }
        }
    }

    /// The response stored for this request, `None` when the key is free (never used, or
    /// released by a failed attempt). A reservation by an identical request still running is
    /// waited for; the key holding another request is `idempotency_key_reused`.
    async fn settled(&self, request: &IdempotentRequest) -> Result<Option<IdempotentResponse>, ApiError> {
        let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
        let mut pause = Duration::from_millis(5);
        loop {
            match self.store.idempotency_record(request.user, &request.key).await? {
                None => return Ok(None),
                Some(r) if r.request_hash() != request.request_hash => {
                    return Err(ApiError::of(ErrorCode::IdempotencyKeyReused))
                }
                Some(IdempotencyRecord::Answered(saved)) => return Ok(Some(saved)),
                Some(IdempotencyRecord::Reserved { .. }) => {
                    if tokio::time::Instant::now() + pause > deadline {
                        return Err(in_use());
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
            }
        }
    }
}

fn in_use() -> ApiError {
    ApiError::of(ErrorCode::IdempotencyKeyInUse).retry_after(1)
}

/// Runs `work` holding `key` for `user` the way an automation's step does: its commit
/// reserves the key, and a commit refused because the key is taken means an earlier attempt
/// of the same step already committed (answers `true`, with the work's error). No response is
/// kept and nothing is read first: a step is retried only after a crash or a lost race.
pub(crate) async fn reserve_once<R>(
    user: UserId,
    key: String,
    request_hash: String,
    work: impl Future<Output = Result<R, ApiError>>,
) -> (Result<R, ApiError>, bool) {
    let claim = Arc::new(Claim { request: IdempotentRequest { user, key, request_hash }, state: AtomicU8::new(OPEN) });
    let result = CLAIM.scope(claim.clone(), work).await;
    let lost = claim.state.load(Ordering::Acquire) == LOST;
    (result, lost)
}

/// Runs `work` so that its commits reserve no key: preparation a request's real work needs
/// (a subitem board made before the first subitem) must not take the key that marks the
/// work itself as done.
pub(crate) async fn unclaimed<R>(work: impl Future<Output = R>) -> R {
    let request =
        IdempotentRequest { user: UserId(uuid::Uuid::nil()), key: String::new(), request_hash: String::new() };
    CLAIM.scope(Arc::new(Claim { request, state: AtomicU8::new(RESERVED) }), work).await
}

const OPEN: u8 = 0;
const RESERVED: u8 = 1;
const LOST: u8 = 2;

tokio::task_local! {
    static CLAIM: Arc<Claim>;
}

/// The current request's hold on its key: open until a commit reserves it (reserved) or is
/// refused because an identical request holds it (lost).
pub(crate) struct Claim {
    request: IdempotentRequest,
    state: AtomicU8,
}

impl Claim {
    /// The claim of the request running on this task, while its key is still to reserve.
    pub(crate) fn open() -> Option<Arc<Claim>> {
        CLAIM.try_with(|c| c.clone()).ok().filter(|c| c.state.load(Ordering::Acquire) == OPEN)
    }

    /// The write that reserves the key, to lead the next commit.
    pub(crate) fn reservation(&self) -> BoardWrite {
        BoardWrite::ReserveIdempotencyKey {
            user: self.request.user,
            key: self.request.key.clone(),
            request_hash: self.request.request_hash.clone(),
        }
    }

    /// Records the outcome of the commit that carried [`Claim::reservation`]; any other
    /// failure rolled the reservation back with the rest, so the claim stays open.
    pub(crate) fn settle<T>(&self, outcome: &Result<T, StoreError>) {
        match outcome {
            Ok(_) => self.state.store(RESERVED, Ordering::Release),
            Err(StoreError::Rejected(ErrorCode::IdempotencyKeyInUse)) => self.state.store(LOST, Ordering::Release),
            Err(_) => {}
        }
    }
}
