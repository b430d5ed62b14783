-- Automations and outbound webhooks. Automations: recipes per board (trigger, conditions and actions kept as one JSON document,
-- validated when saved) and the log of their runs. Each event an automation's action writes
-- names the run that wrote it (board_events.cause), so a run caused by another run knows its
-- chain and loops are stopped.

ALTER TABLE board_events ADD COLUMN cause TEXT;

CREATE TABLE automations (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    name TEXT NOT NULL,
    recipe TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    paused_reason TEXT,
    failures BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT automations_pkey PRIMARY KEY (id),
    CONSTRAINT automations_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX automations_board_idx ON automations (board_id, created_at, id);

CREATE TABLE automation_runs (
    id TEXT NOT NULL,
    automation_id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    item_id TEXT,
    event_seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    CONSTRAINT automation_runs_pkey PRIMARY KEY (id),
    CONSTRAINT automation_runs_automation_fk FOREIGN KEY (automation_id) REFERENCES automations (id) ON DELETE CASCADE
);
CREATE INDEX automation_runs_automation_idx ON automation_runs (automation_id, started_at, id);
CREATE INDEX automation_runs_item_idx ON automation_runs (item_id, started_at, id);

-- Outbound webhooks: a board's subscriptions (the secret signs each delivery) and one row per
-- event and subscription. A delivery is enqueued with the consumer's cursor (exactly once),
-- claimed by one sender at a time (claim, claimed_until) and retried until delivered or dead.
CREATE TABLE webhooks (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT webhooks_pkey PRIMARY KEY (id),
    CONSTRAINT webhooks_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX webhooks_board_idx ON webhooks (board_id, created_at, id);

CREATE TABLE webhook_deliveries (
    id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claim TEXT,
    claimed_until BIGINT NOT NULL,
    last_status BIGINT,
    last_error TEXT,
    latency_ms BIGINT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id),
    CONSTRAINT webhook_deliveries_webhook_fk FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
    CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'dead'))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at, id);
CREATE INDEX webhook_deliveries_claim_idx ON webhook_deliveries (claim);

-- The new consumers start at each board's current end, as the notifier did: recipes and
-- subscriptions answer changes made after them, not a board's history.
INSERT INTO event_cursors (consumer, board_id, seq) SELECT 'automations', id, last_seq FROM boards;
INSERT INTO event_cursors (consumer, board_id, seq) SELECT 'webhooks', id, last_seq FROM boards;
