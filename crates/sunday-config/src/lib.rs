//! One configuration tree for every role of the `sunday` binary.
//!
//! Layers, later ones winning: built-in defaults < `sunday.toml` (or `--config FILE`) <
//! environment `SUNDAY_*` < command-line flags. Environment names map onto keys with `__` as
//! the section separator (`SUNDAY_GATEWAY__BODY_LIMIT_BYTES=1048576`); the top-level keys
//! have short forms (`SUNDAY_LISTEN`, `SUNDAY_DATA_DIR`, `SUNDAY_ROLES`). The merged tree is
//! checked for unknown keys and wrong types, then validated; every error names the key.
//! Secrets are wrapped in [`Secret`], whose `Debug` prints `[redacted]`.

mod files;
mod search;
mod secret;

use std::{net::SocketAddr, path::PathBuf};

pub use files::{FilesConfig, FilesUrl};
pub use search::{AnalyticsConfig, SearchConfig};
pub use secret::Secret;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (logged at start).
    pub listen: SocketAddr,
    /// Where the embedded store and local files live.
    pub data_dir: PathBuf,
    /// Roles this node runs: any of `api`, `realtime`, `worker`, `scheduler`, or `all`.
    pub roles: Vec<NodeRole>,
    pub log: LogConfig,
    pub store: StoreConfig,
    pub auth: AuthConfig,
    pub gateway: GatewayConfig,
    pub engine: EngineConfig,
    pub bus: BusConfig,
    pub redis: RedisConfig,
    pub realtime: RealtimeConfig,
    pub mail: MailConfig,
    pub web: WebConfig,
    pub backup: BackupConfig,
    pub trace: TraceConfig,
    pub automations: AutomationsConfig,
    pub boards: BoardsConfig,
    pub webhooks: WebhooksConfig,
    pub files: FilesConfig,
    pub search: SearchConfig,
    pub analytics: AnalyticsConfig,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `pretty` (for a terminal) or `json` (for log collectors).
    pub format: String,
    /// A `tracing` filter, e.g. `info` or `sunday=debug,info`.
    pub level: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`. Empty: `sqlite://<data_dir>/sunday.db`.
    pub url: Secret,
    /// SQLite reader connections (the writer is always one).
    pub sqlite_readers: usize,
    /// What an acknowledged write survives on SQLite: `full` (on disk before the answer:
    /// survives power loss) or `normal` (survives a crash of Sunday, not of the machine).
    pub sqlite_synchronous: SqliteSynchronous,
    /// The longest a SQLite write batch waits, in microseconds, for the writers that are
    /// active to join it (0: never waits). A lone writer never waits.
    pub commit_wait_us: u64,
    /// PostgreSQL pool size.
    pub postgres_max_connections: usize,
    /// Apply pending migrations when `serve` starts.
    pub auto_migrate: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Lifetime of a login session.
    pub session_ttl_hours: u64,
    /// Lifetime of an invitation.
    pub invite_ttl_hours: u64,
    /// Mark the session cookie `Secure` (set when Sunday is served over HTTPS).
    pub cookie_secure: bool,
    /// argon2id memory cost in KiB (OWASP's minimum is 19456).
    pub argon2_memory_kib: u32,
    /// argon2id iterations.
    pub argon2_iterations: u32,
    /// Password hashes computed at once (signups, logins); more wait their turn for up to
    /// 10 s, then get `429`. 0 means one per CPU core.
    pub hash_concurrency: u32,
    /// Failed logins for one account within the window before it is throttled.
    pub login_failures_per_account: u32,
    /// Failed logins from one IP within the window before it is throttled.
    pub login_failures_per_ip: u32,
    pub login_window_secs: u64,
    /// How long a node may trust a session, token or organization membership it has already
    /// checked. Logout, revocation and role changes take effect at once on the node that
    /// makes them, and within this many seconds on other nodes. 0 checks the store every time.
    pub auth_cache_secs: u64,
    /// Emails of the instance's admins: they may read `GET /api/v1/admin/status`. Not an
    /// organization role; empty: no one.
    pub instance_admins: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Largest accepted request body.
    pub body_limit_bytes: usize,
    /// Sustained requests per second per client IP (0 disables the limit).
    pub rate_limit_ip_per_sec: u32,
    /// Burst allowance per client IP.
    pub rate_limit_ip_burst: u32,
    /// Sustained requests per second per authenticated user (0 disables the limit).
    pub rate_limit_user_per_sec: u32,
    pub rate_limit_user_burst: u32,
    /// Origins allowed to call the API from a browser (`*` for any); empty: same origin only.
    pub cors_allowed_origins: Vec<String>,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Seconds to let in-flight requests finish on shutdown.
    pub shutdown_grace_secs: u64,
    /// Open connections at most; more are closed on arrival.
    pub max_connections: usize,
    /// A request's headers must arrive within this time, its body within `body_read_timeout_secs`.
    pub header_read_timeout_secs: u64,
    pub body_read_timeout_secs: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    /// Memory the in-memory board engine may use across boards, in MiB (an estimate of its
    /// items, decoded cells and kept JSON), before it evicts the least recently used boards.
    pub memory_mib: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusConfig {
    /// Committed events the node's bus buffers for its slowest local follower before that
    /// follower catches up from the event log.
    pub capacity: usize,
    /// Empty: the in-process bus (one node). `nats://HOST:PORT[,nats://…]`: NATS JetStream,
    /// shared by every node of a deployment.
    pub url: Secret,
    /// The JetStream stream of this deployment (created when missing); its subjects start
    /// with the name in lower case (`sunday.events.<board>`). Letters, digits, `_` and `-`.
    pub stream: String,
    /// How long the stream keeps events. The event log stays the source of truth: a node
    /// that was away longer catches up from the log.
    pub retention_secs: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// Empty: limits and throttles per node. `redis://HOST:PORT[/DB]`: kept in Redis, shared
    /// by every node of a deployment.
    pub url: Secret,
    /// Prefix of every key Sunday writes (one per deployment sharing a Redis).
    pub prefix: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealtimeConfig {
    /// Frames a board's room buffers for its slowest socket before that socket must resync.
    pub room_buffer: usize,
    /// Frames queued for one socket before it must resync.
    pub socket_buffer: usize,
    /// Events a reconnecting client may replay with `since_seq`; older gaps get `resync`.
    pub replay_limit: i64,
    pub max_connections_per_user: usize,
    pub ping_secs: u64,
    /// Close a socket silent for this long.
    pub idle_timeout_secs: u64,
    /// Presence expires without a refresh within this time.
    pub presence_ttl_secs: u64,
    /// Subscribe and presence frames one socket may send per second (twice that in a burst);
    /// beyond it they are refused with an `error` frame, so one client cannot flood a room.
    pub control_frames_per_sec: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// SMTP server for email digests; empty turns email off.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// The sender, e.g. `Sunday <sunday@example.com>`.
    pub from: String,
    /// How often the worker looks for due digests.
    pub poll_millis: u64,
    /// Where the web app is reachable, for links in emails.
    pub public_url: String,
}

/// Scheduled backups of the embedded store, made by the scheduler role.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    /// Seconds between backups; 0 turns them off.
    pub interval_secs: u64,
    /// How many backups to keep (the oldest beyond are deleted).
    pub keep: u32,
    /// Where they go (empty: `<data_dir>/backups`).
    pub dir: PathBuf,
    /// How fast a backup (scheduled or `sunday backup`) is written, in MiB/s (0: as fast as
    /// the disk takes it). A slower backup leaves the disk to the server's own commits.
    pub max_mib_per_sec: u32,
}

