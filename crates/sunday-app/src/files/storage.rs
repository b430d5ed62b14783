//! Where files' bytes live: an `object_store` over a local directory or an S3-compatible
//! server, chosen by configuration.

use std::{path::PathBuf, sync::Arc, time::Duration};

use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, memory::InMemory, ClientOptions, ObjectStore, RetryConfig,
};

/// The file storage a deployment uses.
#[derive(Clone, Debug)]
pub enum Location {
    Local(PathBuf),
    S3 {
        bucket: String,
        /// Keys start with this (no slashes at either end; empty: none).
        prefix: String,
        endpoint: String,
        region: String,
        access_key_id: String,
        secret_access_key: String,
    },
}

/// Opens the storage (no network yet: an unreachable S3 server shows on the first use, as
/// `storage_unavailable`). A local directory is created when missing.
pub fn open(location: &Location) -> Result<(Arc<dyn ObjectStore>, String), String> {
    match location {
        Location::Local(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
            // Parts are written in place and renamed when complete; a failed upload's part file
            // is removed by `abort`.
            let store = LocalFileSystem::new_with_prefix(dir).map_err(|e| e.to_string())?;
            Ok((Arc::new(store), String::new()))
        }
        Location::S3 { bucket, prefix, endpoint, region, access_key_id, secret_access_key } => {
            let mut b = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_region(region)
                // A stopped server fails an upload within seconds, not after minutes of retries.
                .with_retry(RetryConfig {
                    max_retries: 2,
                    retry_timeout: Duration::from_secs(10),
                    ..RetryConfig::default()
                })
                .with_client_options(
                    ClientOptions::new()
                        .with_connect_timeout(Duration::from_secs(5))
                        .with_timeout(Duration::from_secs(120)),
                );
            if !endpoint.is_empty() {
                b = b.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
            }
            if !access_key_id.is_empty() {
                b = b.with_access_key_id(access_key_id).with_secret_access_key(secret_access_key);
            }
            let store = b.build().map_err(|e| e.to_string())?;
            Ok((Arc::new(store), prefix.clone()))
        }
    }
}

/// A storage in memory, for tests and tools that never upload.
pub fn in_memory() -> Arc<dyn ObjectStore> {
    Arc::new(InMemory::new())
}
