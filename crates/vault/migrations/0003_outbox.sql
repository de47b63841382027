-- The submission outbox. A plan is written whole when staff press Submit; each step's body
-- and idempotency key are frozen then, so every resend is the same request.
CREATE TABLE plans (
    id         TEXT PRIMARY KEY NOT NULL,
    draft_id   TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL CHECK (provider IN ('cos', 'fin', 'bvnk')),
    planned_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX plans_by_draft ON plans (draft_id, planned_at);

CREATE TABLE steps (
    id              INTEGER PRIMARY KEY,
    plan_id         TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    draft_id        TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    provider        TEXT NOT NULL CHECK (provider IN ('cos', 'fin', 'bvnk')),
    step_index      INTEGER NOT NULL CHECK (step_index >= 0),
    kind            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body            BLOB NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT,
    provider_ids    TEXT NOT NULL DEFAULT '{}',
    planned_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (plan_id, step_index),
    UNIQUE (plan_id, idempotency_key)
) STRICT;

CREATE INDEX steps_unfinished ON steps (draft_id) WHERE status IN ('pending', 'sent');
