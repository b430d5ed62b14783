-- A board's structure version moves with every group and column write, in the same commit;
-- a write whose values were validated against the columns can require it unchanged.

ALTER TABLE boards ADD COLUMN structure_version BIGINT NOT NULL DEFAULT 0;
