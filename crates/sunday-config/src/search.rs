//! Search: which index a node searches.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{invalid, ConfigError, Secret};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// `embedded`: a tantivy index under `dir`, one per node with the `api` role, kept from the
    /// event log; `postgres`: one index for the cluster in PostgreSQL (full-text search with
    /// `pg_trgm` for typos), in `url`'s database, kept by one node at a time; `off`: no search
    /// (`GET /search` answers `503`).
    pub backend: String,
    /// Where the embedded index lives (empty: `<data_dir>/search`). Deleting it makes the node
    /// rebuild it from the event log at start.
    pub dir: PathBuf,
    /// The PostgreSQL database of the `postgres` backend (empty: the store's, when the store is
    /// PostgreSQL). Its tables are named `search_*`.
    pub url: Secret,
    /// Connections each node opens to it.
    pub postgres_max_connections: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            backend: "embedded".into(),
            dir: PathBuf::new(),
            url: Secret::default(),
            postgres_max_connections: 8,
        }
    }
}

impl SearchConfig {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.backend.as_str(), "embedded" | "postgres" | "off") {
            return Err(invalid("search.backend", "expected `embedded`, `postgres` or `off`"));
        }
        if self.postgres_max_connections == 0 {
            return Err(invalid("search.postgres_max_connections", "must be at least 1"));
        }
        Ok(())
    }
}

/// Analytics: the aggregates a node keeps from the event log to answer
/// `POST /analytics/query` and reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsConfig {
    /// Whether analytics are on: nodes with the `worker` role keep the aggregates, nodes with
    /// the `api` role answer (from their own, or by asking a worker). Off: the analytics
    /// endpoints answer `503`.
    pub enabled: bool,
    /// Where the aggregates' snapshots live (empty: `<data_dir>/analytics`). Deleted or
    /// unreadable, they are rebuilt from the event log at start.
    pub dir: PathBuf,
    /// How often changed boards' snapshots are written (seconds).
    pub snapshot_every_secs: u64,
    /// Memory the aggregates may take across boards, in MiB (their own estimate), before the
    /// least recently used boards are sent to their snapshots (read back when asked about).
    pub memory_mib: usize,
    /// In a cluster, the URL other nodes reach this worker at (`http://10.0.0.7:8080`); the
    /// worker holding the `analytics` lease answers the questions of `api` nodes without the
    /// `worker` role. Empty on a node that is not such a worker.
    pub advertise_url: String,
    /// Shared by the cluster's nodes: proves a question forwarded to a worker comes from one of
    /// them (needed when some node has only one of the `api` and `worker` roles).
    pub secret: Secret,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            enabled: true,
            dir: PathBuf::new(),
            snapshot_every_secs: 30,
            memory_mib: 1024,
            advertise_url: String::new(),
            secret: Secret::default(),
        }
    }
}

impl AnalyticsConfig {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.snapshot_every_secs == 0 {
            return Err(invalid("analytics.snapshot_every_secs", "must be at least 1"));
        }
        if self.memory_mib == 0 {
            return Err(invalid("analytics.memory_mib", "must be at least 1"));
        }
        // Without them a split cluster answers analytics with `503` saying which is missing
        // (and a worker logs it at start); set, they must be usable.
        if !self.secret.expose().is_empty() && self.secret.expose().len() < 16 {
            return Err(invalid("analytics.secret", "use 16 characters or more"));
        }
        let url = &self.advertise_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(invalid("analytics.advertise_url", "expected an http:// or https:// URL"));
        }
        Ok(())
    }
}
