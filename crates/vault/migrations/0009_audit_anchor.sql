-- Where the audit log is anchored outside the database: the id its keyring entries are
-- named after (`audit-key.<id>`, `audit-head.<id>`), and the first entry chained with the
-- keyed hash. Entries before `keyed_from` were written before the log had a key and keep
-- their unkeyed hashes.
CREATE TABLE audit_anchor (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    vault_id   TEXT NOT NULL,
    keyed_from INTEGER NOT NULL CHECK (keyed_from >= 1)
) STRICT;
