//! Sunday's use cases. Each service is a struct holding its dependencies (the store port,
//! the clock-free helpers, the limiters) and exposes one method per use case, taking the
//! authenticated [`Actor`]. Services authorize (via `sunday-domain`'s rules), validate input,
//! and call the store once per use case so each is one transaction. Nothing here knows HTTP.

pub mod accounts;
mod actor;
pub mod boards;
pub mod crypto;
pub mod cursor;
pub mod directory;
pub mod limits;
pub mod notifications;
pub mod orgs;
pub mod workspaces;

use std::sync::Arc;

pub use actor::{Actor, Credentials};
use sunday_store::Store;

/// Settings the services need, extracted from the configuration by the composition root.
#[derive(Clone, Debug)]
pub struct AppSettings {
    pub session_ttl_ms: i64,
    pub invite_ttl_ms: i64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub login_failures_per_account: u32,
    pub login_failures_per_ip: u32,
    pub login_window_secs: u64,
    pub auth_cache_secs: u64,
    /// Items the board engine keeps in memory across boards.
    pub engine_max_items: usize,
}

/// All services, cheap to clone (shared behind `Arc`s).
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub accounts: accounts::AccountService,
    pub orgs: orgs::OrgService,
    pub workspaces: workspaces::WorkspaceService,
    pub directory: directory::Directory,
    pub boards: boards::BoardService,
    pub notifications: notifications::NotificationService,
    pub bus: sunday_bus::Bus,
    pub engine: std::sync::Arc<sunday_engine::Engine>,
}

impl App {
    /// Builds the services. Call [`App::start`] inside a runtime to start the followers.
    pub fn new(store: Arc<dyn Store>, settings: AppSettings) -> App {
        let hasher = crypto::PasswordHasher::new(settings.argon2_memory_kib, settings.argon2_iterations);
        let throttle = Arc::new(limits::LoginThrottle::new(
            settings.login_failures_per_account,
            settings.login_failures_per_ip,
            std::time::Duration::from_secs(settings.login_window_secs),
        ));
        let directory = directory::Directory::new(store.clone(), settings.auth_cache_secs);
        let bus = sunday_bus::Bus::default();
        let engine = sunday_engine::Engine::new(store.clone(), settings.engine_max_items);
        App {
            boards: boards::BoardService::new(store.clone(), directory.clone(), bus.clone(), engine.clone()),
            notifications: notifications::NotificationService::new(store.clone()),
            bus,
            engine,
            accounts: accounts::AccountService::new(
                store.clone(),
                directory.clone(),
                hasher,
                throttle,
                settings.clone(),
            ),
            orgs: orgs::OrgService::new(store.clone(), directory.clone(), settings.clone()),
            workspaces: workspaces::WorkspaceService::new(store.clone(), directory.clone()),
            directory,
            store,
        }
    }
}

impl App {
    /// Starts the background followers (the board engine follows the bus).
    pub fn start(&self) -> tokio::task::JoinHandle<()> {
        self.engine.follow(&self.bus)
    }
}
