//! Sunday's use cases. Each service is a struct holding its dependencies (the store port,
//! the clock-free helpers, the limiters) and exposes one method per use case, taking the
//! authenticated [`Actor`]. Services authorize (via `sunday-domain`'s rules), validate input,
//! and call the store once per use case so each is one transaction. Nothing here knows HTTP.

pub mod accounts;
mod actor;
pub mod analytics;
pub mod archive;
pub mod automations;
pub mod boards;
mod consumer;
pub mod crypto;
pub mod cursor;
pub mod dashboards;
pub mod directory;
pub mod events;
pub mod files;
pub mod forms;
pub mod health;
pub mod idempotency;
mod keyed_locks;
pub mod leases;
pub mod limits;
pub mod links;
pub mod notifications;
pub mod notifier;
pub mod org_archive;
pub mod orgs;
pub mod search;
pub mod slo;
pub mod webhooks;
pub mod workspaces;

use std::sync::Arc;

pub use actor::{Actor, Credentials};
use sunday_bus::DynBus;
use sunday_store::Store;

/// Settings the services need, extracted from the configuration by the composition root.
#[derive(Clone, Debug)]
pub struct AppSettings {
    pub session_ttl_ms: i64,
    pub invite_ttl_ms: i64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Password hashes computed at once (0: one per CPU core).
    pub hash_concurrency: u32,
    pub login_failures_per_account: u32,
    pub login_failures_per_ip: u32,
    pub login_window_secs: u64,
    pub auth_cache_secs: u64,
    /// Memory the board engine may use across boards, in bytes (estimated).
    pub engine_memory_bytes: usize,
    pub automations: automations::AutomationSettings,
    pub webhooks: webhooks::WebhookSettings,
    /// The SMTP server of email digests and automations' emails; `None`: no email.
    pub mail: Option<notifications::MailSettings>,
    pub boards: boards::BoardSettings,
    /// Where uploads go and what is accepted.
    pub files: files::FileSettings,
    /// The search index of this node (none: search is off).
    pub search: search::SearchSettings,
    /// This node's analytics (none: off).
    pub analytics: Option<analytics::AnalyticsSettings>,
}

/// All services, cheap to clone (shared behind `Arc`s). The store, bus and board engine stay
/// private: other crates reach them only through services.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    bus: DynBus,
    engine: Arc<sunday_engine::Engine>,
    events: events::EventLog,
    shared_limits: Option<limits::Shared>,
    mail: Option<notifications::MailSettings>,
    pub accounts: accounts::AccountService,
    pub orgs: orgs::OrgService,
    pub workspaces: workspaces::WorkspaceService,
    pub dashboards: dashboards::DashboardService,
    pub directory: directory::Directory,
    pub boards: boards::BoardService,
    pub notifications: notifications::NotificationService,
    pub idempotency: idempotency::IdempotencyService,
    pub automations: automations::AutomationService,
    pub webhooks: webhooks::WebhookService,
    pub links: links::LinkService,
    pub files: files::FileService,
    pub forms: forms::FormService,
    pub search: search::SearchService,
    pub analytics: analytics::AnalyticsService,
}

impl App {
    /// Builds the services over the chosen store and bus. Call [`App::start`] inside a
    /// runtime to start the followers.
    pub fn new(store: Arc<dyn Store>, bus: DynBus, settings: AppSettings) -> App {
        App::with_shared_limits(store, bus, None, settings)
    }

