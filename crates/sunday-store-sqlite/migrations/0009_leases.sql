-- Work that must run on one node of a cluster at a time (upkeep, scheduled backups) is done
-- by the holder of its lease: a node takes a free or expired lease, renews it while it works,
-- and another node takes it over once it expires (its holder died).

CREATE TABLE leases (
    name TEXT NOT NULL,
    holder TEXT NOT NULL,
    until BIGINT NOT NULL,
    CONSTRAINT leases_pkey PRIMARY KEY (name)
);
