//! Files: where uploads are stored and what is accepted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{invalid, ConfigError, Secret};

/// Uploaded files (file columns, files on updates).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Where the bytes go: empty (`<data_dir>/files`), `file:///ABSOLUTE/PATH`, or
    /// `s3://BUCKET[/PREFIX]` on any S3-compatible server (see the `s3_*` keys).
    pub url: String,
    /// The S3-compatible server, e.g. `http://127.0.0.1:9000`; empty: AWS itself.
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_access_key_id: String,
    pub s3_secret_access_key: Secret,
    /// Largest upload, in bytes; a larger one gets `413` before its body is read (or as soon as
    /// it passes the limit when its length was not announced).
    pub max_upload_bytes: u64,
    /// Content types accepted, as sniffed from the bytes: exact (`application/pdf`), a family
    /// (`image/*`) or `*` for any. Others get `415`.
    pub allowed_types: Vec<String>,
    /// Signs the download links of `POST /files/{id}/link`; every node of a deployment needs
    /// the same key. Empty: a random key per start (links then work on the node that made
    /// them, until it restarts).
    pub signing_key: Secret,
    /// How long a signed download link works, in seconds.
    pub signed_url_secs: u64,
    /// Seconds between sweeps (on the `scheduler` role) that delete files no item holds.
    pub sweep_secs: u64,
    /// An upload no cell or update holds is deleted after this many seconds (time to attach it).
    pub orphan_grace_secs: u64,
    /// Largest image a thumbnail is made from, in pixels (width × height); larger ones get an
    /// icon, so a crafted image cannot make the server allocate much.
    pub thumbnail_max_pixels: u64,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            url: String::new(),
            s3_endpoint: String::new(),
            s3_region: "us-east-1".into(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: Secret::default(),
            max_upload_bytes: 100 * 1024 * 1024,
            allowed_types: vec!["*".into()],
            signing_key: Secret::default(),
            signed_url_secs: 300,
            sweep_secs: 600,
            orphan_grace_secs: 86_400,
            thumbnail_max_pixels: 40_000_000,
        }
    }
}

/// What `files.url` selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilesUrl {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl FilesConfig {
    /// The storage `url` names, with `data_dir` for the default.
    pub fn location(&self, data_dir: &Path) -> Result<FilesUrl, ConfigError> {
        let url = self.url.trim();
        if url.is_empty() {
            return Ok(FilesUrl::Local(data_dir.join("files")));
        }
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(invalid("files.url", "file:// needs an absolute path, e.g. file:///var/lib/sunday/files"));
            }
            return Ok(FilesUrl::Local(PathBuf::from(path)));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(invalid("files.url", "s3:// needs a bucket, e.g. s3://sunday-files"));
            }
            return Ok(FilesUrl::S3 { bucket: bucket.to_owned(), prefix: prefix.trim_matches('/').to_owned() });
        }
        Err(invalid("files.url", "expected empty, file:///PATH or s3://BUCKET[/PREFIX]"))
    }

    pub(crate) fn validate(&self, data_dir: &Path) -> Result<(), ConfigError> {
        self.location(data_dir)?;
        let endpoint = self.s3_endpoint.trim();
        if !endpoint.is_empty() && !endpoint.starts_with("http://") && !endpoint.starts_with("https://") {
            return Err(invalid("files.s3_endpoint", "expected an http:// or https:// URL"));
        }
        if self.max_upload_bytes == 0 {
            return Err(invalid("files.max_upload_bytes", "must be at least 1"));
        }
        for t in &self.allowed_types {
            let ok = t == "*" || t.split_once('/').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty());
            if !ok {
                return Err(invalid(
                    "files.allowed_types",
                    format!("`{t}` is not a type (`image/png`), a family (`image/*`) or `*`"),
                ));
            }
        }
        if self.signed_url_secs == 0 || self.sweep_secs == 0 {
            return Err(invalid("files", "signed_url_secs and sweep_secs must be at least 1"));
        }
        Ok(())
    }
}
