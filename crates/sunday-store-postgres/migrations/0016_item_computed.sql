-- Formula values computed in the background (a formula added to or changed on a large board),
-- kept beside their item instead of rewriting its row: writing 100,000 item rows was most of a
-- new formula's first computation. A row applies while its item is still at `version` (readers
-- lay `cells` over the item's values then); any later write of the item carries its formula
-- values itself, and the row is ignored until the next recompute replaces it.
CREATE TABLE item_computed (
    item_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    cells TEXT NOT NULL,
    CONSTRAINT item_computed_pkey PRIMARY KEY (item_id),
    CONSTRAINT item_computed_item_fk FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE
);
