//! `sunday backup` and `sunday restore` for the embedded store. A backup is one tar file: a
//! `manifest.json` (format, Sunday's version, schema version, store, time, and each file's size
//! and SHA-256) and the files it names (`sunday.db`, a consistent online snapshot). Restore
//! checks every checksum and the database's integrity before anything is put in place, and
//! refuses a data directory that already holds a database unless told to replace it.

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sunday_config::{Config, StoreUrl};

use crate::archive::{self, FileEntry};

const FORMAT: u32 = 1;
const DB: &str = "sunday.db";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub sunday_version: String,
    pub schema_version: i64,
    pub store: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub files: Vec<FileEntry>,
}

impl archive::Manifest for Manifest {
    fn files(&self) -> &[FileEntry] {
        &self.files
    }
}

fn sqlite_path(config: &Config) -> anyhow::Result<PathBuf> {
    match config.store_url()? {
        StoreUrl::Sqlite(path) => Ok(path),
        _ => bail!("`sunday backup` copies the embedded SQLite store; for PostgreSQL use pg_dump (README, Operations)"),
    }
}

/// Writes a backup of the running (or stopped) embedded store to `to`.
pub fn backup(config: &Config, to: &Path) -> anyhow::Result<Manifest> {
    let db = sqlite_path(config)?;
    if !db.is_file() {
        bail!("no database at {} to back up", db.display());
    }
    let work = tempfile::tempdir()?;
    let snapshot = work.path().join(DB);
    let schema_version = sunday_store_sqlite::backup::snapshot(&db, &snapshot).context("copying the database")?;
    let entry = FileEntry::of(work.path(), DB)?;
    let manifest = Manifest {
        format: FORMAT,
        sunday_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        store: "sqlite".into(),
        created_at: chrono::Utc::now(),
        files: vec![entry],
    };
    archive::write(to, &manifest, work.path())?;
    Ok(manifest)
}

/// Restores the backup `from` into the configured data directory.
pub fn restore(config: &Config, from: &Path, force: bool) -> anyhow::Result<Manifest> {
    let db = sqlite_path(config)?;
    if db.exists() && !force {
        bail!(
            "{} already holds a database: restore into an empty data directory, or pass --force to replace it",
            db.display()
        );
    }
    let work = tempfile::tempdir()?;
    let manifest: Manifest = archive::read(from, work.path(), "backup")?;
    if manifest.format != FORMAT || manifest.store != "sqlite" || manifest.files.iter().all(|f| f.path != DB) {
        bail!("this backup (format {}, store {}) is not one this Sunday restores", manifest.format, manifest.store);
    }
    let known = sunday_store_sqlite::MIGRATIONS.len() as i64;
    if manifest.schema_version > known {
        bail!(
            "this backup has schema version {}, newer than this Sunday knows ({known}): restore it with Sunday {} or later",
            manifest.schema_version,
            manifest.sunday_version
        );
    }
    let restored = work.path().join(DB);
    let version = sunday_store_sqlite::backup::check(&restored).context("checking the restored database")?;
    if version != manifest.schema_version {
        bail!("the database's schema version ({version}) is not the manifest's ({})", manifest.schema_version);
    }
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Put in place by rename next to the target; the old WAL and shared-memory files belong
    // to the replaced database and must go with it.
    let staged = db.with_extension("db.restoring");
    std::fs::copy(&restored, &staged)?;
    File::open(&staged)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            std::fs::remove_file(&side)?;
        }
    }
    std::fs::rename(&staged, &db)?;
    Ok(manifest)
}

/// Where scheduled backups go.
fn backup_dir(config: &Config) -> PathBuf {
    if config.backup.dir.as_os_str().is_empty() {
        config.data_dir.join("backups")
    } else {
        config.backup.dir.clone()
    }
}

/// One scheduled backup, `sunday-<UTC time>.tar` in the backup directory, then the oldest
/// beyond `backup.keep` deleted. Returns the new file.
pub fn scheduled(config: &Config) -> anyhow::Result<PathBuf> {
    let dir = backup_dir(config);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join(format!("sunday-{}.tar", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")));
    backup(config, &file)?;
    // The names sort by time.
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("sunday-") && n.ends_with(".tar"))
        })
        .collect();
    kept.sort();
    let excess = kept.len().saturating_sub(config.backup.keep.max(1) as usize);
    for old in &kept[..excess] {
        std::fs::remove_file(old).with_context(|| format!("deleting {}", old.display()))?;
    }
    Ok(file)
}

/// The scheduler role's backups: every `backup.interval_secs`, until `stop` turns true. Only
/// the embedded store; PostgreSQL is backed up with its own tools.
pub async fn run_scheduled(config: Config, mut stop: tokio::sync::watch::Receiver<bool>) {
    if config.backup.interval_secs == 0 || !matches!(config.store_url(), Ok(StoreUrl::Sqlite(_))) {
        return;
    }
    let every = std::time::Duration::from_secs(config.backup.interval_secs);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        let c = config.clone();
        match tokio::task::spawn_blocking(move || scheduled(&c)).await {
            Ok(Ok(file)) => tracing::info!(file = %file.display(), "backup written"),
            Ok(Err(e)) => tracing::error!(error = %format!("{e:#}"), "scheduled backup failed"),
            Err(e) => tracing::error!(error = %e, "scheduled backup panicked"),
        }
    }
}
