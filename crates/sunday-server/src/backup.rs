//! `sunday backup` and `sunday restore`. A backup is one tar file ([`crate::archive`]): a
//! `manifest.json` (format, Sunday's version, schema version, store, time, and each file's size
//! and SHA-256) and the files it names. For the embedded store that is `sunday.db`, a
//! consistent online snapshot by SQLite's backup API; for PostgreSQL, a logical dump through
//! the store: every table as JSON lines (`tables/<name>.jsonl`), read in one repeatable-read
//! snapshot while the server goes on writing. Restore checks every checksum (and, for SQLite,
//! the database's integrity) before anything is put in place, and refuses a target that holds
//! data unless told to replace it; a PostgreSQL restore is one transaction.
//!
//! Uploaded files kept on local storage (`files.url` empty or `file://`) go in too, under
//! `objects/`, copied after the database: a file the database names is deleted only once no
//! cell or update has held it for `files.orphan_grace_secs`, so every object the snapshot
//! names is still there when it is copied. A restore puts them back before the database. Files
//! on S3-compatible storage stay in their bucket (back it up with the bucket's own versioning
//! or replication); a restore leaves the bucket alone.

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sunday_config::{Config, FilesUrl, StoreUrl};

use crate::archive::{self, FileEntry, Pace, Source};

const FORMAT: u32 = 1;
const DB: &str = "sunday.db";
/// Where a backup keeps the files' objects.
const OBJECTS: &str = "objects/";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub sunday_version: String,
    pub schema_version: i64,
    pub store: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub files: Vec<FileEntry>,
}

impl Manifest {
    fn new(schema_version: i64, store: &str, files: Vec<FileEntry>) -> Manifest {
        Manifest {
            format: FORMAT,
            sunday_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version,
            store: store.to_owned(),
            created_at: chrono::Utc::now(),
            files,
        }
    }

    /// A backup from a schema this binary does not know cannot be restored by it.
    fn refuse_newer_than(&self, known: i64) -> anyhow::Result<()> {
        if self.schema_version > known {
            bail!(
                "this backup has schema version {}, newer than this Sunday knows ({known}): restore it with Sunday {} or later",
                self.schema_version,
                self.sunday_version
            );
        }
        Ok(())
    }
}

impl archive::Manifest for Manifest {
    fn files(&self) -> &[FileEntry] {
        &self.files
    }
}

/// Writes a backup of the configured store, running or not, to `to`.
pub async fn backup(config: &Config, to: &Path) -> anyhow::Result<Manifest> {
    let objects = local_objects(config)?;
    match config.store_url()? {
        StoreUrl::Sqlite(db) => {
            let (db, to, pace) = (db, to.to_owned(), pace(config));
            // At the lowest CPU priority: on a node whose core the requests keep busy, the
            // backup's reading, hashing and writing (about 2.5 s of CPU per GiB) took the
            // writes' p99 from 19 ms to 0.4-1.3 s; below them it takes the core they leave
            // free, and finishes in the same time at its pace unless they leave none
            // (BENCHMARKS.md, issue 17).
            let copy = move || {
                sunday_priority::below(sunday_priority::Nice::IDLE, || {
                    backup_sqlite(&db, objects.as_deref(), &to, pace)
                })
            };
            tokio::task::spawn_blocking(copy).await?
        }
        StoreUrl::Postgres(_) => backup_logical(config, objects.as_deref(), to).await,
    }
}

/// Restores the backup `from` into the configured store (stop Sunday first).
pub async fn restore(config: &Config, from: &Path, force: bool) -> anyhow::Result<Manifest> {
    let objects = local_objects(config)?;
    match config.store_url()? {
        StoreUrl::Sqlite(db) => {
            let (from, db) = (from.to_owned(), db);
            tokio::task::spawn_blocking(move || restore_sqlite(&db, objects.as_deref(), &from, force)).await?
        }
        StoreUrl::Postgres(_) => restore_logical(config, objects.as_deref(), from, force).await,
    }
}

