-- The boards a column's cells once came from, kept after the column stopped linking to them (a
-- relation deleted or pointed at other boards, a mirror or formula over a relation deleted):
-- the board's event log still holds those cells, and a reader who cannot see one of these
-- boards must not read them there either.
CREATE TABLE column_past_links (
    column_id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    linked_board_id TEXT NOT NULL,
    CONSTRAINT column_past_links_pkey PRIMARY KEY (column_id, linked_board_id),
    CONSTRAINT column_past_links_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX column_past_links_board_idx ON column_past_links (board_id);
