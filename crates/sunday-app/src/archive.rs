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
    time::{Duration, Instant},
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

/// What goes into an archive under a name.
pub enum Source {
    /// A file, as it is when it is copied.
    File(PathBuf),
    /// Bytes from a reader that knows beforehand how many it gives (a database snapshot).
    Read { bytes: u64, from: Box<dyn Read + Send> },
}

/// How an archive is written. Every [`SYNC_EVERY`] bytes the file is synced, so the kernel
/// never holds much of it unwritten: a server syncing its own commits on the same disk then
/// waits behind a few megabytes at most, not gigabytes (ext4 orders a journal commit after
/// the data written before it). `bytes_per_sec` spreads the writes over time besides (0: as
/// fast as the disk takes them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Pace {
    pub bytes_per_sec: u64,
}

pub const SYNC_EVERY: u64 = 2 << 20;

impl Pace {
    pub fn mib_per_sec(mib: u32) -> Pace {
        Pace { bytes_per_sec: u64::from(mib) << 20 }
    }
}

/// A file written at a [`Pace`].
struct Paced {
    file: File,
    pace: Pace,
    started: Instant,
    written: u64,
    unsynced: u64,
}

impl Paced {
    fn new(file: File, pace: Pace) -> Paced {
        Paced { file, pace, started: Instant::now(), written: 0, unsynced: 0 }
    }
}

impl Write for Paced {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        self.unsynced += n as u64;
        if self.unsynced >= SYNC_EVERY {
            self.file.sync_data()?;
            self.unsynced = 0;
            if self.pace.bytes_per_sec > 0 {
                let due = Duration::from_secs_f64(self.written as f64 / self.pace.bytes_per_sec as f64);
                if let Some(early) = due.checked_sub(self.started.elapsed()) {
                    std::thread::sleep(early);
                }
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes the files `paths` (under `dir`) to `to`, then the manifest `build` makes from
/// their entries, atomically, as fast as the disk takes them.
pub fn write<M: Manifest>(
    to: &Path,
    dir: &Path,
    paths: &[String],
    build: impl FnOnce(Vec<FileEntry>) -> M,
) -> anyhow::Result<M> {
    let sources = paths.iter().map(|p| (p.clone(), Source::File(dir.join(p)))).collect();
    write_files(to, sources, Pace::default(), build)
}

/// [`write`] with sources from anywhere, each `(its name in the archive, where it comes
/// from)`, at `pace`. Each source is read once: hashed on its way into the archive, which is
/// why the manifest comes last; each is let go (a snapshot's read transaction ended) once
/// it is in.
pub fn write_files<M: Manifest>(
    to: &Path,
    sources: Vec<(String, Source)>,
    pace: Pace,
    build: impl FnOnce(Vec<FileEntry>) -> M,
) -> anyhow::Result<M> {
    let partial = to.with_extension("partial");
    let manifest = {
        let file = File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let mut archive = tar::Builder::new(Paced::new(file, pace));
        let mut files = Vec::with_capacity(sources.len());
        for (path, source) in sources {
            let (size, from): (u64, Box<dyn Read + Send>) = match source {
                Source::File(source) => {
                    let file = File::open(&source).with_context(|| format!("reading {}", source.display()))?;
                    (file.metadata()?.len(), Box::new(file))
                }
                Source::Read { bytes, from } => (bytes, from),
            };
            let mut header = tar::Header::new_gnu();
            header.set_size(size);
            header.set_mode(0o600);
            let mut hashing = Hashing::new(from);
            archive.append_data(&mut header, &path, &mut hashing).with_context(|| format!("writing {path}"))?;
            let (bytes, sha256) = hashing.finish();
            if bytes != size {
                bail!("{path} gave {bytes} bytes where {size} were expected");
            }
            files.push(FileEntry { path, bytes, sha256 });
        }
        let manifest = build(files);
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        archive.append_data(&mut header, MANIFEST, json.as_slice())?;
        archive.into_inner()?.file.sync_all()?;
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
