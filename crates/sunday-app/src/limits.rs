//! Request limits: token buckets for request rates and a sliding failure count for logins.
//!
//! In process, these are exact on one node; with [`SharedLimits`] (Redis) configured, the
//! buckets and failure counts live there, so the nodes of a cluster share one budget. When
//! the shared store fails or is slow, a breaker sends every check to the in-process limits
//! for a few seconds (each node limits on its own, as without Redis) and tries again.

use std::{
    collections::{HashMap, VecDeque},
    future::Future,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use async_trait::async_trait;
use sunday_types::time::now_millis;

/// Limits kept where every node sees them. Each call answers `Ok(Ok(()))` (allowed),
/// `Ok(Err(seconds))` (refused for that long) or `Err` (the store failed).
#[async_trait]
pub trait SharedLimits: Send + Sync + 'static {
    /// Takes one request from `key`'s bucket: `per_sec` sustained, `burst` at once.
    async fn take(&self, key: &str, per_sec: u32, burst: u32) -> Result<Result<(), u64>, String>;
    /// Counts a login attempt against the account and the IP, unless either had `limit`
    /// attempts within `window` already (a limit of 0 never refuses).
    async fn reserve_login(
        &self,
        account: &str,
        per_account: u32,
        ip: &str,
        per_ip: u32,
        window: Duration,
    ) -> Result<Result<(), u64>, String>;
    /// The attempt succeeded: the account's failures are cleared, the IP gets its attempt back.
    async fn login_succeeded(&self, account: &str, ip: &str) -> Result<(), String>;
    /// Whether the store answers (for `/ready`).
    fn connected(&self) -> bool;
}

/// How long a shared call may take before the in-process limits answer instead.
const SHARED_TIMEOUT: Duration = Duration::from_millis(250);
/// How long the breaker stays open after a failed shared call.
const BREAKER_OPEN_MS: i64 = 2_000;

/// A shared limits store behind a breaker.
#[derive(Clone)]
pub struct Shared {
    backend: Arc<dyn SharedLimits>,
    open_until: Arc<AtomicI64>,
}

impl Shared {
    pub fn new(backend: Arc<dyn SharedLimits>) -> Shared {
        Shared { backend, open_until: Arc::new(AtomicI64::new(0)) }
    }

    pub fn connected(&self) -> bool {
        self.backend.connected()
    }

    /// The shared answer, or `None` when the in-process limits must answer (the store failed
    /// just now, or did within the breaker's time).
    async fn call<T>(&self, f: impl Future<Output = Result<T, String>>) -> Option<T> {
        if now_millis() < self.open_until.load(Ordering::Relaxed) {
            return None;
        }
        match tokio::time::timeout(SHARED_TIMEOUT, f).await {
            Ok(Ok(answer)) => Some(answer),
            failed => {
                let reason = match failed {
                    Ok(Err(e)) => e,
                    _ => "timed out".into(),
                };
                if self.open_until.swap(now_millis() + BREAKER_OPEN_MS, Ordering::Relaxed) == 0 {
                    tracing::warn!(error = %reason, "shared limits unavailable: each node limits on its own for now");
                }
                metrics::counter!("shared_limits_fallbacks_total").increment(1);
                None
            }
        }
    }
}

/// Beyond this many tracked keys, idle entries are pruned on insert so memory stays bounded
/// even under a spray of distinct IPs.
const MAX_KEYS: usize = 100_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets keyed by client (IP or user): `per_sec` sustained, `burst` at once.
pub struct RateLimiter {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `per_sec == 0` disables the limiter.
    pub fn new(per_sec: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            per_sec: per_sec as f64,
            burst: burst.max(per_sec).max(1) as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `per_minute` a minute sustained, as many at once; 0 disables the limiter.
    pub fn per_minute(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_sec: f64::from(per_minute) / 60.0,
            burst: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.per_sec > 0.0
    }

    /// Takes one token for `key`; on refusal, the whole seconds until one is available.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        if !self.enabled() {
            return Ok(());
        }
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            let full_after = Duration::from_secs_f64(self.burst / self.per_sec);
            buckets.retain(|_, b| now.duration_since(b.updated) < full_after);
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket { tokens: self.burst, updated: now });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_sec).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_sec).ceil().max(1.0) as u64)
        }
    }
}

/// A request-rate limit for one kind of key (client IPs, users): shared by the nodes when
/// [`Shared`] is given, in process otherwise.
pub struct Limiter {
    name: &'static str,
    per_sec: u32,
    burst: u32,
    local: RateLimiter,
    shared: Option<Shared>,
}

impl Limiter {
    /// `per_sec == 0` disables the limit.
    pub fn new(name: &'static str, per_sec: u32, burst: u32, shared: Option<Shared>) -> Limiter {
        Limiter { name, per_sec, burst: burst.max(per_sec).max(1), local: RateLimiter::new(per_sec, burst), shared }
    }

    pub fn enabled(&self) -> bool {
        self.per_sec > 0
    }

