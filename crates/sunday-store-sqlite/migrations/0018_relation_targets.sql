-- The boards each relation column links to, a row per link, written with the column: the
-- relation columns that link to a board (`relations_to`, asked by the links follower for every
-- batch of the board's events) are read by the board's id, where they were found by matching
-- the settings of every relation column of every organization as text. Derived from the
-- columns' settings, so not archived: an import or a restore rebuilds it.
CREATE TABLE relation_targets (
    target_board_id TEXT NOT NULL,
    column_id TEXT NOT NULL,
    CONSTRAINT relation_targets_pkey PRIMARY KEY (target_board_id, column_id),
    CONSTRAINT relation_targets_column_fk FOREIGN KEY (column_id) REFERENCES board_columns (id) ON DELETE CASCADE
);
CREATE INDEX relation_targets_column_idx ON relation_targets (column_id);
INSERT INTO relation_targets (target_board_id, column_id)
    SELECT DISTINCT j.value, c.id FROM board_columns c, json_each(c.settings -> 'board_ids') AS j WHERE c.type = 'board_relation';
-- Only `relations_to` read it.
DROP INDEX board_columns_relation_idx;
