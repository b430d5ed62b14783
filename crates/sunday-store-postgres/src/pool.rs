//! The connection pool: deadpool-postgres over tokio-postgres without TLS (the database is
//! expected on a private network or a Unix socket). Built from a URL, it checks one
//! connection out at startup so a wrong address or credentials fail at boot, with a message
//! naming the server but never the password.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, PoolError, RecyclingMethod, Runtime};
use sunday_store::{PoolStats, StoreError, StoreResult};
use tokio_postgres::{config::Host, Config, NoTls};

use crate::error::describe;

/// How long a caller waits for a free connection, and for a new one to be established.
const WAIT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Pool {
    inner: deadpool_postgres::Pool,
    /// `user@host:port/dbname`, for error messages.
    target: String,
}

/// `user@host:port/dbname` of a configuration: everything needed to find the server in a
/// log line, nothing secret.
fn target(config: &Config) -> String {
    let hosts = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect::<Vec<_>>();
    let ports = config.get_ports().iter().map(u16::to_string).collect::<Vec<_>>();
    let user = config.get_user().unwrap_or("?");
    let db = config.get_dbname().unwrap_or("");
    format!("{user}@{}:{}/{db}", hosts.join(","), ports.join(","))
}

impl Pool {
    /// Parses `url` (URL or key=value form), builds a pool of at most `max_connections` and
    /// checks one connection out.
    pub async fn connect(url: &str, max_connections: usize) -> StoreResult<Pool> {
        // The parser's details can quote the text around a syntax error, which may be part of
        // the password: report only that the URL is malformed.
        let mut config: Config =
            url.parse().map_err(|_| StoreError::Unavailable("invalid PostgreSQL connection URL".into()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("sunday");
        }
        let target = target(&config);
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let inner = deadpool_postgres::Pool::builder(manager)
            .max_size(max_connections.max(1))
            .wait_timeout(Some(WAIT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(StoreError::internal)?;
        let pool = Pool { inner, target };
        drop(pool.get().await?);
        Ok(pool)
    }

    /// Checks a connection out; it returns to the pool when dropped.
    pub async fn get(&self) -> StoreResult<Object> {
        self.inner.get().await.map_err(|e| match e {
            PoolError::Timeout(_) => {
                StoreError::Unavailable(format!("postgres {}: timed out waiting for a connection", self.target))
            }
            PoolError::Backend(e) => {
                StoreError::Unavailable(format!("cannot connect to postgres {}: {}", self.target, describe(&e)))
            }
            PoolError::Closed => StoreError::Unavailable("postgres connection pool is closed".into()),
            e @ (PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_)) => StoreError::internal(e),
        })
    }

    /// `size` is the most connections the pool opens, `available` how many more callers can
    /// check one out right now without waiting (idle or not yet opened).
    pub fn stats(&self) -> PoolStats {
        let s = self.inner.status();
        let in_use = s.size.saturating_sub(s.available);
        PoolStats { size: s.max_size, available: s.max_size.saturating_sub(in_use) }
    }
}
