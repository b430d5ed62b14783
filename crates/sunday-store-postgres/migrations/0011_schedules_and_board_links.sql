-- Scheduled recipes and a board's secret links.
--
-- A recipe with a date or periodic trigger keeps the instant up to which the scheduler has
-- handled its occurrences (scheduled_through, null for other recipes): the scheduler runs
-- the window after it and moves it in the same transaction as the runs it recorded, so a
-- crash or a downtime is caught up on the next pass.
ALTER TABLE automations ADD COLUMN scheduled_through BIGINT;
CREATE INDEX automations_scheduled_idx ON automations (scheduled_through) WHERE scheduled_through IS NOT NULL;

-- iCal feeds and inbound webhooks of a board, each reached by a secret token kept hashed.
CREATE TABLE board_links (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    mapping TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT board_links_pkey PRIMARY KEY (id),
    CONSTRAINT board_links_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE,
    CONSTRAINT board_links_kind_check CHECK (kind IN ('ical', 'inbound'))
);
CREATE UNIQUE INDEX board_links_token_key ON board_links (token_hash);
CREATE INDEX board_links_board_idx ON board_links (board_id, created_at, id);
