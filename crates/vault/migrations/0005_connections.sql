-- Provider connections: where to reach a provider and who we are there. The secret (client
-- secret or Hawk key) is never stored here, only in the OS keyring under an entry named
-- after the connection's id.
CREATE TABLE connections (
    id          TEXT PRIMARY KEY NOT NULL,
    provider    TEXT NOT NULL CHECK (provider IN ('cos', 'fin', 'bvnk')),
    environment TEXT NOT NULL CHECK (environment IN ('SANDBOX', 'PRODUCTION')),
    base_url    TEXT NOT NULL,
    auth_url    TEXT,
    client_id   TEXT,
    partner_id  TEXT,
    hawk_id     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX connections_by_provider ON connections (provider, created_at);
