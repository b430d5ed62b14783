-- An Idempotency-Key is reserved inside the commit of the work it guards (status and response
-- still NULL) and answered once the work is done, so identical requests racing do the work
-- once.

ALTER TABLE idempotency_keys
    ALTER COLUMN status DROP NOT NULL,
    ALTER COLUMN response DROP NOT NULL,
    ADD CONSTRAINT idempotency_keys_answer_check CHECK ((status IS NULL) = (response IS NULL));
