//! The composition root: configuration → store → services → HTTP, for every role of the
//! binary, with graceful shutdown. Also what tests and benchmarks start in-process
//! ([`start`] on port 0).

pub mod backup;
mod listener;
mod observability;
mod traces;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use sunday_app::{App, AppSettings};
use sunday_bus::{DynBus, InProcessBus};
use sunday_config::{Config, NodeRole, SqliteSynchronous, StoreUrl};
use sunday_http::{HttpSettings, HttpState};
use sunday_store::Store;
use sunday_store_postgres::PostgresStore;
use sunday_store_sqlite::{Durability, SqliteStore};
use tokio::sync::watch;

pub use observability::init_logging;
pub use sunday_app::{archive, org_archive};

/// Opens the configured store, migrates it when `migrate` is set, and refuses a schema newer
/// than this binary knows (a later release migrated it). An older schema is served unready:
/// without auto-migration, `/ready` answers `503` until `sunday migrate` has run, which is how
/// a rolling deploy migrates before the new nodes take traffic.
pub async fn open_store(config: &Config, migrate: bool) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store_unchecked(config, migrate).await?;
    store.migration_plan().await?;
    Ok(store)
}

/// Opens the configured store, migrating it when `migrate` is set, whatever its version.
async fn open_store_unchecked(config: &Config, migrate: bool) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match config.store_url()? {
        StoreUrl::Sqlite(path) => {
            let durability = match config.store.sqlite_synchronous {
                SqliteSynchronous::Full => Durability::Full,
                SqliteSynchronous::Normal => Durability::Normal,
            };
            let store = SqliteStore::open_with(
                &path,
                config.store.sqlite_readers,
                durability,
                std::time::Duration::from_micros(config.store.commit_wait_us),
            )
            .await
            .with_context(|| format!("opening sqlite store at {}", path.display()))?;
            if migrate {
                store.migrate().await.context("migrating sqlite store")?;
            }
            tracing::info!(path = %path.display(), "store: sqlite");
            Arc::new(store)
        }
        StoreUrl::Postgres(url) => {
            let store = PostgresStore::connect(&url, config.store.postgres_max_connections)
                .await
                .context("connecting to postgres")?;
            if migrate {
                store.migrate().await.context("migrating postgres store")?;
            }
            tracing::info!("store: postgres");
            Arc::new(store)
        }
    })
}

