//! Reading files back: whole or a byte range, through a signed link, or as a thumbnail.

use std::ops::Range;

use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt, TryStreamExt};
use hmac::{Hmac, Mac};
use http_range_header::{parse_range_header, RangeUnsatisfiableError};
use object_store::{path::Path, GetOptions, GetRange, PutPayload};
use sha2::Sha256;
use sunday_store::FileRecord;
use sunday_types::{
    files::{FileInfo, SignedUrl},
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, ErrorDetails, FileId,
};

use super::{info, preview, FileService};
use crate::Actor;

/// The bytes of a file, or of the part asked for.
pub struct Download {
    pub file: FileInfo,
    /// The bytes sent, when a range was asked for and can be served (`206`); `None`: all.
    pub range: Option<Range<u64>>,
    pub body: BoxStream<'static, Result<Bytes, std::io::Error>>,
}

/// A preview image.
pub struct Thumbnail {
    /// `image/png`, or `image/svg+xml` for an icon.
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// Images larger than this are not read for a thumbnail (an icon is shown).
const THUMB_SOURCE_MAX: i64 = 64 << 20;

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::FileNotFound)
}

/// Which bytes of a file of `size` a `Range` header asks for: `Ok(None)` for all of it (no
/// header, one that does not parse, or several ranges, which may be answered whole), an error
/// when it starts past the end.
fn wanted(header: Option<&str>, size: u64) -> Result<Option<Range<u64>>, ApiError> {
    let Some(parsed) = header.and_then(|h| parse_range_header(h).ok()) else { return Ok(None) };
    if parsed.ranges.len() != 1 {
        return Ok(None);
    }
    let unsatisfiable = || {
        ApiError::new(ErrorCode::RangeNotSatisfiable, format!("the file has {size} bytes"))
            .with_details(ErrorDetails { size: Some(size), ..ErrorDetails::default() })
    };
    if size == 0 {
        return Err(unsatisfiable());
    }
    match parsed.validate(size) {
        Ok(ranges) => Ok(ranges.first().map(|r| *r.start()..*r.end() + 1)),
        Err(RangeUnsatisfiableError::RangeReversed | RangeUnsatisfiableError::FileSuffixOutOfBounds) => {
            Err(unsatisfiable())
        }
        Err(_) => Ok(None),
    }
}

impl FileService {
    /// The file's bytes (those `range` asks for), if `actor` may read it.
    pub async fn download(&self, actor: &Actor, id: FileId, range: Option<&str>) -> Result<Download, ApiError> {
        let file = self.boards.readable_file(actor, id).await?;
        self.open(&file, range).await
    }

    async fn open(&self, file: &FileRecord, range: Option<&str>) -> Result<Download, ApiError> {
        let size = u64::try_from(file.size).unwrap_or(0);
        let range = wanted(range, size)?;
        let options = GetOptions { range: range.clone().map(GetRange::Bounded), ..GetOptions::default() };
        let got = match self.settings.objects.get_opts(&Path::from(file.object_key.as_str()), options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => {
                tracing::error!(file = %file.id, key = %file.object_key, "a file's object is missing");
                return Err(not_found());
            }
            Err(e) => return Err(super::storage(e)),
        };
        let body = got.into_stream().map_err(std::io::Error::other).boxed();
        Ok(Download { file: info(file), range, body })
    }

