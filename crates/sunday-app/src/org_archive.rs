//! `sunday org export` and `sunday org import`: one organization as a portable archive that
//! moves it between instances and between SQLite and PostgreSQL.
//!
//! The archive is a tar file ([`crate::archive`]): `manifest.json` (kind, format, Sunday's
//! version, schema version, the org's id and name, rows per table, and each file's size and
//! SHA-256) and one JSON-lines file per table under `tables/`, a row per line with its
//! columns by name. Ids, event logs (the activity), views and permissions are kept as they
//! are. Import checks the archive whole before writing and then writes it in one
//! transaction; an organization already on the instance is refused, so importing twice
//! never duplicates anything.

use std::path::Path;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sunday_store::{Store, StoreError};
use sunday_types::{ErrorCode, OrgId};

use crate::{
    archive::{self, FileEntry},
    crypto::NO_PASSWORD,
};

const KIND: &str = "sunday-org";
const FORMAT: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgManifest {
    pub kind: String,
    pub format: u32,
    pub sunday_version: String,
    pub schema_version: i64,
    /// The store it was exported from (`sqlite`, `postgres`).
    pub store: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub tables: Vec<TableCount>,
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TableCount {
    pub table: String,
    pub rows: usize,
}

impl archive::Manifest for OrgManifest {
    fn files(&self) -> &[FileEntry] {
        &self.files
    }
}

impl OrgManifest {
    pub fn rows(&self, table: &str) -> usize {
        self.tables.iter().find(|t| t.table == table).map_or(0, |t| t.rows)
    }
}

/// Whether an archive keeps the members' password hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrets {
    /// Kept: the instance's operator moves people with their passwords (`sunday org export`).
    Keep,
    /// Left out (every hash becomes [`NO_PASSWORD`]): a download by an organization's owner,
    /// since the members' hashes are theirs, not the owner's.
    Leave,
}

/// Writes organization `org` of `store` to `to`.
pub async fn export(store: &dyn Store, org: OrgId, to: &Path, secrets: Secrets) -> anyhow::Result<OrgManifest> {
    let schema_version = store.schema_version().await?;
    let mut tables = store.export_org(org).await?;
    if secrets == Secrets::Leave {
        for row in tables.iter_mut().filter(|t| t.table == "users").flat_map(|t| t.rows.iter_mut()) {
            row.insert("password_hash".into(), NO_PASSWORD.into());
        }
    }
    let org_name = tables
        .iter()
        .find(|t| t.table == "orgs")
        .and_then(|t| t.rows.first())
        .and_then(|row| row.get("name")?.as_str().map(str::to_owned))
        .with_context(|| format!("no organization {org} on this instance"))?;
    let work = tempfile::tempdir()?;
    let paths = archive::write_tables(work.path(), &tables)?;
    archive::write(to, work.path(), &paths, |files| OrgManifest {
        kind: KIND.into(),
        format: FORMAT,
        sunday_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        store: store.backend().to_owned(),
        org_id: org,
        org_name,
        created_at: chrono::Utc::now(),
        tables: tables.iter().map(|t| TableCount { table: t.table.clone(), rows: t.rows.len() }).collect(),
        files,
    })
}

/// Loads the archive `from` into `store`: all of it, or nothing.
pub async fn import(store: &dyn Store, from: &Path) -> anyhow::Result<OrgManifest> {
    let work = tempfile::tempdir()?;
    let manifest: OrgManifest = archive::read(from, work.path(), "organization archive")?;
    if manifest.kind != KIND || manifest.format != FORMAT {
        bail!(
            "this is not an organization archive this Sunday reads (kind {}, format {})",
            manifest.kind,
            manifest.format
        );
    }
    let here = store.schema_version().await?;
    if manifest.schema_version != here {
        bail!(
            "the archive has schema version {} (Sunday {}), this instance {here}: import it into an instance of the \
             same version{}",
            manifest.schema_version,
            manifest.sunday_version,
            if manifest.schema_version < here { ", then upgrade that one" } else { ": upgrade this instance first" }
        );
    }
    let tables = archive::read_tables(work.path(), &manifest.files)?;
    for count in &manifest.tables {
        let rows = tables.iter().find(|t| t.table == count.table).map(|t| t.rows.len());
        if rows != Some(count.rows) {
            bail!("the archive's {} holds {} rows, its manifest says {}", count.table, rows.unwrap_or(0), count.rows);
        }
    }
    match store.import_org(manifest.org_id, tables).await {
        Ok(()) => Ok(manifest),
        Err(StoreError::Rejected(ErrorCode::OrgExists)) => bail!(
            "organization {} ({}) is already on this instance; nothing was imported",
            manifest.org_id,
            manifest.org_name
        ),
        Err(StoreError::Rejected(ErrorCode::EmailTaken)) => bail!(
            "a member of the organization has an email that belongs to another account on this instance; nothing was \
             imported"
        ),
        Err(e) => Err(anyhow::Error::new(e).context("importing the organization; nothing was imported")),
    }
}
