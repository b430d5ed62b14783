-- Notifications (the bell), their email preferences, and who follows which item.
-- notifications.id is byte-ordered (COLLATE "C") whatever the database collation: the bell
-- lists newest first by id and pages with `id < cursor`, as SQLite's BINARY comparison does.

CREATE TABLE notifications (
    id TEXT COLLATE "C" NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    board_id TEXT,
    item_id TEXT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    emailed_at BIGINT,
    CONSTRAINT notifications_pkey PRIMARY KEY (id),
    CONSTRAINT notifications_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_email_idx ON notifications (emailed_at, user_id);

CREATE TABLE notification_prefs (
    user_id TEXT NOT NULL,
    email_kinds TEXT NOT NULL,
    digest_minutes BIGINT NOT NULL,
    last_digest_at BIGINT NOT NULL,
    CONSTRAINT notification_prefs_pkey PRIMARY KEY (user_id),
    CONSTRAINT notification_prefs_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE item_subscriptions (
    item_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    CONSTRAINT item_subscriptions_pkey PRIMARY KEY (item_id, user_id),
    CONSTRAINT item_subscriptions_item_fk FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE,
    CONSTRAINT item_subscriptions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX item_subscriptions_user_idx ON item_subscriptions (user_id);
