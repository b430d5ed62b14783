//! The tar files Sunday writes for people to keep (backups, organization archives): a
//! `manifest.json` that names every other file with its size and SHA-256, then those files.
//! A file is written beside its target and renamed into place, so a failed or killed write
//! never leaves a half file under the name asked for; reading unpacks into a scratch
//! directory and checks every checksum before the caller uses anything.

use std::{
    fs::File,
    io::{Read, Write},
    path::{Path, PathBuf},
};

use anyhow::{bail, Context};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MANIFEST: &str = "manifest.json";

/// A file named in a manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A manifest: whatever describes the archive, plus the files it holds.
pub trait Manifest: Serialize + DeserializeOwned {
    fn files(&self) -> &[FileEntry];
}

impl FileEntry {
    /// The entry for `dir/path`, its size and checksum read from the file.
    pub fn of(dir: &Path, path: &str) -> anyhow::Result<FileEntry> {
        let (bytes, sha256) = sha256_of(&dir.join(path)).with_context(|| format!("reading {path}"))?;
        Ok(FileEntry { path: path.to_owned(), bytes, sha256 })
    }
}

pub fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}

/// Writes `manifest` and its files (found under `dir`) to `to`, atomically.
pub fn write(to: &Path, manifest: &impl Manifest, dir: &Path) -> anyhow::Result<()> {
    let partial = to.with_extension("partial");
    {
        let mut archive =
            tar::Builder::new(File::create(&partial).with_context(|| format!("creating {}", partial.display()))?);
        let json = serde_json::to_vec_pretty(manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        archive.append_data(&mut header, MANIFEST, json.as_slice())?;
        for f in manifest.files() {
            archive.append_path_with_name(dir.join(&f.path), &f.path)?;
        }
        archive.into_inner()?.sync_all()?;
    }
    std::fs::rename(&partial, to)?;
    Ok(())
}

/// Unpacks `from` into `into` and returns its manifest once every file it names is there
/// with its size and checksum; any other file, a missing manifest or a mismatch is refused.
pub fn read<M: Manifest>(from: &Path, into: &Path, what: &str) -> anyhow::Result<M> {
    let mut archive = tar::Archive::new(File::open(from).with_context(|| format!("opening {}", from.display()))?);
    let mut manifest: Option<M> = None;
    let mut unpacked: Vec<String> = vec![];
    for entry in archive.entries().with_context(|| format!("reading the {what}"))? {
        let mut entry = entry.with_context(|| format!("reading the {what}: it is truncated or not a Sunday {what}"))?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if name == MANIFEST {
            let mut json = vec![];
            entry.read_to_end(&mut json)?;
            manifest = Some(serde_json::from_slice(&json).with_context(|| format!("reading the {what}'s manifest"))?);
            continue;
        }
        let target = safe_join(into, &name).with_context(|| format!("unexpected file in the {what}: {name}"))?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut out = File::create(&target)?;
        std::io::copy(&mut entry, &mut out).with_context(|| format!("reading {name}: the {what} is truncated"))?;
        out.flush()?;
        unpacked.push(name);
    }
    let manifest = manifest.with_context(|| format!("the {what} has no manifest"))?;
    for name in &unpacked {
        if !manifest.files().iter().any(|f| &f.path == name) {
            bail!("unexpected file in the {what}: {name}");
        }
    }
    for f in manifest.files() {
        let path = safe_join(into, &f.path).with_context(|| format!("bad path in the manifest: {}", f.path))?;
        let (bytes, sha256) = sha256_of(&path).with_context(|| format!("the {what} lacks {}", f.path))?;
        if bytes != f.bytes || sha256 != f.sha256 {
            bail!("{} does not match its checksum: the {what} is damaged", f.path);
        }
    }
    Ok(manifest)
}

/// Writes each table as `tables/<name>.jsonl` under `dir` (a row per line) and returns the
/// files' entries.
pub fn write_tables(dir: &Path, tables: &[sunday_store::TableRows]) -> anyhow::Result<Vec<FileEntry>> {
    std::fs::create_dir_all(dir.join("tables"))?;
    let mut files = Vec::with_capacity(tables.len());
    for t in tables {
        let path = table_file(&t.table);
        let mut out = std::io::BufWriter::new(File::create(dir.join(&path))?);
        for row in &t.rows {
            serde_json::to_writer(&mut out, row)?;
            out.write_all(b"\n")?;
        }
        out.into_inner()?.sync_all()?;
        files.push(FileEntry::of(dir, &path)?);
    }
    Ok(files)
}

/// Reads back the tables [`write_tables`] wrote, in the order of `files` (other files are
/// skipped).
pub fn read_tables(dir: &Path, files: &[FileEntry]) -> anyhow::Result<Vec<sunday_store::TableRows>> {
    use std::io::BufRead;
    let mut tables = vec![];
    for f in files {
        let Some(table) = f.path.strip_prefix("tables/").and_then(|p| p.strip_suffix(".jsonl")) else { continue };
        let file = std::io::BufReader::new(File::open(dir.join(&f.path))?);
        let mut rows = vec![];
        for (n, line) in file.lines().enumerate() {
            rows.push(serde_json::from_str(&line?).with_context(|| format!("{}, line {}", f.path, n + 1))?);
        }
        tables.push(sunday_store::TableRows { table: table.to_owned(), rows });
    }
    Ok(tables)
}

pub fn table_file(table: &str) -> String {
    format!("tables/{table}.jsonl")
}

/// `dir/name` for a relative path without `..`, so an archive cannot write elsewhere.
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let plain = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    (plain && !name.is_empty()).then(|| dir.join(path))
}
