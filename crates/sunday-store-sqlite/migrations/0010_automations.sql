-- Automations: recipes per board (trigger, conditions and actions kept as one JSON document,
-- validated when saved) and the log of their runs. Each event an automation's action writes
-- names the run that wrote it (board_events.cause), so a run caused by another run knows its
-- chain and loops are stopped.

ALTER TABLE board_events ADD COLUMN cause TEXT;

CREATE TABLE automations (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    name TEXT NOT NULL,
    recipe TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    paused_reason TEXT,
    failures INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT automations_pkey PRIMARY KEY (id),
    CONSTRAINT automations_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX automations_board_idx ON automations (board_id, created_at, id);

CREATE TABLE automation_runs (
    id TEXT NOT NULL,
    automation_id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    item_id TEXT,
    event_seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    CONSTRAINT automation_runs_pkey PRIMARY KEY (id),
    CONSTRAINT automation_runs_automation_fk FOREIGN KEY (automation_id) REFERENCES automations (id) ON DELETE CASCADE
);
CREATE INDEX automation_runs_automation_idx ON automation_runs (automation_id, started_at, id);
CREATE INDEX automation_runs_item_idx ON automation_runs (item_id, started_at, id);