/// How fast a backup is written (`backup.max_mib_per_sec`).
fn pace(config: &Config) -> Pace {
    Pace::mib_per_sec(config.backup.max_mib_per_sec)
}

/// The directory of the files' objects, when they are on local storage.
fn local_objects(config: &Config) -> anyhow::Result<Option<PathBuf>> {
    Ok(match config.files.location(&config.data_dir)? {
        FilesUrl::Local(dir) => Some(dir),
        FilesUrl::S3 { .. } => None,
    })
}

/// Every object under `dir` (none when it does not exist), as `(objects/<path>, file)`.
/// Uploads in progress (object_store's `<name>#<n>` staging files) are left out.
fn objects_in(dir: Option<&Path>) -> anyhow::Result<Vec<(String, Source)>> {
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    let Some(dir) = dir.filter(|d| d.is_dir()) else { return Ok(vec![]) };
    let mut pending = vec![dir.to_owned()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).with_context(|| format!("reading {}", at.display()))? {
            let entry = entry?;
            let (path, kind) = (entry.path(), entry.file_type()?);
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && !entry.file_name().to_string_lossy().contains('#') {
                let relative = path.strip_prefix(dir)?.components().map(|c| c.as_os_str().to_string_lossy());
                out.push((format!("{OBJECTS}{}", relative.collect::<Vec<_>>().join("/")), path));
            }
        }
    }
    out.sort();
    Ok(out.into_iter().map(|(name, path)| (name, Source::File(path))).collect())
}

/// Puts the backup's objects (unpacked under `work`) back under `dir`, before the database
/// that names them.
fn restore_objects(work: &Path, manifest: &Manifest, dir: Option<&Path>) -> anyhow::Result<()> {
    let mut objects = manifest.files.iter().filter_map(|f| f.path.strip_prefix(OBJECTS).map(|p| (p, &f.path)));
    let Some(dir) = dir else {
        if objects.next().is_some() {
            bail!("this backup holds uploaded files but files.url is not local storage: restore with local storage, then copy the files into the bucket");
        }
        return Ok(());
    };
    for (relative, path) in objects {
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(work.join(path), &target).with_context(|| format!("restoring {}", target.display()))?;
        File::open(&target)?.sync_all()?;
    }
    Ok(())
}

async fn backup_logical(config: &Config, objects: Option<&Path>, to: &Path) -> anyhow::Result<Manifest> {
    let store = crate::open_store(config, false).await?;
    let schema_version = store.schema_version().await?;
    let tables = store.export_instance().await?;
    let work = tempfile::tempdir()?;
    let paths = archive::write_tables(work.path(), &tables)?;
    let mut sources: Vec<(String, Source)> =
        paths.iter().map(|p| (p.clone(), Source::File(work.path().join(p)))).collect();
    sources.extend(objects_in(objects)?);
    archive::write_files(to, sources, pace(config), |files| Manifest::new(schema_version, store.backend(), files))
}

async fn restore_logical(
    config: &Config,
    objects: Option<&Path>,
    from: &Path,
    force: bool,
) -> anyhow::Result<Manifest> {
    let work = tempfile::tempdir()?;
    let manifest: Manifest = archive::read(from, work.path(), "backup")?;
    let StoreUrl::Postgres(url) = config.store_url()? else { bail!("a logical restore needs PostgreSQL") };
    if manifest.format != FORMAT || manifest.store != "postgres" {
        bail!(
            "this backup (format {}, store {}) is not a PostgreSQL backup this Sunday restores",
            manifest.format,
            manifest.store
        );
    }
    manifest.refuse_newer_than(sunday_store_postgres::MIGRATIONS.len() as i64)?;
    let tables = archive::read_tables(work.path(), &manifest.files)?;
    // The schema as the backup knew it; the server migrates the rest when it starts.
    let pg = sunday_store_postgres::PostgresStore::connect(&url, 2).await?;
    let current = sunday_store::Store::schema_version(&pg).await?;
    if current > manifest.schema_version {
        bail!(
            "the database is at schema version {current}, the backup at {}: restore into an empty database",
            manifest.schema_version
        );
    }
    pg.migrate_to(manifest.schema_version).await?;
    // A backup with files needs local storage to go to: refused before anything is written.
    if objects.is_none() && manifest.files.iter().any(|f| f.path.starts_with(OBJECTS)) {
        restore_objects(work.path(), &manifest, objects)?;
    }
    match sunday_store::Store::restore_instance(&pg, tables, force).await {
        // The objects after the rows (a refused restore leaves no stray files); the server is
        // down meanwhile, and an interrupted restore is run again.
        Ok(()) => restore_objects(work.path(), &manifest, objects).map(|()| manifest),
        Err(sunday_store::StoreError::Invalid(msg)) if !force => {
            bail!("{msg}: restore into an empty database, or pass --force to replace what it holds")
        }
        Err(e) => Err(anyhow::Error::new(e).context("restoring; nothing was written")),
    }
}

