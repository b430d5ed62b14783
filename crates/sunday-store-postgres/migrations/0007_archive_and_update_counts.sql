-- The archive screen lists a board's archived items in board order, and each row shows how
-- many updates its item has: both read by board.

CREATE INDEX items_board_archived_idx ON items (board_id, position, id) WHERE archived_at IS NOT NULL;
CREATE INDEX item_updates_board_idx ON item_updates (board_id, item_id);
