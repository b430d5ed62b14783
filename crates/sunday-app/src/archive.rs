//! The tar files Sunday writes for people to keep (backups, organization archives): the
//! files, then a `manifest.json` that names each with its size and SHA-256 (archives made
//! before it was written last, with the manifest first, read the same).
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

/// Counts and hashes what is read through it, so a file is checksummed on its one pass
/// into or out of an archive.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing { inner, hasher: Sha256::new(), bytes: 0 }
    }

    fn finish(self) -> (u64, String) {
        (self.bytes, self.hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Writes the files `paths` (under `dir`) to `to`, then the manifest `build` makes from
/// their entries, atomically. Each file is read once: hashed on its way into the archive,
/// which is why the manifest comes last.
pub fn write<M: Manifest>(
    to: &Path,
    dir: &Path,
    paths: &[String],
    build: impl FnOnce(Vec<FileEntry>) -> M,
) -> anyhow::Result<M> {
    let sources: Vec<(String, PathBuf)> = paths.iter().map(|p| (p.clone(), dir.join(p))).collect();
    write_files(to, &sources, build)
}

/// [`write`] with files from anywhere: each is `(its name in the archive, where it is)`.
pub fn write_files<M: Manifest>(
    to: &Path,
    sources: &[(String, PathBuf)],
    build: impl FnOnce(Vec<FileEntry>) -> M,
) -> anyhow::Result<M> {
    let partial = to.with_extension("partial");
    let manifest = {
        let mut archive =
            tar::Builder::new(File::create(&partial).with_context(|| format!("creating {}", partial.display()))?);
        let mut files = Vec::with_capacity(sources.len());
        for (path, source) in sources {
            let file = File::open(source).with_context(|| format!("reading {}", source.display()))?;
            let mut header = tar::Header::new_gnu();
            header.set_size(file.metadata()?.len());
            header.set_mode(0o600);
            let mut hashing = Hashing::new(file);
            archive.append_data(&mut header, path, &mut hashing)?;
            let (bytes, sha256) = hashing.finish();
            files.push(FileEntry { path: path.clone(), bytes, sha256 });
        }
        let manifest = build(files);
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        archive.append_data(&mut header, MANIFEST, json.as_slice())?;
        archive.into_inner()?.sync_all()?;
        manifest
    };
    std::fs::rename(&partial, to)?;
    Ok(manifest)
}

/// Unpacks `from` into `into` and returns its manifest once every file it names is there
/// with its size and checksum; any other file, a missing manifest or a mismatch is refused.
pub fn read<M: Manifest>(from: &Path, into: &Path, what: &str) -> anyhow::Result<M> {
    let mut archive = tar::Archive::new(File::open(from).with_context(|| format!("opening {}", from.display()))?);
    let mut manifest: Option<M> = None;
    // Each file with its size and checksum, taken while unpacking it.
    let mut unpacked: Vec<(String, (u64, String))> = vec![];
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
        let mut hashing = Hashing::new(&mut entry);
        std::io::copy(&mut hashing, &mut out).with_context(|| format!("reading {name}: the {what} is truncated"))?;
        out.flush()?;
        unpacked.push((name, hashing.finish()));
    }
    let manifest = manifest.with_context(|| format!("the {what} has no manifest"))?;
    for (name, _) in &unpacked {
        if !manifest.files().iter().any(|f| &f.path == name) {
            bail!("unexpected file in the {what}: {name}");
        }
    }
    for f in manifest.files() {
        let Some((_, (bytes, sha256))) = unpacked.iter().find(|(name, _)| *name == f.path) else {
            bail!("the {what} lacks {}", f.path);
        };
        if *bytes != f.bytes || *sha256 != f.sha256 {
            bail!("{} does not match its checksum: the {what} is damaged", f.path);
        }
    }
    Ok(manifest)
}

/// Writes each table as `tables/<name>.jsonl` under `dir` (a row per line) and returns the
/// files' entries.
pub fn write_tables(dir: &Path, tables: &[sunday_store::TableRows]) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir.join("tables"))?;
    let mut paths = Vec::with_capacity(tables.len());
    for t in tables {
        let path = table_file(&t.table);
        // Scratch files: the archive made from them is what gets synced.
        let mut out = std::io::BufWriter::new(File::create(dir.join(&path))?);
        for row in &t.rows {
            serde_json::to_writer(&mut out, row)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        paths.push(path);
    }
    Ok(paths)
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