/// Automations (recipes), run on the `worker` role.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationsConfig {
    /// A run caused by a chain of this many automation runs is stopped (loop detection).
    pub max_chain: usize,
    /// Failed runs in a row after which a recipe pauses (its board's owners are notified).
    pub pause_after_failures: u32,
    /// Seconds between the scheduler's checks of date and periodic triggers.
    pub schedule_secs: u64,
}

/// Boards.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardsConfig {
    /// How many levels of subitems an item may have (1 to 10; subitems of subitems are level 2).
    pub subitem_depth: u8,
    /// Submissions of one form a client IP may make per minute (0: no limit); kept by each
    /// node on its own.
    pub form_submissions_per_minute: u32,
}

/// Outbound webhooks, sent by the `worker` role.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Hosts and networks (CIDR) webhooks may reach although they are private, loopback or
    /// link-local, e.g. `["hooks.internal", "10.0.0.0/8"]` (env: a comma list).
    pub allowed_hosts: Vec<String>,
    /// Seconds one delivery attempt may take.
    pub timeout_secs: u64,
    /// Attempts before a delivery is dead (19: retries for about a day).
    pub max_attempts: u32,
    /// Milliseconds before the first retry; doubled after each failure, up to two hours.
    pub first_retry_ms: u64,
    /// Deliveries in flight at once on one node; one subscription holds at most half.
    pub concurrency: usize,
}

