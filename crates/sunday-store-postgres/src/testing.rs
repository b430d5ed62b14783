//! Scratch databases for tests: each test gets its own empty database on a shared server,
//! created here and dropped by the returned guard, so tests run in parallel without seeing
//! each other's rows.
//!
//! The server comes from `SUNDAY_TEST_PG_URL` (an administrative URL: a role allowed to
//! create databases), by default the local `postgres://postgres@127.0.0.1:5432/postgres`.

use sunday_store::{StoreError, StoreResult};
use tokio_postgres::{Client, NoTls};
use uuid::Uuid;

use crate::error::{db_err, describe};

/// The environment variable naming the test server.
pub const ADMIN_URL_ENV: &str = "SUNDAY_TEST_PG_URL";
/// The test server when [`ADMIN_URL_ENV`] is unset: local, trust authentication.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Prefix of every scratch database name, for finding leftovers.
pub const SCRATCH_PREFIX: &str = "sunday_test_";

/// The administrative URL of the test server.
pub fn admin_url() -> String {
    std::env::var(ADMIN_URL_ENV).unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// A scratch database; dropping the guard drops the database, closing any connection still
/// open to it.
#[derive(Debug)]
pub struct ScratchDb {
    admin_url: String,
    name: String,
}

impl ScratchDb {
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Creates an empty database `sunday_test_<uuid>` on the server at `admin_url`; returns a
/// URL for it (the admin URL with the database name replaced) and its guard.
pub async fn create_scratch_database(admin_url: &str) -> StoreResult<(String, ScratchDb)> {
    let name = format!("{SCRATCH_PREFIX}{}", Uuid::now_v7().simple());
    let client = admin_client(admin_url).await?;
    client.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.map_err(db_err)?;
    let url = with_dbname(admin_url, &name);
    Ok((url, ScratchDb { admin_url: admin_url.to_owned(), name }))
}

async fn admin_client(admin_url: &str) -> StoreResult<Client> {
    let (client, connection) = tokio_postgres::connect(admin_url, NoTls).await.map_err(|e| {
        StoreError::Unavailable(format!("cannot connect to the test server (set {ADMIN_URL_ENV}): {}", describe(&e)))
    })?;
    // The connection ends when the client is dropped.
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "test server connection ended");
        }
    });
    Ok(client)
}

async fn drop_database(admin_url: &str, name: &str) -> StoreResult<()> {
    let client = admin_client(admin_url).await?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.map_err(db_err)
}

impl Drop for ScratchDb {
    /// Drops the database from a short-lived thread with its own runtime: `Drop` cannot
    /// await, and the test's runtime may be a current-thread one that this call blocks.
    /// `WITH (FORCE)` ends the connections the test's pool still holds.
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropper = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => return eprintln!("warning: scratch database {name} not dropped: {e}"),
            };
            if let Err(e) = runtime.block_on(drop_database(&admin_url, &name)) {
                eprintln!("warning: scratch database {name} not dropped: {e}");
            }
        });
        if dropper.join().is_err() {
            eprintln!("warning: scratch database {} not dropped: the dropping thread panicked", self.name);
        }
    }
}

/// `url` with its database replaced by `dbname`, in URL or key=value form.
fn with_dbname(url: &str, dbname: &str) -> String {
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            // The authority ends at the path or the query (a password must percent-encode
            // both `/` and `?`).
            let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
            let query = rest.find('?').map_or("", |i| &rest[i..]);
            return format!("{scheme}{}/{dbname}{query}", &rest[..authority_end]);
        }
    }
    // key=value form: a later keyword overrides an earlier one.
    format!("{url} dbname={dbname}")
}

#[cfg(test)]
mod tests {
    use super::with_dbname;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(with_dbname("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
        assert_eq!(with_dbname("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(with_dbname("postgresql://h/db?sslmode=disable", "x"), "postgresql://h/x?sslmode=disable");
        assert_eq!(with_dbname("postgres://h?connect_timeout=3", "x"), "postgres://h/x?connect_timeout=3");
        assert_eq!(with_dbname("host=h user=u dbname=postgres", "x"), "host=h user=u dbname=postgres dbname=x");
    }
}
