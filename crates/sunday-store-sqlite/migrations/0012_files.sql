-- Uploaded files. A row is one upload (its name, who made it); its bytes are the object
-- `object_key` in the file storage, shared by every upload of the same content (same sha256)
-- in one organization, and deleted by the sweep once no row names it.
CREATE TABLE files (
    id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    object_key TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT files_pkey PRIMARY KEY (id),
    CONSTRAINT files_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE
);
CREATE INDEX files_content_idx ON files (org_id, sha256);
CREATE INDEX files_object_idx ON files (object_key);
CREATE INDEX files_created_idx ON files (created_at);

-- Which items hold which files, kept by every item and update write in the same commit: in a
-- cell (`source` is the column id) or on an update (`source` is the update id). A file is
-- served to whoever may read a board with an item that holds it.
CREATE TABLE file_refs (
    item_id TEXT NOT NULL,
    source TEXT NOT NULL,
    file_id TEXT NOT NULL,
    CONSTRAINT file_refs_pkey PRIMARY KEY (item_id, source, file_id),
    CONSTRAINT file_refs_item_fk FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE INDEX file_refs_file_idx ON file_refs (file_id);

-- Files attached to an update: a JSON list of file ids.
ALTER TABLE item_updates ADD COLUMN files TEXT NOT NULL DEFAULT '[]';
