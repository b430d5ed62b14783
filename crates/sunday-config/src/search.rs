//! Search: which index a node searches.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{invalid, ConfigError};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// `embedded`: a tantivy index under `dir`, one per node with the `api` role, kept from the
    /// event log; `off`: no search (`GET /search` answers `503`).
    pub backend: String,
    /// Where the embedded index lives (empty: `<data_dir>/search`). Deleting it makes the node
    /// rebuild it from the event log at start.
    pub dir: PathBuf,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { backend: "embedded".into(), dir: PathBuf::new() }
    }
}

impl SearchConfig {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.backend.as_str(), "embedded" | "off") {
            return Err(invalid("search.backend", "expected `embedded` or `off`"));
        }
        Ok(())
    }
}
