//! Files: uploads streamed into the file storage (a local directory or an S3-compatible
//! server, through `object_store`) with bounded memory, their type sniffed from the bytes,
//! their SHA-256 kept and their bytes stored once per organization; downloads with ranges and
//! short-lived signed links; thumbnails; and the sweep that deletes what no item holds.
//!
//! Who may read or attach a file is the boards' rule (`BoardService::may_read_file`): the
//! uploader, and whoever may read a board with an item holding it.

mod download;
mod preview;
mod sniff;
pub mod storage;

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use object_store::{path::Path, ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};
use sunday_store::{FileRecord, Store};
use sunday_types::{
    dto::Scope,
    files::{FileInfo, Preview},
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, ErrorDetails, FileId, OrgId,
};

pub use download::{Download, Thumbnail};
pub use sniff::content_disposition;
pub use storage::Location;

use crate::{boards::BoardService, Actor, Credentials};

/// What the file service needs, from the configuration (`files.*`).
#[derive(Clone)]
pub struct FileSettings {
    pub objects: Arc<dyn ObjectStore>,
    /// Keys start with this (`files.url`'s path after the bucket; empty: none).
    pub prefix: String,
    /// Bytes gathered before they are sent as one part (S3 needs at least 5 MiB); also the
    /// largest upload sent in a single request.
    pub part_bytes: usize,
    pub max_upload_bytes: u64,
    pub allowed_types: Vec<String>,
    pub signing_key: Vec<u8>,
    pub signed_url_ttl: Duration,
    pub orphan_grace: Duration,
    pub thumbnail_max_pixels: u64,
}

impl std::fmt::Debug for FileSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSettings")
            .field("objects", &self.objects.to_string())
            .field("prefix", &self.prefix)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("allowed_types", &self.allowed_types)
            .finish_non_exhaustive()
    }
}

impl FileSettings {
    /// The settings of `files.*` over the storage `open`ed from `location`.
    pub fn open(location: &Location) -> Result<FileSettings, String> {
        let (objects, prefix) = storage::open(location)?;
        let part_bytes = match location {
            Location::Local(_) => 1 << 20,
            Location::S3 { .. } => 5 << 20,
        };
        Ok(FileSettings { objects, prefix, part_bytes, ..FileSettings::default() })
    }
}

/// Files kept in memory, every type accepted, a random signing key: for tests and tools that
/// do not upload.
impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            objects: storage::in_memory(),
            prefix: String::new(),
            part_bytes: 1 << 20,
            max_upload_bytes: 100 << 20,
            allowed_types: vec!["*".into()],
            signing_key: rand::random::<[u8; 32]>().to_vec(),
            signed_url_ttl: Duration::from_secs(300),
            orphan_grace: Duration::from_secs(86_400),
            thumbnail_max_pixels: 40_000_000,
        }
    }
}

/// An upload's description, from its request.
#[derive(Clone, Debug, Default)]
pub struct Upload {
    /// The organization it belongs to; may be left out by members of only one.
    pub org_id: Option<OrgId>,
    pub name: String,
    /// The client's `Content-Type`, used only for text (the bytes decide the rest).
    pub claimed_type: Option<String>,
    /// The announced length (`Content-Length`), refused at once when over the limit.
    pub length: Option<u64>,
}

#[derive(Clone)]
pub struct FileService {
    store: Arc<dyn Store>,
    boards: BoardService,
    settings: Arc<FileSettings>,
    /// One thumbnail is decoded at a time per node: decoding is where memory goes.
    thumbnails: Arc<tokio::sync::Semaphore>,
}

fn too_large(max: u64) -> ApiError {
    ApiError::new(ErrorCode::PayloadTooLarge, format!("a file may have at most {max} bytes (files.max_upload_bytes)"))
        .with_details(ErrorDetails { limit: Some(max), ..ErrorDetails::default() })
}

/// An error of the file storage: the service cannot be reached or refused the request.
fn storage(e: object_store::Error) -> ApiError {
    let mut err = ApiError::of(ErrorCode::StorageUnavailable);
    err.source = Some(Box::new(e));
    err
}