    /// [`App::new`], with request limits and login throttles kept in `shared` (Redis), so the
    /// nodes of a cluster share one budget.
    pub fn with_shared_limits(
        store: Arc<dyn Store>,
        bus: DynBus,
        shared: Option<limits::Shared>,
        settings: AppSettings,
    ) -> App {
        let hasher = crypto::PasswordHasher::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            settings.hash_concurrency as usize,
        );
        let throttle = Arc::new(limits::LoginThrottle::new(
            settings.login_failures_per_account,
            settings.login_failures_per_ip,
            std::time::Duration::from_secs(settings.login_window_secs),
            shared.clone(),
        ));
        let directory = directory::Directory::new(store.clone(), bus.clone(), settings.auth_cache_secs);
        let engine = sunday_engine::Engine::new(store.clone(), settings.engine_memory_bytes);
        let boards = boards::BoardService::new(
            store.clone(),
            directory.clone(),
            bus.clone(),
            engine.clone(),
            settings.boards.clone(),
        );
        let workspaces = workspaces::WorkspaceService::new(store.clone(), directory.clone(), boards.clone());
        App {
            dashboards: dashboards::DashboardService::new(store.clone(), workspaces.clone(), boards.clone()),
            workspaces,
            automations: automations::AutomationService::new(
                store.clone(),
                boards.clone(),
                settings.automations,
                settings.mail.as_ref(),
            ),
            webhooks: webhooks::WebhookService::new(store.clone(), boards.clone(), settings.webhooks.clone()),
            links: links::LinkService::new(store.clone(), boards.clone()),
            forms: forms::FormService::new(
                store.clone(),
                boards.clone(),
                hasher.clone(),
                settings.boards.form_submissions_per_minute,
            ),
            files: files::FileService::new(store.clone(), boards.clone(), settings.files.clone()),
            search: search::SearchService::new(store.clone(), boards.clone(), settings.search.clone()),
            analytics: analytics::AnalyticsService::new(store.clone(), boards.clone(), settings.analytics.clone()),
            notifications: notifications::NotificationService::new(store.clone(), boards.clone()),
            events: events::EventLog::new(store.clone(), bus.clone()),
            idempotency: idempotency::IdempotencyService::new(store.clone()),
            accounts: accounts::AccountService::new(
                store.clone(),
                directory.clone(),
                hasher,
                throttle,
                bus.clone(),
                settings.clone(),
            ),
            orgs: orgs::OrgService::new(store.clone(), directory.clone(), settings.clone()),
            boards,
            directory,
            engine,
            bus,
            store,
            shared_limits: shared,
            mail: settings.mail.clone(),
        }
    }

    /// The shared limits store, when configured (the HTTP rate limits use it too).
    pub fn shared_limits(&self) -> Option<&limits::Shared> {
        self.shared_limits.as_ref()
    }

    /// Starts the background followers: the board engine follows the bus, and the caches
    /// follow other nodes' invalidations.
    pub fn start(&self) -> tokio::task::JoinHandle<()> {
        let mut invalidations = self.bus.subscribe_invalidations();
        let (directory, accounts) = (self.directory.clone(), self.accounts.clone());
        tokio::spawn(async move {
            use sunday_bus::{Invalidation, RecvError};
            loop {
                match invalidations.recv().await {
                    Ok(Invalidation::Credential { token_hash }) => accounts.forget_credential_here(&token_hash),
                    Ok(Invalidation::AllCredentials) => accounts.forget_credentials_here(),
                    Ok(Invalidation::User { user_id }) => directory.forget_here(user_id),
                    Err(RecvError::Lagged(_)) => {
                        accounts.forget_credentials_here();
                        directory.forget_everyone_here();
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
        self.engine.follow(self.bus.as_ref())
    }

    /// The notifier: follows the event log and writes who hears about each change (the
    /// worker role's work; see [`notifier`]).
    pub fn notifier(&self) -> notifier::Notifier {
        notifier::Notifier::new(self.store.clone(), self.bus.clone(), self.directory.clone(), self.boards.clone())
    }

    /// Keeps connected boards current (links back, mirrors) by following the event log until
    /// `stop` (the worker role's work; see `boards::linked`).
    pub fn start_links(&self, stop: tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        consumer::follow(boards::LinksConsumer::new(self.boards.clone()), self.store.clone(), &self.bus, stop)
    }

    /// The event log and the bus, for followers.
    pub fn events(&self) -> &events::EventLog {
        &self.events
    }

    /// Whether the bus reaches its broker, for `/ready`.
    pub fn bus_health(&self) -> (&'static str, sunday_bus::BusHealth) {
        (self.bus.name(), self.bus.health())
    }

    /// The store's health, for `/ready` and `/metrics`.
    pub fn health(&self) -> health::StoreHealth {
        health::StoreHealth::new(self.store.clone())
    }

    /// The worker role's email digest loop, until `stop` turns true.
    /// The SMTP server's settings, when one is configured.
    pub fn mail_settings(&self) -> Option<notifications::MailSettings> {
        self.mail.clone()
    }

    pub fn run_digests(
        &self,
        settings: notifications::MailSettings,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        notifications::run_digests(self.store.clone(), self.boards.clone(), settings, stop)
    }

    /// The scheduler role's upkeep: every `every`, deletes expired sessions and invitations and
    /// idempotency keys older than a day, until `stop` turns true.
    pub fn run_upkeep(
        &self,
        every: std::time::Duration,
        mut lease: leases::Lease,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        const KEYS_KEPT_MS: i64 = 24 * 3_600_000;
        let store = self.store.clone();
        async move {
            loop {
                // One node of a cluster does the upkeep: the holder of its lease.
                tokio::select! {
                    _ = lease.wait() => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
                }
                let now = sunday_types::time::now_millis();
                match store.purge_expired(now, now - KEYS_KEPT_MS).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(rows = n, "expired sessions, invitations and idempotency keys purged"),
                    Err(e) => tracing::warn!(error = %e, "upkeep failed; will retry"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
                }
            }
        }
    }

    /// Keeps this node's search index current from the event log until `stop` (nodes with
    /// the `api` role, which answer searches; see [`search::indexer`]).
    pub fn start_search_indexer(
        &self,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let (indexer, rebuild, shared) = self.search.indexer()?;
        // One indexer keeps an index the cluster shares: the holder of its lease.
        let lease = shared.then(|| self.lease("search-index", leases::holder_name(), stop.clone()));
        Some(indexer.start(&self.bus, rebuild, lease, stop))
    }

    /// Keeps this node's analytics current from the event log until `stop`, writing its
    /// snapshots at the end (nodes with the `worker` role). A worker that advertises a URL
    /// takes part for the `analytics` lease, whose holder answers other nodes' questions.
    pub fn start_analytics(&self, stop: tokio::sync::watch::Receiver<bool>) -> Option<tokio::task::JoinHandle<()>> {
        let keeper = self.analytics.keeper()?;
        if let Some(url) = keeper.advertise_url() {
            // Held for as long as the node runs; dropping the handle does not release it.
            let _ = self.lease(analytics::LEASE, url.to_owned(), stop.clone());
        }
        Some(keeper.start(&self.bus, stop))
    }

    /// Deletes the files no item holds every `every`, on the node holding `lease` (the
    /// scheduler role's work; see [`files::FileService::sweep`]).
    pub fn run_file_sweeps(
        &self,
        every: std::time::Duration,
        mut lease: leases::Lease,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let files = self.files.clone();
        async move {
            loop {
                tokio::select! {
                    _ = lease.wait() => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
                }
                match files.sweep().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(objects = n, "files no item holds deleted"),
                    Err(e) => tracing::warn!(error = %e.message, "file sweep failed; will retry"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = async { let _ = stop.wait_for(|s| *s).await; } => return,
                }
            }
        }
    }

    /// Keeps trying to hold the lease `name` for this node until `stop` (see [`leases`]).
    pub fn lease(&self, name: &'static str, holder: String, stop: tokio::sync::watch::Receiver<bool>) -> leases::Lease {
        leases::Lease::keep(self.store.clone(), name, holder, stop)
    }

    /// Board engine figures for `/metrics`: boards and items held, and their estimated bytes.
    pub fn engine_stats(&self) -> sunday_engine::EngineStats {
        self.engine.stats()
    }
}