    /// Takes one request for `key`; on refusal, the whole seconds until one is available.
    pub async fn check(&self, key: &str) -> Result<(), u64> {
        if !self.enabled() {
            return Ok(());
        }
        if let Some(shared) = &self.shared {
            let key = format!("{}:{key}", self.name);
            if let Some(answer) = shared.call(shared.backend.take(&key, self.per_sec, self.burst)).await {
                return answer;
            }
        }
        self.local.check(key)
    }
}

/// Counts failed logins per account and per IP over a sliding window.
pub struct LoginThrottle {
    per_account: u32,
    per_ip: u32,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    shared: Option<Shared>,
}

impl LoginThrottle {
    pub fn new(per_account: u32, per_ip: u32, window: Duration, shared: Option<Shared>) -> LoginThrottle {
        LoginThrottle { per_account, per_ip, window, failures: Mutex::new(HashMap::new()), shared }
    }

    /// [`LoginThrottle::reserve_here`], on the shared counts when there are.
    pub async fn reserve(&self, email: &str, ip: &str) -> Result<(), u64> {
        if let Some(shared) = &self.shared {
            let call = shared.backend.reserve_login(email, self.per_account, ip, self.per_ip, self.window);
            if let Some(answer) = shared.call(call).await {
                return answer;
            }
        }
        self.reserve_here(email, ip)
    }

    /// [`LoginThrottle::succeeded_here`], on the shared counts when there are.
    pub async fn succeeded(&self, email: &str, ip: &str) {
        if let Some(shared) = &self.shared {
            if shared.call(shared.backend.login_succeeded(email, ip)).await.is_some() {
                return;
            }
        }
        self.succeeded_here(email, ip)
    }

    fn keys(email: &str, ip: &str) -> [(String, u32); 2] {
        [(format!("account:{email}"), 0), (format!("ip:{ip}"), 1)]
    }

    /// Counts this attempt as a failure before the password is checked (reserve, then
    /// check), so concurrent guesses cannot all slip past the limit while the first ones are
    /// still hashing. `Err(seconds)` when the account or the IP is throttled; nothing is
    /// counted then.
    pub fn reserve_here(&self, email: &str, ip: &str) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else { return Ok(()) };
        let mut wait = 0u64;
        for (key, which) in Self::keys(email, ip) {
            let limit = if which == 0 { self.per_account } else { self.per_ip };
            if let Some(q) = failures.get_mut(&key) {
                while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    q.pop_front();
                }
                if limit > 0 && q.len() >= limit as usize {
                    if let Some(oldest) = q.front() {
                        let left = self.window.saturating_sub(now.duration_since(*oldest));
                        wait = wait.max(left.as_secs().max(1));
                    }
                }
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        if failures.len() >= MAX_KEYS {
            let window = self.window;
            failures.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for (key, _) in Self::keys(email, ip) {
            let q = failures.entry(key).or_default();
            q.push_back(now);
            // Never keep more than the larger limit: older entries cannot matter.
            while q.len() > self.per_account.max(self.per_ip) as usize + 1 {
                q.pop_front();
            }
        }
        Ok(())
    }

    /// The reserved attempt succeeded: the account's failures are cleared and the IP gets its
    /// attempt back.
    pub fn succeeded_here(&self, email: &str, ip: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&format!("account:{email}"));
            if let Some(q) = failures.get_mut(&format!("ip:{ip}")) {
                q.pop_back();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_refills() {
        let rl = RateLimiter::new(2, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(rl.check_at("a", t0).is_ok());
        }
        assert_eq!(rl.check_at("a", t0), Err(1));
        assert!(rl.check_at("b", t0).is_ok(), "keys are independent");
        assert!(rl.check_at("a", t0 + Duration::from_millis(600)).is_ok());
        assert!(RateLimiter::new(0, 0).check("x").is_ok(), "0 disables");
    }

    #[test]
    fn login_throttle_counts_attempts_per_account_and_ip() {
        let t = LoginThrottle::new(2, 3, Duration::from_secs(60), None);
        assert!(t.reserve_here("a@x.io", "1.1.1.1").is_ok());
        assert!(t.reserve_here("a@x.io", "2.2.2.2").is_ok());
        let wait = t.reserve_here("a@x.io", "9.9.9.9").unwrap_err();
        assert!(wait > 0 && wait <= 60, "two attempts in flight or failed use the account's budget");
        assert!(t.reserve_here("c@x.io", "1.1.1.1").is_ok());
        assert!(t.reserve_here("e@x.io", "1.1.1.1").is_ok());
        assert!(t.reserve_here("d@x.io", "1.1.1.1").is_err(), "the IP reached its limit");
        t.succeeded_here("c@x.io", "1.1.1.1");
        assert!(t.reserve_here("d@x.io", "1.1.1.1").is_ok(), "a success gives the IP its attempt back");
        t.succeeded_here("a@x.io", "2.2.2.2");
        assert!(t.reserve_here("a@x.io", "9.9.9.9").is_ok(), "a success clears the account");
    }
}
