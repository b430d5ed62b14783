//! Shared state of a Sunday cluster in Redis (`redis.url`): request-rate buckets and login
//! throttles, so N nodes give one budget, not N.
//!
//! Each check is one Lua script run atomically by Redis on Redis's own clock (`TIME`), so
//! nodes whose clocks differ still agree. Rates use GCRA (a token bucket kept as one
//! timestamp per key: the "theoretical arrival time"); login failures a sorted set per account
//! and per IP, trimmed to the window. Keys expire on their own once they no longer matter.
//!
//! The node starts whether or not Redis answers: the connection is made in the background
//! (and kept by redis-rs's connection manager, which reconnects by itself); until then, and
//! whenever a call fails, the limits in `sunday-app` fall back to counting in process.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, OnceLock,
    },
    time::Duration,
};

use async_trait::async_trait;
use redis::{aio::ConnectionManager, AsyncCommands, Script};
use sunday_app::limits::SharedLimits;

/// Takes one token: KEYS[1] the bucket; ARGV[1] microseconds per token, ARGV[2] the burst.
/// Returns 0 (allowed) or the whole seconds to wait.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if allow_at > now then
  return math.max(1, math.ceil((allow_at - now) / 1000000))
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return 0
";

/// Counts a login attempt: KEYS[1] the account's set, KEYS[2] the IP's; ARGV[1], ARGV[2]
/// their limits (0: none), ARGV[3] the window in ms, ARGV[4] this attempt's member. Returns 0
/// (counted) or the whole seconds to wait (nothing counted).
const RESERVE_LOGIN: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[3])
local wait = 0
for i = 1, 2 do
  local limit = tonumber(ARGV[i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if limit > 0 and redis.call('ZCARD', KEYS[i]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    local left = math.ceil((tonumber(oldest[2]) + window - now) / 1000)
    if left < 1 then left = 1 end
    if left > wait then wait = left end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], window)
end
return 0
";

pub struct RedisLimits {
    prefix: String,
    conn: Arc<OnceLock<ConnectionManager>>,
    up: Arc<AtomicBool>,
    take: Script,
    reserve: Script,
}

impl RedisLimits {
    /// Connects to `url` in the background; keys start with `prefix` (one per deployment).
    pub fn start(url: &str, prefix: &str) -> Result<RedisLimits, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let conn = Arc::new(OnceLock::new());
        let up = Arc::new(AtomicBool::new(false));
        tokio::spawn(connect(client, conn.clone(), up.clone()));
        Ok(RedisLimits {
            prefix: prefix.to_owned(),
            conn,
            up,
            take: Script::new(TAKE),
            reserve: Script::new(RESERVE_LOGIN),
        })
    }

    fn conn(&self) -> Result<ConnectionManager, String> {
        self.conn.get().cloned().ok_or_else(|| "not connected to Redis yet".to_owned())
    }

    /// Notes whether the call reached Redis, for `/ready`.
    fn seen<T>(&self, result: redis::RedisResult<T>) -> Result<T, String> {
        let reached = result.as_ref().map_or_else(|e| !(e.is_io_error() || e.is_connection_dropped()), |_| true);
        self.up.store(reached, Ordering::Relaxed);
        result.map_err(|e| e.to_string())
    }
}

/// Makes the connection manager, retrying until Redis answers; then keeps `up` current.
async fn connect(client: redis::Client, conn: Arc<OnceLock<ConnectionManager>>, up: Arc<AtomicBool>) {
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Duration::from_secs(2))
        .set_response_timeout(Duration::from_secs(1))
        .set_number_of_retries(2);
    let mut wait = Duration::from_millis(100);
    let manager = loop {
        match client.get_connection_manager_with_config(config.clone()).await {
            Ok(m) => break m,
            Err(e) => {
                tracing::warn!(error = %e, "Redis unreachable; limits are per node until it answers");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    };
    let _ = conn.set(manager.clone());
    tracing::info!("connected to Redis");
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut manager = manager;
    loop {
        tick.tick().await;
        let ping: redis::RedisResult<String> = redis::cmd("PING").query_async(&mut manager).await;
        let ok = ping.is_ok();
        up.store(ok, Ordering::Relaxed);
        metrics::gauge!("dependency_up", "dependency" => "redis").set(if ok { 1.0 } else { 0.0 });
    }
}

#[async_trait]
impl SharedLimits for RedisLimits {
    async fn take(&self, key: &str, per_sec: u32, burst: u32) -> Result<Result<(), u64>, String> {
        let mut conn = self.conn()?;
        let interval = 1_000_000 / u64::from(per_sec.max(1));
        let result: redis::RedisResult<u64> = self
            .take
            .key(format!("{}:rate:{key}", self.prefix))
            .arg(interval)
            .arg(burst.max(1))
            .invoke_async(&mut conn)
            .await;
        Ok(match self.seen(result)? {
            0 => Ok(()),
            wait => Err(wait),
        })
    }

    async fn reserve_login(
        &self,
        account: &str,
        per_account: u32,
        ip: &str,
        per_ip: u32,
        window: Duration,
    ) -> Result<Result<(), u64>, String> {
        let mut conn = self.conn()?;
        let result: redis::RedisResult<u64> = self
            .reserve
            .key(format!("{}:login:account:{account}", self.prefix))
            .key(format!("{}:login:ip:{ip}", self.prefix))
            .arg(per_account)
            .arg(per_ip)
            .arg(window.as_millis() as u64)
            .arg(uuid::Uuid::new_v4().simple().to_string())
            .invoke_async(&mut conn)
            .await;
        Ok(match self.seen(result)? {
            0 => Ok(()),
            wait => Err(wait),
        })
    }

    async fn login_succeeded(&self, account: &str, ip: &str) -> Result<(), String> {
        let mut conn = self.conn()?;
        let cleared: redis::RedisResult<()> = conn.del(format!("{}:login:account:{account}", self.prefix)).await;
        self.seen(cleared)?;
        let popped: redis::RedisResult<Vec<(String, f64)>> =
            conn.zpopmax(format!("{}:login:ip:{ip}", self.prefix), 1).await;
        self.seen(popped).map(|_| ())
    }

    fn connected(&self) -> bool {
        self.conn.get().is_some() && self.up.load(Ordering::Relaxed)
    }
}
