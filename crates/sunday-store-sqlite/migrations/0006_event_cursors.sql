-- Event-log consumers' cursors: how far each consumer (notifications, later automations and
-- search) has handled each board's events. Existing boards start at their current position:
-- their events were already notified when they were committed.

CREATE TABLE event_cursors (
    consumer TEXT NOT NULL,
    board_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    CONSTRAINT event_cursors_pkey PRIMARY KEY (consumer, board_id),
    CONSTRAINT event_cursors_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
INSERT INTO event_cursors (consumer, board_id, seq) SELECT 'notifications', id, last_seq FROM boards;
