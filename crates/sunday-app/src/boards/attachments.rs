//! Who may read and attach uploaded files. A file is readable by whoever uploaded it (while
//! they belong to its organization) and by whoever may read a board with an item that holds
//! it (in a cell or on an update: `FileStore::file_boards`, kept by the commits themselves, so
//! revoked access or a deleted item takes effect at once). Attaching a file needs the same
//! right, so a file id learnt elsewhere cannot be attached to reach its bytes.

use sunday_store::FileRecord;
use sunday_types::{boards::Column, cells::CellValue, ApiError, ColumnId, ErrorCode, ErrorDetails, FileId, OrgId};

use super::BoardService;
use crate::{Actor, Credentials};

impl BoardService {
    /// Whether `actor` may read `file` (see the module).
    pub async fn may_read_file(&self, actor: &Actor, file: &FileRecord) -> Result<bool, ApiError> {
        let person = matches!(actor.credentials, Credentials::Session { .. } | Credentials::Token { .. });
        if person
            && file.created_by == actor.user_id
            && self.directory.role_in(file.org_id, actor.user_id).await?.is_some()
        {
            return Ok(true);
        }
        for board in self.store.file_boards(file.id).await? {
            match self.access(actor, board).await {
                Ok(_) => return Ok(true),
                Err(e) if e.code == ErrorCode::BoardNotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// The file if `actor` may read it, else `file_not_found` (as if it did not exist).
    pub async fn readable_file(&self, actor: &Actor, id: FileId) -> Result<FileRecord, ApiError> {
        let not_found = || ApiError::of(ErrorCode::FileNotFound);
        let file = self.store.file(id).await?.ok_or_else(not_found)?;
        if self.may_read_file(actor, &file).await? {
            Ok(file)
        } else {
            Err(not_found())
        }
    }

    /// Checks files about to be attached on a board of `org`: each exists in that
    /// organization and `actor` may read it.
    pub(super) async fn check_attachable(
        &self,
        actor: &Actor,
        org: OrgId,
        files: &[FileId],
        field: &str,
    ) -> Result<(), ApiError> {
        for id in files {
            let file = self.store.file(*id).await?.filter(|f| f.org_id == org);
            let readable = match &file {
                Some(f) => self.may_read_file(actor, f).await?,
                None => false,
            };
            if !readable {
                return Err(ApiError::validation(
                    field,
                    "unknown_file",
                    format!("no uploaded file {id} that you can see (upload it with POST /api/v1/files first)"),
                )
                .with_details(ErrorDetails {
                    file_id: Some(id.to_string()),
                    ..ErrorDetails::rule(field, "unknown_file")
                }));
            }
        }
        Ok(())
    }

    /// Checks the file cells of a write (see [`BoardService::check_attachable`]).
    pub(super) async fn check_file_cells(
        &self,
        actor: &Actor,
        org: OrgId,
        columns: &[Column],
        values: &[(ColumnId, Option<CellValue>)],
    ) -> Result<(), ApiError> {
        for (id, value) in values {
            let Some(CellValue::Files(files)) = value else { continue };
            if columns.iter().any(|c| c.id == *id) {
                self.check_attachable(actor, org, files, &format!("values.{id}")).await?;
            }
        }
        Ok(())
    }
}
