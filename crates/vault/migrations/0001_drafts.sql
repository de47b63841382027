-- Drafts: the body is whatever JSON the draft type serialises to; the columns beside it are
-- copies of what the drafts list shows and filters on, so listing never parses bodies.
CREATE TABLE drafts (
    id            TEXT PRIMARY KEY NOT NULL,
    provider      TEXT NOT NULL CHECK (provider IN ('cos', 'fin', 'bvnk')),
    kind          TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    display_name  TEXT NOT NULL,
    -- Lower-cased in Rust, which folds non-ASCII letters that SQLite's LIKE would not.
    name_folded   TEXT NOT NULL,
    masked_tax_id TEXT,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'ready', 'waiting', 'sending',
                      'needs_attention', 'submitted', 'approved', 'rejected')),
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX drafts_by_update ON drafts (updated_at DESC);
CREATE INDEX drafts_by_provider_state ON drafts (provider, state);
