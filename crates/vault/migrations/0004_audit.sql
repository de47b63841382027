-- The audit log: append-only and hash-chained. Each entry's hash covers the previous
-- entry's hash and its own content; `audit_head` remembers the last one, so entries cut
-- off the end are noticed too. It records what was done, never to whom: no names, tax
-- ids or document numbers, only draft ids and providers' opaque ids.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    draft_id     TEXT,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    provider     TEXT,
    endpoint     TEXT,
    status       INTEGER,
    provider_ids TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
) STRICT;

CREATE INDEX audit_by_draft ON audit_log (draft_id, seq);

CREATE TABLE audit_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
) STRICT;

-- A slip in application code cannot rewrite history; deliberate tampering has to drop
-- these first, and the hash chain then shows it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
