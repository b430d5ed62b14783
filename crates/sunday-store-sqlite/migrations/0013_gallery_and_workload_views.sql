-- Gallery views, and workload views ahead of their coming (one rebuild of the table, not
-- two). SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the
-- wider one under the same names (no other table refers to it).
CREATE TABLE board_views_widened (
    id TEXT NOT NULL,
    board_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    filter TEXT,
    sort TEXT,
    group_by TEXT,
    hidden_columns TEXT NOT NULL,
    settings TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT board_views_pkey PRIMARY KEY (id),
    CONSTRAINT board_views_board_fk FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE,
    CONSTRAINT board_views_type_check
        CHECK (type IN ('table', 'kanban', 'calendar', 'timeline', 'chart', 'form', 'gallery', 'workload'))
);
INSERT INTO board_views_widened
    (id, board_id, name, type, filter, sort, group_by, hidden_columns, settings, version, created_by, created_at,
     updated_at)
SELECT id, board_id, name, type, filter, sort, group_by, hidden_columns, settings, version, created_by, created_at,
       updated_at
FROM board_views;
DROP TABLE board_views;
ALTER TABLE board_views_widened RENAME TO board_views;
CREATE INDEX board_views_board_idx ON board_views (board_id, created_at);