/// OpenTelemetry traces, exported over OTLP/HTTP (JSON) when an endpoint is set.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceConfig {
    /// The collector's OTLP/HTTP base URL, e.g. `http://otel-collector:4318` (spans go to
    /// `/v1/traces` under it); empty: no traces.
    pub otlp_endpoint: String,
    /// Share of new traces sampled (0–1); a request carrying a sampled `traceparent` follows
    /// its caller's decision.
    pub sample_ratio: f64,
    /// `service.name` on every span.
    pub service_name: String,
    /// Finished spans waiting for export; beyond it spans are dropped (and counted), never
    /// waited for.
    pub queue: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// A built web app on disk to serve at `/` instead of the one inside the binary (for
    /// developing the web app; empty: the binary's own).
    pub dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            roles: vec![NodeRole::All],
            log: LogConfig { format: "pretty".into(), level: "info".into() },
            store: StoreConfig {
                url: Secret::default(),
                sqlite_readers: 4,
                sqlite_synchronous: SqliteSynchronous::Normal,
                commit_wait_us: 2000,
                postgres_max_connections: 16,
                auto_migrate: true,
            },
            auth: AuthConfig {
                session_ttl_hours: 24 * 30,
                invite_ttl_hours: 24 * 7,
                cookie_secure: false,
                argon2_memory_kib: 19456,
                argon2_iterations: 2,
                hash_concurrency: 0,
                login_failures_per_account: 5,
                login_failures_per_ip: 50,
                login_window_secs: 900,
                auth_cache_secs: 10,
                instance_admins: vec![],
            },
            gateway: GatewayConfig {
                body_limit_bytes: 2 * 1024 * 1024,
                rate_limit_ip_per_sec: 200,
                rate_limit_ip_burst: 400,
                rate_limit_user_per_sec: 100,
                rate_limit_user_burst: 200,
                cors_allowed_origins: vec![],
                trust_forwarded_for: false,
                shutdown_grace_secs: 20,
                max_connections: 20_000,
                header_read_timeout_secs: 10,
                body_read_timeout_secs: 30,
            },
            engine: EngineConfig { memory_mib: 2048 },
            bus: BusConfig { capacity: 65_536, url: Secret::default(), stream: "SUNDAY".into(), retention_secs: 3600 },
            redis: RedisConfig { url: Secret::default(), prefix: "sunday".into() },
            realtime: RealtimeConfig {
                room_buffer: 1024,
                socket_buffer: 512,
                replay_limit: 10_000,
                max_connections_per_user: 20,
                ping_secs: 25,
                idle_timeout_secs: 75,
                presence_ttl_secs: 30,
                control_frames_per_sec: 10,
            },
            web: WebConfig { dir: PathBuf::new() },
            backup: BackupConfig { interval_secs: 86_400, keep: 7, dir: PathBuf::new(), max_mib_per_sec: 64 },
            automations: AutomationsConfig { max_chain: 10, pause_after_failures: 3, schedule_secs: 30 },
            boards: BoardsConfig { subitem_depth: 5, form_submissions_per_minute: 10 },
            webhooks: WebhooksConfig {
                allowed_hosts: vec![],
                timeout_secs: 10,
                max_attempts: 19,
                first_retry_ms: 30_000,
                concurrency: 512,
            },
            trace: TraceConfig {
                otlp_endpoint: String::new(),
                sample_ratio: 1.0,
                service_name: "sunday".into(),
                queue: 4096,
            },
            files: FilesConfig::default(),
            search: SearchConfig::default(),
            analytics: AnalyticsConfig::default(),
            mail: MailConfig {
                smtp_host: String::new(),
                smtp_port: 25,
                from: "Sunday <sunday@localhost>".into(),
                poll_millis: 30_000,
                public_url: "http://127.0.0.1:8080".into(),
            },
        }
    }
}

