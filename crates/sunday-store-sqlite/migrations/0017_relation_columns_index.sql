-- The relation columns that link to a board (`relations_to`, asked by the links follower for
-- every batch of the board's events) were found by reading every column of every board: on a
-- node holding 5,000 boards that was a quarter of its CPU while their items were edited
-- (BENCHMARKS.md). This index holds the relation columns alone.
CREATE INDEX board_columns_relation_idx ON board_columns (type) WHERE type = 'board_relation';