    fn signature(&self, id: FileId, expires: i64) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.settings.signing_key).unwrap_or_else(|_| unreachable!());
        mac.update(format!("{id}:{expires}").as_bytes());
        mac
    }

    /// A link to the file's bytes that works without signing in for `files.signed_url_secs`
    /// (for a download manager, a viewer in another tab, a colleague's quick look).
    pub async fn signed_url(&self, actor: &Actor, id: FileId) -> Result<SignedUrl, ApiError> {
        self.boards.readable_file(actor, id).await?;
        let ttl = i64::try_from(self.settings.signed_url_ttl.as_millis()).unwrap_or(i64::MAX);
        let expires = now_millis().saturating_add(ttl);
        let signature: String =
            self.signature(id, expires).finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        Ok(SignedUrl {
            url: format!("/api/v1/files/{id}/signed?expires={expires}&signature={signature}"),
            expires_at: to_datetime(expires),
        })
    }

    /// The file's bytes through a signed link: `file_not_found` when the signature is wrong,
    /// the link expired or the file is gone.
    pub async fn download_signed(
        &self,
        id: FileId,
        expires: i64,
        signature: &str,
        range: Option<&str>,
    ) -> Result<Download, ApiError> {
        let bytes: Option<Vec<u8>> = (signature.len() == 64)
            .then(|| (0..64).step_by(2).map(|i| u8::from_str_radix(signature.get(i..i + 2)?, 16).ok()).collect())
            .flatten();
        let valid = bytes.is_some_and(|b| self.signature(id, expires).verify_slice(&b).is_ok());
        if !valid || expires < now_millis() {
            return Err(not_found());
        }
        let file = self.store.file(id).await?.ok_or_else(not_found)?;
        self.open(&file, range).await
    }

    /// A preview: a PNG of at most 320 pixels a side for an image (made on first ask and kept
    /// next to the file), an SVG icon of the type for anything else.
    pub async fn thumbnail(&self, actor: &Actor, id: FileId) -> Result<Thumbnail, ApiError> {
        let file = self.boards.readable_file(actor, id).await?;
        if preview::is_previewable(&file.content_type) && file.size <= THUMB_SOURCE_MAX {
            if let Some(png) = self.image_thumbnail(&file).await? {
                return Ok(Thumbnail { content_type: "image/png", bytes: png });
            }
        }
        Ok(Thumbnail { content_type: "image/svg+xml", bytes: preview::icon(&file.content_type, &file.name).into() })
    }

    async fn image_thumbnail(&self, file: &FileRecord) -> Result<Option<Bytes>, ApiError> {
        let objects = &self.settings.objects;
        let kept = Path::from(format!("{}.thumb.png", file.object_key));
        match objects.get(&kept).await {
            Ok(got) => return got.bytes().await.map(Some).map_err(super::storage),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(super::storage(e)),
        }
        let _one_at_a_time = self.thumbnails.acquire().await.map_err(|e| ApiError::internal(e.to_string()))?;
        let source = match objects.get(&Path::from(file.object_key.as_str())).await {
            Ok(got) => got.bytes().await.map_err(super::storage)?,
            Err(object_store::Error::NotFound { .. }) => return Err(not_found()),
            Err(e) => return Err(super::storage(e)),
        };
        let max_pixels = self.settings.thumbnail_max_pixels;
        let made = tokio::task::spawn_blocking(move || preview::thumbnail(&source, max_pixels))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let Some(png) = made else { return Ok(None) };
        let png = Bytes::from(png);
        if let Err(e) = objects.put(&kept, PutPayload::from(png.clone())).await {
            tracing::warn!(error = %e, "keeping a thumbnail");
        }
        Ok(Some(png))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_served_satisfied_or_refused() {
        assert_eq!(wanted(None, 100).unwrap(), None);
        assert_eq!(wanted(Some("bytes=0-9"), 100).unwrap(), Some(0..10));
        assert_eq!(wanted(Some("bytes=90-"), 100).unwrap(), Some(90..100));
        assert_eq!(wanted(Some("bytes=-5"), 100).unwrap(), Some(95..100));
        assert_eq!(wanted(Some("bytes=50-1000"), 100).unwrap(), Some(50..100));
        // Not understood or several: the whole file.
        assert_eq!(wanted(Some("items=0-9"), 100).unwrap(), None);
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100).unwrap(), None);
        // Past the end: 416.
        assert_eq!(wanted(Some("bytes=100-"), 100).unwrap_err().code, ErrorCode::RangeNotSatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0).unwrap_err().code, ErrorCode::RangeNotSatisfiable);
    }
}