/// The event bus this node publishes to and follows: the in-process bus of the embedded
/// deployment, or NATS JetStream shared by the nodes of a scaled-out one (`bus.url`).
pub async fn open_bus(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<DynBus> {
    let url = config.bus.url.expose();
    let bus: DynBus = if url.is_empty() {
        Arc::new(InProcessBus::new(config.bus.capacity))
    } else {
        let settings = sunday_bus_nats::NatsSettings {
            url: url.to_owned(),
            stream: config.bus.stream.clone(),
            retention: Duration::from_secs(config.bus.retention_secs),
            capacity: config.bus.capacity,
        };
        Arc::new(sunday_bus_nats::NatsBus::start(settings, store).await.context("connecting to NATS")?)
    };
    tracing::info!(bus = bus.name(), "event bus");
    Ok(bus)
}

/// Where request limits and login throttles are kept when the nodes share them (`redis.url`).
fn open_shared_limits(config: &Config) -> anyhow::Result<Option<sunday_app::limits::Shared>> {
    let url = config.redis.url.expose();
    if url.is_empty() {
        return Ok(None);
    }
    let redis = sunday_redis::RedisLimits::start(url, &config.redis.prefix).context("redis.url")?;
    tracing::info!("request limits and login throttles: shared in Redis");
    Ok(Some(sunday_app::limits::Shared::new(Arc::new(redis))))
}

/// Applies migrations and returns the schema version (`sunday migrate`).
pub async fn migrate(config: &Config) -> anyhow::Result<i64> {
    let store = open_store(config, true).await?;
    Ok(store.schema_version().await?)
}

/// What `sunday migrate` would do, as text: the versions, then each pending migration with
/// its SQL (`sunday migrate --dry-run`). Changes nothing.
pub async fn migration_plan(config: &Config) -> anyhow::Result<String> {
    use std::fmt::Write;
    let store = open_store_unchecked(config, false).await?;
    let plan = store.migration_plan().await?;
    let mut out = format!(
        "{} store at schema version {}; this Sunday's latest is {}.\n",
        store.backend(),
        plan.current,
        plan.latest
    );
    if plan.is_current() {
        out.push_str("Nothing to apply.\n");
    }
    for step in &plan.pending {
        let _ = write!(
            out,
            "\n-- apply {} ({}), in one transaction\n{}\n",
            step.version,
            step.migration.name,
            step.migration.sql.trim()
        );
    }
    Ok(out)
}

/// Where uploads go (`files.*`): the storage is opened here, once per node.
fn file_settings(config: &Config) -> anyhow::Result<sunday_app::files::FileSettings> {
    use sunday_app::files::{FileSettings, Location};
    let f = &config.files;
    let location = match f.location(&config.data_dir)? {
        sunday_config::FilesUrl::Local(dir) => Location::Local(dir),
        sunday_config::FilesUrl::S3 { bucket, prefix } => Location::S3 {
            bucket,
            prefix,
            endpoint: f.s3_endpoint.clone(),
            region: f.s3_region.clone(),
            access_key_id: f.s3_access_key_id.clone(),
            secret_access_key: f.s3_secret_access_key.expose().to_owned(),
        },
    };
    let mut settings = FileSettings::open(&location).map_err(|e| anyhow::anyhow!("files.url: {e}"))?;
    settings.max_upload_bytes = f.max_upload_bytes;
    settings.allowed_types = f.allowed_types.clone();
    if !f.signing_key.expose().is_empty() {
        settings.signing_key = f.signing_key.expose().as_bytes().to_vec();
    }
    settings.signed_url_ttl = Duration::from_secs(f.signed_url_secs);
    settings.orphan_grace = Duration::from_secs(f.orphan_grace_secs);
    settings.thumbnail_max_pixels = f.thumbnail_max_pixels;
    tracing::info!(storage = %settings.objects, "files");
    Ok(settings)
}

/// This node's search index (`search.*`), on nodes with the `api` role, which answer
/// searches: the embedded one under the data directory, or the cluster's in PostgreSQL. A
/// writer of the previous run of this process (a restart) may hold the embedded index's lock
/// for a moment: opening waits for it.
async fn search_settings(config: &Config) -> anyhow::Result<sunday_app::search::SearchSettings> {
    if config.search.backend == "off" || !config.has_role(NodeRole::Api) {
        return Ok(Default::default());
    }
    if config.search.backend == "postgres" {
        let url = config.search_postgres_url()?;
        let (index, created) =
            sunday_search::postgres::PostgresIndex::open(&url, config.search.postgres_max_connections)
                .await
                .map_err(|e| anyhow::anyhow!("search index in PostgreSQL: {e}"))?;
        tracing::info!(rebuild = created, "search: PostgreSQL index");
        return Ok(sunday_app::search::SearchSettings { index: Some(Arc::new(index)), rebuild: created });
    }
    let dir = if config.search.dir.as_os_str().is_empty() {
        config.data_dir.join("search")
    } else {
        config.search.dir.clone()
    };
    let mut tries = 0;
    let (index, created) = loop {
        match sunday_search::embedded::EmbeddedIndex::open(&dir) {
            Ok(opened) => break opened,
            Err(e) if tries < 100 && e.to_string().contains("lock") => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(anyhow::anyhow!("search index at {}: {e}", dir.display())),
        }
    };
    tracing::info!(dir = %dir.display(), rebuild = created, "search: embedded index");
    Ok(sunday_app::search::SearchSettings { index: Some(Arc::new(index)), rebuild: created })
}

fn app_settings(config: &Config, search: sunday_app::search::SearchSettings) -> anyhow::Result<AppSettings> {
    let a = &config.auth;
    Ok(AppSettings {
        session_ttl_ms: (a.session_ttl_hours as i64).saturating_mul(3_600_000),
        invite_ttl_ms: (a.invite_ttl_hours as i64).saturating_mul(3_600_000),
        argon2_memory_kib: a.argon2_memory_kib,
        argon2_iterations: a.argon2_iterations,
        hash_concurrency: a.hash_concurrency,
        login_failures_per_account: a.login_failures_per_account,
        login_failures_per_ip: a.login_failures_per_ip,
        login_window_secs: a.login_window_secs,
        auth_cache_secs: a.auth_cache_secs,
        engine_memory_bytes: config.engine.memory_mib.saturating_mul(1 << 20),
        webhooks: sunday_app::webhooks::WebhookSettings {
            allowed_hosts: config.webhooks.allowed_hosts.clone(),
            timeout: Duration::from_secs(config.webhooks.timeout_secs),
            max_attempts: config.webhooks.max_attempts,
            first_retry: Duration::from_millis(config.webhooks.first_retry_ms),
            concurrency: config.webhooks.concurrency,
        },
        automations: sunday_app::automations::AutomationSettings {
            max_chain: config.automations.max_chain,
            pause_after_failures: config.automations.pause_after_failures,
            schedule_every: Duration::from_secs(config.automations.schedule_secs),
        },
        boards: sunday_app::boards::BoardSettings {
            subitem_depth: config.boards.subitem_depth,
            form_submissions_per_minute: config.boards.form_submissions_per_minute,
        },
        mail: (!config.mail.smtp_host.is_empty()).then(|| sunday_app::notifications::MailSettings {
            smtp_host: config.mail.smtp_host.clone(),
            smtp_port: config.mail.smtp_port,
            from: config.mail.from.clone(),
            poll: Duration::from_millis(config.mail.poll_millis.max(100)),
            public_url: config.mail.public_url.clone(),
        }),
        files: file_settings(config)?,
        search,
        analytics: analytics_settings(config),
    })
}

/// Analytics on this node: kept on the `worker` role (its snapshots under the data directory),
/// asked of the cluster's worker by an `api` node without it.
fn analytics_settings(config: &Config) -> Option<sunday_app::analytics::AnalyticsSettings> {
    let a = &config.analytics;
    if !a.enabled {
        return None;
    }
    let keep = config.has_role(NodeRole::Worker).then(|| sunday_app::analytics::KeepSettings {
        dir: Some(if a.dir.as_os_str().is_empty() { config.data_dir.join("analytics") } else { a.dir.clone() }),
        snapshot_every: Duration::from_secs(a.snapshot_every_secs),
        advertise_url: (!a.advertise_url.is_empty()).then(|| a.advertise_url.clone()),
        budget: a.memory_mib.saturating_mul(1 << 20),
    });
    let split = config.has_role(NodeRole::Api) != config.has_role(NodeRole::Worker);
    if split && (a.secret.expose().is_empty() || (keep.is_some() && a.advertise_url.is_empty())) {
        tracing::warn!(
            "analytics: a node with only one of the `api` and `worker` roles needs `analytics.secret` \
             (and a worker `analytics.advertise_url`) for api nodes to ask the worker; until then they answer 503"
        );
    }
    Some(sunday_app::analytics::AnalyticsSettings { keep, secret: a.secret.expose().to_owned() })
}

fn http_settings(config: &Config) -> HttpSettings {
    let g = &config.gateway;
    HttpSettings {
        body_limit_bytes: g.body_limit_bytes,
        rate_limit_ip_per_sec: g.rate_limit_ip_per_sec,
        rate_limit_ip_burst: g.rate_limit_ip_burst,
        rate_limit_user_per_sec: g.rate_limit_user_per_sec,
        rate_limit_user_burst: g.rate_limit_user_burst,
        cors_allowed_origins: g.cors_allowed_origins.clone(),
        trust_forwarded_for: g.trust_forwarded_for,
        cookie_secure: config.auth.cookie_secure,
        session_ttl_secs: (config.auth.session_ttl_hours as i64).saturating_mul(3600),
        web_dir: (!config.web.dir.as_os_str().is_empty()).then(|| config.web.dir.clone()),
        body_read_timeout: Duration::from_secs(g.body_read_timeout_secs.max(1)),
        trace_hook: traces::hook(),
        instance_admins: config.auth.instance_admins.clone(),
        node_roles: config.roles.iter().map(|r| format!("{r:?}").to_lowercase()).collect(),
    }
}

fn realtime_settings(config: &Config) -> sunday_realtime::RealtimeSettings {
    let r = &config.realtime;
    sunday_realtime::RealtimeSettings {
        room_buffer: r.room_buffer,
        socket_buffer: r.socket_buffer,
        replay_limit: r.replay_limit,
        max_connections_per_user: r.max_connections_per_user,
        ping_interval: Duration::from_secs(r.ping_secs.max(1)),
        idle_timeout: Duration::from_secs(r.idle_timeout_secs.max(2)),
        presence_ttl: Duration::from_secs(r.presence_ttl_secs.max(1)),
        control_frames_per_sec: r.control_frames_per_sec,
    }
}

/// Background work of the worker role (the notifier; the email digest, when SMTP is
/// configured) and of the scheduler role (upkeep and scheduled backups, each on the one
/// scheduler node of the cluster that holds its lease).
fn start_workers(config: &Config, app: &App) -> watch::Sender<bool> {
    let (stop, stopped) = watch::channel(false);
    if config.has_role(NodeRole::Worker) {
        app.notifier().start(stopped.clone());
        app.start_links(stopped.clone());
        app.automations.runner().start(stopped.clone());
        app.webhooks.dispatcher().start(stopped.clone());
    }
    if config.has_role(NodeRole::Scheduler) {
        // Work done once per cluster, by the holder of its lease (any scheduler node).
        let holder = sunday_app::leases::holder_name();
        let upkeep = app.lease("upkeep", holder.clone(), stopped.clone());
        tokio::spawn(app.run_upkeep(Duration::from_secs(600), upkeep, stopped.clone()));
        let schedule = app.lease("automation-schedule", holder.clone(), stopped.clone());
        app.automations.scheduler().start(schedule, stopped.clone());
        let sweeps = app.lease("file-sweep", holder.clone(), stopped.clone());
        tokio::spawn(app.run_file_sweeps(Duration::from_secs(config.files.sweep_secs), sweeps, stopped.clone()));
        let backups = app.lease("backups", holder, stopped.clone());
        tokio::spawn(backup::run_scheduled(config.clone(), backups, stopped.clone()));
    }
    if let (true, Some(settings)) = (config.has_role(NodeRole::Worker), app.mail_settings()) {
        tracing::info!(host = %settings.smtp_host, port = settings.smtp_port, "email digests on");
        tokio::spawn(app.run_digests(settings, stopped));
    }
    stop
}

/// A server started in the background.
pub struct Running {
    pub addr: SocketAddr,
    hub: Option<Arc<sunday_realtime::Hub>>,
    stop_workers: watch::Sender<bool>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    grace: Duration,
    /// Closed on shutdown, so the next run in this process can open it.
    search: Option<Arc<dyn sunday_search::SearchIndex>>,
    /// Writes its snapshots once told to stop.
    analytics: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting connections, lets in-flight requests finish (up to the grace period),
    /// then returns.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        // WebSocket clients are told to reconnect elsewhere before the listener closes.
        if let Some(hub) = &self.hub {
            hub.shutdown();
        }
        let _ = self.stop_workers.send(true);
        let _ = self.stop.send(true);
        let served = match tokio::time::timeout(self.grace, self.task).await {
            Ok(joined) => joined,
            Err(_) => {
                tracing::warn!("grace period over; dropping remaining connections");
                Ok(Ok(()))
            }
        };
        if let Some(index) = &self.search {
            index.close().await;
        }
        if let Some(analytics) = self.analytics {
            let _ = tokio::time::timeout(Duration::from_secs(30), analytics).await;
        }
        Ok(served??)
    }

    /// Waits until the server stops on its own (it only does on an IO error).
    pub async fn wait(&mut self) -> anyhow::Result<()> {
        Ok((&mut self.task).await??)
    }
}

