-- Boards, their members, groups, columns, items, the per-board event log (also the activity
-- log and the real-time outbox), item updates (comments), saved views and idempotency keys.
-- Names are identical in the PostgreSQL migrations (checked by the schema-parity test).
-- "groups" and "values" are reserved words in some SQL dialects, hence board_groups and
-- item_values. JSON documents are stored as text. Positions (fractional-index keys over
-- [0-9A-Za-z]) use the "C" collation so they sort by bytes, as in SQLite, whatever the
-- database's default collation.

CREATE TABLE boards (
    id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    default_permission TEXT NOT NULL,
    version BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    last_auto_number BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    subitem_board_id TEXT,
    parent_board_id TEXT,
    CONSTRAINT boards_pkey PRIMARY KEY (id),
    CONSTRAINT boards_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE,
    CONSTRAINT boards_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT boards_kind_check CHECK (kind IN ('public', 'private', 'shareable')),
    CONSTRAINT boards_default_permission_check CHECK (default_permission IN ('owner', 'edit_all', 'edit_content', 'view'))
);
CREATE INDEX boards_workspace_idx ON boards (workspace_id, id);
CREATE INDEX boards_org_idx ON boards (org_id, id);

CREATE TABLE board_members (
    board_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    permission TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    CONSTRAINT board_members_pkey PRIMARY KEY (board_id, user_id),
    CONSTRAINT board_members_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE,
    CONSTRAINT board_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT board_members_permission_check CHECK (permission IN ('owner', 'edit_all', 'edit_content', 'view'))
);
CREATE INDEX board_members_user_idx ON board_members (user_id);

CREATE TABLE board_groups (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    title TEXT NOT NULL,
    color TEXT NOT NULL,
    position TEXT COLLATE "C" NOT NULL,
    CONSTRAINT board_groups_pkey PRIMARY KEY (id),
    CONSTRAINT board_groups_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX board_groups_board_idx ON board_groups (board_id, position);

CREATE TABLE group_collapse (
    user_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    CONSTRAINT group_collapse_pkey PRIMARY KEY (user_id, group_id),
    CONSTRAINT group_collapse_group_fk FOREIGN KEY (group_id) REFERENCES board_groups (id) ON DELETE CASCADE,
    CONSTRAINT group_collapse_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE board_columns (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    settings TEXT NOT NULL,
    position TEXT COLLATE "C" NOT NULL,
    width BIGINT,
    CONSTRAINT board_columns_pkey PRIMARY KEY (id),
    CONSTRAINT board_columns_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX board_columns_board_idx ON board_columns (board_id, position);

CREATE TABLE items (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    parent_item_id TEXT,
    name TEXT NOT NULL,
    position TEXT COLLATE "C" NOT NULL,
    item_values TEXT NOT NULL,
    version BIGINT NOT NULL,
    auto_number BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT,
    CONSTRAINT items_pkey PRIMARY KEY (id),
    CONSTRAINT items_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX items_board_group_idx ON items (board_id, group_id, position, id);
CREATE INDEX items_board_position_idx ON items (board_id, position, id);
CREATE INDEX items_parent_idx ON items (parent_item_id);

CREATE TABLE board_events (
    board_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    item_id TEXT,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT board_events_pkey PRIMARY KEY (board_id, seq),
    CONSTRAINT board_events_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE INDEX board_events_item_idx ON board_events (item_id, seq);

CREATE TABLE item_updates (
    id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    parent_id TEXT,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    mentions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    CONSTRAINT item_updates_pkey PRIMARY KEY (id),
    CONSTRAINT item_updates_item_fk FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE INDEX item_updates_item_idx ON item_updates (item_id, created_at);

CREATE TABLE board_views (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    filter TEXT,
    sort TEXT,
    group_by TEXT,
    hidden_columns TEXT NOT NULL,
    settings TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT board_views_pkey PRIMARY KEY (id),
    CONSTRAINT board_views_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE,
    CONSTRAINT board_views_type_check CHECK (type IN ('table', 'kanban', 'calendar', 'timeline', 'chart', 'form'))
);
CREATE INDEX board_views_board_idx ON board_views (board_id, created_at);

CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