/// A configuration problem, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("invalid config at `{key}`: {reason}")]
    Invalid { key: String, reason: String },
}

fn invalid(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { key: key.into(), reason: reason.into() }
}

/// What a store URL selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

/// SQLite's `synchronous` setting (see `store.sqlite_synchronous`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqliteSynchronous {
    Full,
    Normal,
}

/// What a node of the binary does. Each role's work is registered by `sunday-server`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    /// Every role below.
    All,
    /// The REST API and the web app.
    Api,
    /// WebSocket sessions and rooms.
    Realtime,
    /// Background work: email digests, later automations and search indexing.
    Worker,
    /// Timed work: digests' schedule, later date triggers and backups.
    Scheduler,
}

impl NodeRole {
    /// The roles `all` stands for.
    pub const EACH: [NodeRole; 4] = [NodeRole::Api, NodeRole::Realtime, NodeRole::Worker, NodeRole::Scheduler];
}

impl Config {
    /// Loads the layers. `file` is an explicit config path (must exist); without one,
    /// `./sunday.toml` is read when present. `env` is the process environment (passed in so
    /// tests need not mutate the real one); `cli` holds flag overrides as `key.path = value`.
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl IntoIterator<Item = (String, String)>,
        cli: &[(String, toml::Value)],
    ) -> Result<Config, ConfigError> {
        let mut tree = toml::Value::try_from(Config::default()).map_err(|e| invalid("<defaults>", e.to_string()))?;
        let default_file = std::path::Path::new("sunday.toml");
        let file = match file {
            Some(f) => Some(f),
            None if default_file.exists() => Some(default_file),
            None => None,
        };
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::File { path: path.display().to_string(), reason: e.to_string() })?;
            let layer: toml::Value = toml::from_str(&text)
                .map_err(|e| ConfigError::File { path: path.display().to_string(), reason: e.to_string() })?;
            merge(&mut tree, layer);
        }
        for (name, value) in env {
            if let Some(key) = env_key(&name) {
                set_path(&mut tree, &key, scalar(&value))?;
            }
        }
        for (key, value) in cli {
            set_path(&mut tree, key, value.clone())?;
        }
        let config: Config = serde_path_to_error::deserialize(tree).map_err(|e| {
            let path = e.path().to_string();
            invalid(&path, e.into_inner().to_string())
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the values that types alone do not.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.roles.is_empty() {
            return Err(invalid("roles", "name at least one role (all, api, realtime, worker, scheduler)"));
        }
        if !matches!(self.log.format.as_str(), "pretty" | "json") {
            return Err(invalid("log.format", "expected `pretty` or `json`"));
        }
        self.store_url()?;
        if self.store.sqlite_readers == 0 || self.store.sqlite_readers > 64 {
            return Err(invalid("store.sqlite_readers", "must be between 1 and 64"));
        }
        if self.store.postgres_max_connections == 0 {
            return Err(invalid("store.postgres_max_connections", "must be at least 1"));
        }
        if self.auth.argon2_memory_kib < 8 || self.auth.argon2_iterations == 0 {
            return Err(invalid("auth.argon2_memory_kib", "argon2 needs at least 8 KiB and 1 iteration"));
        }
        if self.auth.session_ttl_hours == 0 {
            return Err(invalid("auth.session_ttl_hours", "must be at least 1"));
        }
        if self.backup.interval_secs > 0 && self.backup.keep == 0 {
            return Err(invalid("backup.keep", "must be at least 1 while backups are on"));
        }
        if !(0.0..=1.0).contains(&self.trace.sample_ratio) {
            return Err(invalid("trace.sample_ratio", "must be between 0 and 1"));
        }
        let endpoint = &self.trace.otlp_endpoint;
        if !endpoint.is_empty() && !endpoint.starts_with("http://") && !endpoint.starts_with("https://") {
            return Err(invalid("trace.otlp_endpoint", "expected an http:// URL of an OTLP/HTTP collector"));
        }
        if endpoint.starts_with("https://") {
            return Err(invalid(
                "trace.otlp_endpoint",
                "https is not supported: send to a collector on the local network over http",
            ));
        }
        if !(1..=100).contains(&self.automations.max_chain) {
            return Err(invalid("automations.max_chain", "must be between 1 and 100"));
        }
        if self.automations.schedule_secs == 0 {
            return Err(invalid("automations.schedule_secs", "must be at least 1"));
        }
        if self.automations.pause_after_failures == 0 {
            return Err(invalid("automations.pause_after_failures", "must be at least 1"));
        }
        for host in &self.webhooks.allowed_hosts {
            let h = host.trim();
            let network = h.contains('/') && h.parse::<ipnet::IpNet>().is_err();
            if h.is_empty() || network || h.contains(char::is_whitespace) {
                return Err(invalid(
                    "webhooks.allowed_hosts",
                    format!("`{host}` is neither a host name, an address nor a network (CIDR)"),
                ));
            }
        }
        if self.webhooks.timeout_secs == 0 || self.webhooks.max_attempts == 0 || self.webhooks.concurrency == 0 {
            return Err(invalid("webhooks", "timeout_secs, max_attempts and concurrency must be at least 1"));
        }
        if self.trace.queue == 0 {
            return Err(invalid("trace.queue", "must be at least 1"));
        }
        if self.bus.capacity < 16 {
            return Err(invalid("bus.capacity", "must be at least 16"));
        }
        let bus_url = self.bus.url.expose();
        if !bus_url.is_empty() && !bus_url.split(',').all(|u| u.trim().starts_with("nats://")) {
            return Err(invalid("bus.url", "must be empty (the in-process bus) or nats://HOST:PORT"));
        }
        let stream = &self.bus.stream;
        if stream.is_empty() || !stream.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(invalid("bus.stream", "must be letters, digits, `_` or `-`"));
        }
        let redis_url = self.redis.url.expose();
        if !redis_url.is_empty() && !redis_url.starts_with("redis://") {
            return Err(invalid("redis.url", "must be empty (limits per node) or redis://HOST:PORT"));
        }
        if self.redis.prefix.is_empty() || self.redis.prefix.contains(char::is_whitespace) {
            return Err(invalid("redis.prefix", "must be non-empty, without spaces"));
        }
        if self.bus.retention_secs < 60 {
            return Err(invalid("bus.retention_secs", "must be at least 60"));
        }
        if self.gateway.body_limit_bytes < 1024 {
            return Err(invalid("gateway.body_limit_bytes", "must be at least 1024"));
        }
        self.search.validate()?;
        self.analytics.validate()?;
        if self.search.backend == "postgres" {
            self.search_postgres_url()?;
        }
        self.files.validate(&self.data_dir)
    }

    /// The database of the `postgres` search backend: `search.url`, or the store's when it is
    /// PostgreSQL.
    pub fn search_postgres_url(&self) -> Result<String, ConfigError> {
        let url = self.search.url.expose();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(url.to_owned());
        }
        if !url.is_empty() {
            return Err(invalid("search.url", "expected a postgres:// URL"));
        }
        match self.store_url()? {
            StoreUrl::Postgres(url) => Ok(url),
            StoreUrl::Sqlite(_) => {
                Err(invalid("search.url", "the `postgres` search backend needs a URL when the store is SQLite"))
            }
        }
    }

    /// The store selected by `store.url` (scheme decides the backend).
    pub fn store_url(&self) -> Result<StoreUrl, ConfigError> {
        let url = self.store.url.expose();
        if url.is_empty() {
            return Ok(StoreUrl::Sqlite(self.data_dir.join("sunday.db")));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(invalid("store.url", "sqlite:// needs a file path"));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(url.to_owned()));
        }
        let scheme = url.split("://").next().unwrap_or(url);
        Err(invalid("store.url", format!("unsupported scheme `{scheme}` (expected sqlite:// or postgres://)")))
    }

    pub fn has_role(&self, role: NodeRole) -> bool {
        self.roles.iter().any(|r| *r == NodeRole::All || *r == role)
    }

    /// The defaults as a TOML document (`sunday config print-default`).
    pub fn default_toml() -> String {
        toml::to_string_pretty(&Config::default()).unwrap_or_default()
    }
}

