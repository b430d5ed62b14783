-- An Idempotency-Key is reserved inside the commit of the work it guards (status and response
-- still NULL) and answered once the work is done, so identical requests racing do the work
-- once. SQLite cannot drop NOT NULL in place: the table is rebuilt under the same names.

CREATE TABLE idempotency_keys_next (
    user_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    created_at INTEGER NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, idem_key),
    CONSTRAINT idempotency_keys_answer_check CHECK ((status IS NULL) = (response IS NULL))
);
INSERT INTO idempotency_keys_next (user_id, idem_key, request_hash, status, response, created_at)
    SELECT user_id, idem_key, request_hash, status, response, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_next RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
