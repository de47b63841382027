-- A draft that has been, or may have been, sent to a provider is never deleted: its outbox
-- holds the provider's ids and its audit entries the history. Staff archive it instead,
-- which only hides it from the Drafts list's default view.
ALTER TABLE drafts ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));

-- The list now filters on `archived` too; its covering index carries the column so the
-- list and its search still never read the table's rows.
DROP INDEX drafts_list;
CREATE INDEX drafts_list ON drafts (updated_at DESC, id, name_folded, provider, kind,
                                    display_name, masked_tax_id, state, created_at, archived);