/// A snapshot of the embedded store at `db`, and the objects under `objects`, written to `to`
/// at `pace`. The snapshot's pages go straight into the archive; only a build without
/// `sqlite_dbpage` copies the database into a scratch file first (with the backup API, which
/// cannot be paced).
fn backup_sqlite(db: &Path, objects: Option<&Path>, to: &Path, pace: Pace) -> anyhow::Result<Manifest> {
    if !db.is_file() {
        bail!("no database at {} to back up", db.display());
    }
    let work = tempfile::tempdir()?;
    let (database, schema_version) = match sunday_store_sqlite::backup::Pages::open(db)
        .context("reading the database")?
    {
        Some(pages) => {
            let (bytes, version) = (pages.size(), pages.schema_version());
            (Source::Read { bytes, from: Box::new(pages) }, version)
        }
        None => {
            tracing::warn!("this build's SQLite lacks sqlite_dbpage: the database is copied unpaced (build Sunday from its repository)");
            let snapshot = work.path().join(DB);
            let version = sunday_store_sqlite::backup::snapshot(db, &snapshot).context("copying the database")?;
            (Source::File(snapshot), version)
        }
    };
    // Listed once the snapshot is taken, so every object it names is among them.
    let mut sources = vec![(DB.to_owned(), database)];
    sources.extend(objects_in(objects)?);
    archive::write_files(to, sources, pace, |files| Manifest::new(schema_version, "sqlite", files))
}

/// Restores the backup `from` as the embedded store at `db` (and its objects under `objects`).
fn restore_sqlite(db: &Path, objects: Option<&Path>, from: &Path, force: bool) -> anyhow::Result<Manifest> {
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
    manifest.refuse_newer_than(sunday_store_sqlite::MIGRATIONS.len() as i64)?;
    let restored = work.path().join(DB);
    let version = sunday_store_sqlite::backup::check(&restored).context("checking the restored database")?;
    if version != manifest.schema_version {
        bail!("the database's schema version ({version}) is not the manifest's ({})", manifest.schema_version);
    }
    restore_objects(work.path(), &manifest, objects)?;
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
    std::fs::rename(&staged, db)?;
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
pub async fn scheduled(config: &Config) -> anyhow::Result<PathBuf> {
    let dir = backup_dir(config);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join(format!("sunday-{}.tar", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")));
    backup(config, &file).await?;
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

/// The scheduler role's backups: every `backup.interval_secs`, until `stop` turns true.
pub async fn run_scheduled(
    config: Config,
    lease: sunday_app::leases::Lease,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    if config.backup.interval_secs == 0 {
        return;
    }
    let every = std::time::Duration::from_secs(config.backup.interval_secs);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        // One backup per interval per cluster: the lease holder's (a node that takes the
        // lease over backs up at its own next tick, not at once).
        if !lease.held() {
            continue;
        }
        match scheduled(&config).await {
            Ok(file) => tracing::info!(file = %file.display(), "backup written"),
            Err(e) => tracing::error!(error = %format!("{e:#}"), "scheduled backup failed"),
        }
    }
}
