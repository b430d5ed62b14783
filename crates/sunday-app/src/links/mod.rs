//! A board's secret links: an iCal feed of its dates ([`ical`]) and inbound webhooks that
//! create or update items ([`inbound`]). A link is made by someone who may change the board's
//! structure; its token is shown once and kept only as a hash, so a leaked database does not
//! leak the URLs; deleting the link revokes it.

mod ical;
mod inbound;

use std::sync::Arc;

use serde_json::Value;
use sunday_store::{BoardWrite, Store};
use sunday_types::{
    dto::Page,
    links::{BoardLink, CreateLinkRequest, CreatedLink, InboundMapping, InboundResult, LinkKind},
    time::{now_millis, to_datetime},
    ApiError, BoardId, ErrorCode, LinkId,
};

use crate::{boards::BoardService, crypto, Actor};

/// The prefix of link tokens (`sul_…`), so a leaked one is recognisable.
const LINK_PREFIX: &str = "sul_";

#[derive(Clone)]
pub struct LinkService {
    store: Arc<dyn Store>,
    boards: BoardService,
}

fn not_found() -> ApiError {
    ApiError::of(ErrorCode::LinkNotFound)
}

impl LinkService {
    pub fn new(store: Arc<dyn Store>, boards: BoardService) -> LinkService {
        LinkService { store, boards }
    }

    /// The board's links (without their tokens), for those who may see the board.
    pub async fn list(&self, actor: &Actor, board: BoardId) -> Result<Page<BoardLink>, ApiError> {
        self.boards.access(actor, board).await?;
        Ok(Page::whole(self.store.links(board).await?))
    }

    /// Makes a link; needs the board's structure permission. The answer holds the secret path,
    /// shown this once.
    pub async fn create(&self, actor: &Actor, board: BoardId, req: CreateLinkRequest) -> Result<CreatedLink, ApiError> {
        let access = self.boards.access_for_write(actor, board).await?;
        access.require_structure()?;
        let name = sunday_domain::text::parse_name("name", &req.name, 100)?;
        let mapping = match (req.kind, req.mapping) {
            (LinkKind::Ical, None) => None,
            (LinkKind::Ical, Some(_)) => {
                return Err(ApiError::validation("mapping", "not_allowed", "an iCal feed has no mapping"))
            }
            (LinkKind::Inbound, None) => {
                return Err(ApiError::validation("mapping", "required", "an inbound webhook needs a mapping"))
            }
            (LinkKind::Inbound, Some(m)) => Some(inbound::check_mapping(&self.boards, board, m).await?),
        };
        let link = BoardLink {
            id: LinkId::new(),
            board_id: board,
            kind: req.kind,
            name,
            mapping,
            created_by: actor.user_id,
            created_at: to_datetime(now_millis()),
        };
        let token = crypto::new_token(LINK_PREFIX);
        let write = BoardWrite::InsertLink { link: Box::new(link.clone()), token_hash: crypto::hash_token(&token) };
        self.boards.commit(board, vec![write], vec![]).await?;
        let path = match link.kind {
            LinkKind::Ical => format!("/api/v1/ical/{token}.ics"),
            LinkKind::Inbound => format!("/api/v1/inbound/{token}"),
        };
        Ok(CreatedLink { link, path })
    }

    /// Revokes a link; needs the board's structure permission.
    pub async fn delete(&self, actor: &Actor, id: LinkId) -> Result<(), ApiError> {
        let link = self.store.link(id).await?.ok_or_else(not_found)?;
        let access = self.boards.access_for_write(actor, link.board_id).await.map_err(|_| not_found())?;
        access.require_structure()?;
        self.boards.commit(link.board_id, vec![BoardWrite::DeleteLink(id)], vec![]).await?;
        Ok(())
    }

    /// The link a token opens, if it is of `kind` (any other answer is `link_not_found`,
    /// the same as a wrong token).
    async fn by_token(&self, token: &str, kind: LinkKind) -> Result<BoardLink, ApiError> {
        let link = self.store.link_by_token(&crypto::hash_token(token)).await?.ok_or_else(not_found)?;
        if link.kind != kind {
            return Err(not_found());
        }
        Ok(link)
    }

    /// The `.ics` calendar of the feed's board: one event per item and date or timeline cell.
    pub async fn ical(&self, token: &str) -> Result<String, ApiError> {
        let link = self.by_token(token, LinkKind::Ical).await?;
        let board = self.store.board(link.board_id).await?.ok_or_else(not_found)?;
        let columns = self.store.columns(board.id).await?;
        let items = self.store.all_items(board.id).await?;
        Ok(ical::feed(&board, &columns, &items))
    }

    /// Creates or updates an item from an inbound body, as the Webhook actor.
    pub async fn receive(&self, token: &str, body: Value) -> Result<InboundResult, ApiError> {
        let link = self.by_token(token, LinkKind::Inbound).await?;
        let mapping: InboundMapping = link.mapping.clone().ok_or_else(not_found)?;
        inbound::receive(&self.boards, &self.store, &link, &mapping, body).await
    }
}
