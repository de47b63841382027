-- People at the desk and the review of their work.
--
-- A draft can now await a four-eyes check, a state the old CHECK constraint refuses; SQLite
-- cannot alter a constraint, so the table is rebuilt as its documented procedure says (the
-- vault runs migrations with foreign keys off and checks them before committing). The
-- trigger on steps that names `drafts` is dropped first and made again after, since a
-- rename is refused while a trigger names a missing table.
DROP TRIGGER drafts_customer_ids;

CREATE TABLE drafts_next (
    id            TEXT PRIMARY KEY NOT NULL,
    provider      TEXT NOT NULL CHECK (provider IN ('cos', 'fin', 'bvnk')),
    kind          TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    display_name  TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    masked_tax_id TEXT,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'ready', 'waiting', 'sending',
                      'needs_attention', 'awaiting_check', 'submitted', 'approved',
                      'rejected')),
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    search_key    TEXT NOT NULL DEFAULT '',
    customer_ids  TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO drafts_next (id, provider, kind, display_name, name_folded, masked_tax_id, state,
                         body, created_at, updated_at, archived, search_key, customer_ids)
SELECT id, provider, kind, display_name, name_folded, masked_tax_id, state,
       body, created_at, updated_at, archived, search_key, customer_ids
  FROM drafts;

DROP TABLE drafts;
ALTER TABLE drafts_next RENAME TO drafts;

CREATE INDEX drafts_by_provider_state ON drafts (provider, state);
CREATE INDEX drafts_list ON drafts (updated_at DESC, id, search_key, customer_ids, provider, kind,
                                    display_name, masked_tax_id, state, created_at, archived);

CREATE TRIGGER drafts_customer_ids AFTER UPDATE OF status, provider_ids ON steps
WHEN NEW.status = 'done'
BEGIN
    UPDATE drafts SET customer_ids = coalesce((
        SELECT group_concat(lower(json_extract(s.provider_ids, '$.customerId')), ' ')
          FROM steps s
         WHERE s.status = 'done'
           AND s.plan_id = (SELECT p.id FROM plans p WHERE p.draft_id = NEW.draft_id
                             ORDER BY p.planned_at DESC, p.id DESC LIMIT 1)), '')
     WHERE id = NEW.draft_id;
END;

-- A plan held for a four-eyes check: stored whole, keys and all, so the reviewer checks
-- exactly what will be sent, but none of its steps is sent until the hold is lifted.
ALTER TABLE plans ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));

CREATE TABLE plan_holds (
    plan_id      TEXT PRIMARY KEY NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    draft_id     TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    maker        TEXT NOT NULL,
    -- SHA-256 of the draft's body as submitted: an approval of anything else is refused.
    digest       TEXT NOT NULL,
    requested_at TEXT NOT NULL
) STRICT;

-- Staff profiles. The PIN is kept only as an Argon2id hash (PHC string); NULL only for
-- Training's ready profile. `name_folded` keeps two people from sharing a name by case.
CREATE TABLE staff (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('staff', 'reviewer', 'admin')),
    pin_hash     TEXT,
    disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_pins  INTEGER NOT NULL DEFAULT 0 CHECK (failed_pins >= 0),
    locked_until TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

-- The desk's own settings that rules depend on (maker-checker per environment): kept here,
-- beside the audit log that records each change, not in a file anyone can edit.
CREATE TABLE desk_settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The review queue's own records, one case a draft.
CREATE TABLE review_claims (
    draft_id   TEXT PRIMARY KEY NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    reviewer   TEXT NOT NULL,
    claimed_at TEXT NOT NULL
) STRICT;

CREATE TABLE review_notes (
    id       INTEGER PRIMARY KEY,
    draft_id TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    author   TEXT NOT NULL,
    body     TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;

CREATE INDEX review_notes_by_draft ON review_notes (draft_id, id);

-- Notes are evidence: never edited.
CREATE TRIGGER review_notes_append_only BEFORE UPDATE ON review_notes
BEGIN
    SELECT RAISE(ABORT, 'review notes are never edited');
END;

CREATE TABLE review_decisions (
    id       INTEGER PRIMARY KEY,
    draft_id TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    reviewer TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'send_back')),
    -- Why the case waited when it was decided (awaiting_check, compliance, …).
    reason   TEXT NOT NULL,
    -- One of the common reasons' codes, and the reviewer's own words.
    because  TEXT NOT NULL,
    note     TEXT NOT NULL,
    -- For a send-back: the fields and scan slots the maker is asked to fix (JSON).
    marks    TEXT NOT NULL DEFAULT '[]',
    at       TEXT NOT NULL
) STRICT;

CREATE INDEX review_decisions_by_draft ON review_decisions (draft_id, id);

CREATE TRIGGER review_decisions_append_only BEFORE UPDATE ON review_decisions
BEGIN
    SELECT RAISE(ABORT, 'review decisions are never edited');
END;

-- What a provider last said of a customer that only a person can settle (Fin.com
-- REVIEWING / ACTION_REQUIRED, BVNK PENDING), and since when: the queue's waiting time.
CREATE TABLE provider_status (
    draft_id TEXT PRIMARY KEY NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('cos', 'fin', 'bvnk')),
    status   TEXT NOT NULL,
    since    TEXT NOT NULL
) STRICT;