/// The client stopped sending (hung up, timed out): nothing was kept.
fn body_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::InvalidBody, format!("the upload did not arrive whole ({e}); nothing was saved"))
}

pub(crate) fn info(f: &FileRecord) -> FileInfo {
    FileInfo {
        id: f.id,
        name: f.name.clone(),
        size: f.size,
        content_type: f.content_type.clone(),
        sha256: f.sha256.clone(),
        preview: if preview::is_previewable(&f.content_type) { Preview::Image } else { Preview::Icon },
        created_by: f.created_by,
        created_at: f.created_at,
    }
}

impl FileService {
    pub fn new(store: Arc<dyn Store>, boards: BoardService, settings: FileSettings) -> FileService {
        FileService {
            store,
            boards,
            settings: Arc::new(settings),
            thumbnails: Arc::new(tokio::sync::Semaphore::new(1)),
        }
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.settings.max_upload_bytes
    }

    fn key(&self, rest: &str) -> Path {
        if self.settings.prefix.is_empty() {
            Path::from(rest)
        } else {
            Path::from(format!("{}/{rest}", self.settings.prefix))
        }
    }

    /// The organization an upload goes to.
    async fn upload_org(&self, actor: &Actor, given: Option<OrgId>) -> Result<OrgId, ApiError> {
        if let Credentials::Automation { org_id } = actor.credentials {
            return Ok(org_id);
        }
        match given {
            Some(org) => match self.store.role_in(org, actor.user_id).await? {
                Some(_) => Ok(org),
                None => Err(ApiError::of(ErrorCode::OrgNotFound)),
            },
            None => {
                let orgs = self.store.memberships(actor.user_id).await?;
                match orgs.as_slice() {
                    [one] => Ok(one.org.id),
                    _ => Err(ApiError::validation(
                        "org_id",
                        "required",
                        "you belong to several organizations: say which one the file is for (`org_id`)",
                    )),
                }
            }
        }
    }

