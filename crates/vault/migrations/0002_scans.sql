-- Scans: the ciphertext lives in `scans/<id>.bin`; the row says whose it is. Deleting a
-- draft deletes its rows here, and the vault then removes the files.
CREATE TABLE scans (
    id         TEXT PRIMARY KEY NOT NULL,
    draft_id   TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX scans_by_draft ON scans (draft_id, created_at);