/// Builds everything from the configuration, binds the listener and serves in the
/// background.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let metrics = observability::metrics_render()?;
    let store = open_store(&config, config.store.auto_migrate).await?;
    let bus = open_bus(&config, store.clone()).await?;
    let app = App::with_shared_limits(
        store,
        bus,
        open_shared_limits(&config)?,
        app_settings(&config, search_settings(&config).await?)?,
    );
    app.start();
    // Each role's work, registered here and nowhere else.
    let hub = config.has_role(NodeRole::Realtime).then(|| {
        let hub = sunday_realtime::Hub::new(app.clone(), realtime_settings(&config));
        hub.start();
        hub
    });
    let stop_workers = start_workers(&config, &app);
    // The node answering searches keeps its index.
    app.start_search_indexer(stop_workers.subscribe());
    let search = app.search.index();
    // And its analytics.
    let analytics = app.start_analytics(stop_workers.subscribe());
    let router = sunday_http::router(HttpState::new(app, http_settings(&config), metrics, hub.clone()));

    let listener =
        tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, roles = ?config.roles, "sunday is listening");
    let (stop, stopped) = watch::channel(false);
    let limits = listener::ConnLimits {
        max_connections: config.gateway.max_connections,
        header_read_timeout: Duration::from_secs(config.gateway.header_read_timeout_secs.max(1)),
    };
    let task = tokio::spawn(listener::serve(listener, router, limits, stopped));
    let grace = Duration::from_secs(config.gateway.shutdown_grace_secs);
    Ok(Running { addr, stop, task, grace, hub, stop_workers, search, analytics })
}

/// `sunday serve`: runs until SIGINT or SIGTERM, then drains.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let mut running = start(config).await?;
    tokio::select! {
        result = running.wait() => result,
        _ = shutdown_signal() => {
            tracing::info!("shutting down: draining in-flight requests");
            running.shutdown().await
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