    /// Streams `body` into the storage and records the file. Over the size limit (announced
    /// or reached) it is `413`, a refused type `415`, a body that breaks off `400`, an
    /// unreachable storage `503`: in every case nothing is kept (a started multipart upload
    /// is aborted) and no cell changes. Memory stays within about two parts.
    pub async fn upload<S, E>(&self, actor: &Actor, up: Upload, mut body: S) -> Result<FileInfo, ApiError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send + Unpin,
        E: std::fmt::Display,
    {
        actor.require_scope(Scope::Write)?;
        let max = self.settings.max_upload_bytes;
        if up.length.is_some_and(|n| n > max) {
            return Err(too_large(max));
        }
        let org = self.upload_org(actor, up.org_id).await?;

        // Enough of the start to know the type before anything is stored.
        let mut buffered: Vec<Bytes> = Vec::new();
        let mut size: u64 = 0;
        let mut ended = false;
        while size < sniff::SNIFF_BYTES as u64 {
            match body.next().await {
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    buffered.push(chunk);
                }
                Some(Err(e)) => return Err(body_failed(e)),
                None => {
                    ended = true;
                    break;
                }
            }
        }
        if size > max {
            return Err(too_large(max));
        }
        let head: Vec<u8> = buffered.iter().flat_map(|c| c.iter().copied()).take(sniff::SNIFF_BYTES).collect();
        let content_type = sniff::content_type(&head, up.claimed_type.as_deref());
        if !sniff::allowed(&content_type, &self.settings.allowed_types) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedFileType,
                format!("files of type {content_type} are not accepted here"),
            )
            .with_details(ErrorDetails { content_type: Some(content_type.to_string()), ..ErrorDetails::default() }));
        }

        let id = FileId::new();
        let path = self.key(&format!("orgs/{org}/{id}"));
        let mut hasher = Sha256::new();
        for chunk in &buffered {
            hasher.update(chunk);
        }
        // Small files (up to one part) go in one request; larger ones as a multipart upload.
        let part = self.settings.part_bytes as u64;
        while !ended && size <= part {
            match body.next().await {
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    hasher.update(&chunk);
                    buffered.push(chunk);
                }
                Some(Err(e)) => return Err(body_failed(e)),
                None => ended = true,
            }
        }
        if size > max {
            return Err(too_large(max));
        }
        if ended {
            let payload: PutPayload = buffered.into_iter().collect();
            self.settings.objects.put(&path, payload).await.map_err(storage)?;
        } else {
            let upload = self.settings.objects.put_multipart(&path).await.map_err(storage)?;
            let mut writer = WriteMultipart::new_with_chunk_size(upload, self.settings.part_bytes);
            for chunk in buffered.drain(..) {
                writer.put(chunk);
            }
            let streamed: Result<(), ApiError> = async {
                while let Some(chunk) = body.next().await {
                    let chunk = chunk.map_err(body_failed)?;
                    size += chunk.len() as u64;
                    if size > max {
                        return Err(too_large(max));
                    }
                    hasher.update(&chunk);
                    // At most one part in flight while the next fills.
                    writer.wait_for_capacity(1).await.map_err(storage)?;
                    writer.put(chunk);
                }
                Ok(())
            }
            .await;
            if let Err(e) = streamed {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, %path, "aborting a failed upload");
                }
                return Err(e);
            }
            writer.finish().await.map_err(storage)?;
        }

        let sha256: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let record = FileRecord {
            id,
            org_id: org,
            name: sniff::safe_name(&up.name),
            size: i64::try_from(size).unwrap_or(i64::MAX),
            content_type,
            sha256,
            object_key: path.to_string(),
            created_by: actor.user_id,
            created_at: to_datetime(now_millis()),
        };
        let stored = match self.store.insert_file(&record).await {
            Ok(stored) => stored,
            Err(e) => {
                self.delete_object(&record.object_key).await;
                return Err(e.into());
            }
        };
        if stored.object_key != record.object_key {
            // The organization had these bytes already: keep one copy.
            self.delete_object(&record.object_key).await;
        }
        metrics::counter!("sunday_file_uploads_total").increment(1);
        metrics::counter!("sunday_file_upload_bytes_total").increment(size);
        Ok(info(&stored))
    }

    /// Deletes an object and its thumbnail; a missing one is fine, a failure is logged (the
    /// next sweep does not see it again, so it is left behind).
    async fn delete_object(&self, key: &str) {
        for path in [Path::from(key), Path::from(format!("{key}.thumb.png"))] {
            match self.settings.objects.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => tracing::warn!(error = %e, %path, "deleting a file's object"),
            }
        }
    }

    /// A file's description, if `actor` may read it.
    pub async fn info(&self, actor: &Actor, id: FileId) -> Result<FileInfo, ApiError> {
        Ok(info(&self.boards.readable_file(actor, id).await?))
    }

    /// The descriptions of those of `ids` that `actor` may read (others are left out), in
    /// the order asked.
    pub async fn infos(&self, actor: &Actor, ids: &[FileId]) -> Result<Vec<FileInfo>, ApiError> {
        const MAX: usize = 200;
        if ids.len() > MAX {
            return Err(ApiError::validation("ids", "max_items", format!("at most {MAX} ids at once")));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.boards.readable_file(actor, *id).await {
                Ok(f) => out.push(info(&f)),
                Err(e) if e.code == ErrorCode::FileNotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Deletes files uploaded longer than `files.orphan_grace_secs` ago that no cell or update
    /// holds, and their objects once no upload names them; returns how many objects went.
    pub async fn sweep(&self) -> Result<usize, ApiError> {
        let before = now_millis() - i64::try_from(self.settings.orphan_grace.as_millis()).unwrap_or(i64::MAX);
        let found = self.store.unreferenced_files(before, 1000).await?;
        if found.is_empty() {
            return Ok(0);
        }
        let ids: Vec<FileId> = found.iter().map(|(id, _)| *id).collect();
        self.store.delete_unreferenced_files(&ids).await?;
        // An object goes once no upload names it (another one of the same bytes may).
        let mut gone = 0;
        for key in found.into_iter().map(|(_, key)| key).collect::<std::collections::BTreeSet<_>>() {
            if self.store.files_naming(&key).await? == 0 {
                self.delete_object(&key).await;
                gone += 1;
            }
        }
        Ok(gone)
    }
}