/// `SUNDAY_LISTEN` → `listen`, `SUNDAY_GATEWAY__BODY_LIMIT_BYTES` → `gateway.body_limit_bytes`.
/// `SUNDAY_CONFIG` names the file and is not a key.
fn env_key(name: &str) -> Option<String> {
    let rest = name.strip_prefix("SUNDAY_")?;
    if rest.is_empty() || rest == "CONFIG" {
        return None;
    }
    Some(rest.to_lowercase().replace("__", "."))
}

/// Environment values are strings; read them as TOML scalars or arrays where they parse
/// (`8080`, `true`, `["a","b"]`), otherwise as text. Comma lists become arrays for `roles`
/// and `cors_allowed_origins`, handled by [`set_path`].
fn scalar(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
}

fn merge(base: &mut toml::Value, layer: toml::Value) {
    match (base, layer) {
        (toml::Value::Table(b), toml::Value::Table(l)) => {
            for (k, v) in l {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, l) => *b = l,
    }
}

fn set_path(tree: &mut toml::Value, key: &str, mut value: toml::Value) -> Result<(), ConfigError> {
    let parts: Vec<&str> = key.split('.').collect();
    let mut node = tree;
    for part in &parts[..parts.len() - 1] {
        node = node.as_table_mut().and_then(|t| t.get_mut(*part)).ok_or_else(|| invalid(key, "unknown key"))?;
    }
    let table = node.as_table_mut().ok_or_else(|| invalid(key, "unknown key"))?;
    let leaf = parts[parts.len() - 1];
    let existing = table.get(leaf).ok_or_else(|| invalid(key, "unknown key"))?;
    // A list setting given as "a,b" (env or flag) is split into an array.
    if let (toml::Value::Array(_), toml::Value::String(s)) = (existing, &value) {
        value = toml::Value::Array(
            s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| toml::Value::String(p.into())).collect(),
        );
    }
    // A string setting whose env value happened to parse as a number stays a string.
    if let (toml::Value::String(_), v) = (existing, &value) {
        if !v.is_str() {
            value = toml::Value::String(match v {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => other.to_string(),
            });
        }
    }
    table.insert(leaf.to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests;
