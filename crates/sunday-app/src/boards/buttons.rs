//! Button columns: a click is an event (`button_clicked`) on the item and nothing more, so
//! recipes with a `button_clicked` trigger answer it like any change, durably.

use sunday_store::NewEvent;
use sunday_types::{
    boards::{BoardEvent, ColumnType},
    events::{BoardChange, ButtonClicked},
    ApiError, ColumnId, ErrorCode, ItemId,
};

use super::BoardService;
use crate::Actor;

impl BoardService {
    /// Clicks the button of column `column` on item `id`; needs the right to edit the
    /// board's content (a click sets recipes going). Answers the event.
    pub async fn click_button(&self, actor: &Actor, id: ItemId, column: ColumnId) -> Result<BoardEvent, ApiError> {
        let gone = || ApiError::of(ErrorCode::ItemNotFound);
        let item = self.store.item(id).await?.ok_or_else(gone)?;
        let access = self.access_for_write(actor, item.board_id).await.map_err(|_| gone())?;
        access.require_content()?;
        let columns = self.store.columns(item.board_id).await?;
        match columns.iter().find(|c| c.id == column) {
            None => return Err(ApiError::of(ErrorCode::ColumnNotFound)),
            Some(c) if c.column_type != ColumnType::Button => {
                return Err(ApiError::validation(
                    "column_id",
                    "not_a_button",
                    format!("`{}` is a {} column, not a button", c.title, c.column_type.as_str()),
                ))
            }
            Some(_) => {}
        }
        let change = BoardChange::ButtonClicked(ButtonClicked { item_id: id, column_id: column });
        let committed = self.commit(item.board_id, vec![], vec![NewEvent::new(actor.user_id, change)]).await?;
        committed.events.into_iter().next().ok_or_else(|| ApiError::internal("no event committed"))
    }
}
