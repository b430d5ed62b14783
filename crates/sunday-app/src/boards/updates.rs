//! Updates: comments on items with replies and `@[user_id]` mentions, edited and deleted by
//! their author.

use sunday_domain::text::{mentions, parse_update_body as parse_body};
use sunday_store::{BoardWrite, NewEvent};
use sunday_types::events::*;
use sunday_types::{
    boards::Update,
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, FileId, ItemId, UpdateId,
};

use super::BoardService;
use crate::Actor;

impl BoardService {
    /// Top-level updates, newest first, each with its replies oldest first.
    pub async fn updates(&self, actor: &Actor, item: ItemId) -> Result<Vec<Update>, ApiError> {
        self.get_item(actor, item).await?;
        let all = self.store.updates(item).await?;
        let (mut top, replies): (Vec<Update>, Vec<Update>) = all.into_iter().partition(|u| u.parent_id.is_none());
        for r in replies {
            if let Some(parent) = top.iter_mut().find(|t| Some(t.id) == r.parent_id) {
                parent.replies.push(r);
            }
        }
        top.reverse();
        Ok(top)
    }

    async fn write_update(
        &self,
        actor: &Actor,
        item: ItemId,
        parent: Option<UpdateId>,
        body: &str,
        files: &[FileId],
    ) -> Result<Update, ApiError> {
        let it = self.store.item(item).await?.ok_or_else(|| ApiError::of(ErrorCode::ItemNotFound))?;
        let access =
            self.access_for_write(actor, it.board_id).await.map_err(|_| ApiError::of(ErrorCode::ItemNotFound))?;
        access.require_content()?;
        let body = parse_body(body)?;
        let files = unique_files(files)?;
        self.check_attachable(actor, access.board.org_id, &files, "files").await?;
        let mut mentioned = vec![];
        for u in mentions(&body) {
            if self.directory.role_in(access.board.org_id, u).await?.is_some() {
                mentioned.push(u);
            }
        }
        let update = Update {
            id: UpdateId::new(),
            item_id: item,
            board_id: it.board_id,
            parent_id: parent,
            author: actor.user_id,
            body,
            mentions: mentioned,
            created_at: to_datetime(now_millis()),
            edited_at: None,
            files,
            replies: vec![],
        };
        let event = NewEvent::new(actor.user_id, BoardChange::UpdatePosted(UpdateChanged { update: update.clone() }));
        self.commit(it.board_id, vec![BoardWrite::InsertUpdate(update.clone())], vec![event]).await?;
        Ok(update)
    }

    pub async fn post_update(
        &self,
        actor: &Actor,
        item: ItemId,
        body: &str,
        files: &[FileId],
    ) -> Result<Update, ApiError> {
        self.write_update(actor, item, None, body, files).await
    }

    pub async fn reply(&self, actor: &Actor, to: UpdateId, body: &str, files: &[FileId]) -> Result<Update, ApiError> {
        let parent = self.store.update(to).await?.ok_or_else(|| ApiError::of(ErrorCode::UpdateNotFound))?;
        self.get_item(actor, parent.item_id).await.map_err(|_| ApiError::of(ErrorCode::UpdateNotFound))?;
        let root = parent.parent_id.unwrap_or(parent.id);
        self.write_update(actor, parent.item_id, Some(root), body, files).await
    }

    async fn own_update(&self, actor: &Actor, id: UpdateId) -> Result<Update, ApiError> {
        let update = self.store.update(id).await?.ok_or_else(|| ApiError::of(ErrorCode::UpdateNotFound))?;
        self.get_item(actor, update.item_id).await.map_err(|_| ApiError::of(ErrorCode::UpdateNotFound))?;
        actor.require_scope(sunday_types::dto::Scope::Write)?;
        if update.author != actor.user_id {
            return Err(ApiError::new(ErrorCode::Forbidden, "only its author edits or deletes an update"));
        }
        Ok(update)
    }

    pub async fn edit_update(&self, actor: &Actor, id: UpdateId, body: &str) -> Result<Update, ApiError> {
        let current = self.own_update(actor, id).await?;
        let body = parse_body(body)?;
        let next =
            Update { mentions: mentions(&body), body, edited_at: Some(to_datetime(now_millis())), ..current.clone() };
        let event = NewEvent::new(actor.user_id, BoardChange::UpdateEdited(UpdateChanged { update: next.clone() }));
        self.commit(current.board_id, vec![BoardWrite::EditUpdate(next.clone())], vec![event]).await?;
        Ok(next)
    }

    pub async fn delete_update(&self, actor: &Actor, id: UpdateId) -> Result<(), ApiError> {
        let current = self.own_update(actor, id).await?;
        let event = NewEvent::new(
            actor.user_id,
            BoardChange::UpdateDeleted(UpdateDeleted { update_id: id, item_id: Some(current.item_id) }),
        );
        self.commit(current.board_id, vec![BoardWrite::DeleteUpdate(id)], vec![event]).await?;
        Ok(())
    }
}

/// The files of a new update: at most as many as a file cell holds, each once.
fn unique_files(files: &[FileId]) -> Result<Vec<FileId>, ApiError> {
    let max = sunday_domain::columns::FILES_MAX;
    if files.len() > max {
        return Err(ApiError::validation("files", "max_files", format!("an update holds at most {max} files")));
    }
    let mut out: Vec<FileId> = Vec::with_capacity(files.len());
    for f in files {
        if !out.contains(f) {
            out.push(*f);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunday_types::UserId;

    #[test]
    fn mentions_are_parsed_once_in_order() {
        let a = UserId::new();
        let b = UserId::new();
        let body = format!("hi @[{a}] and @[{b}], again @[{a}]; not @[nope] or @[{a}");
        assert_eq!(mentions(&body), vec![a, b]);
    }
}
