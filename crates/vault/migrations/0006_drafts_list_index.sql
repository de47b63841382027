-- The Drafts list and its name search read only the summary columns, newest first. Table
-- rows carry each draft's whole body, so a search that walked them decrypted most of the
-- table; this index holds every column the list reads, in the list's order, so a search
-- walks only its small pages and stops at the page's last match. It starts with the columns
-- of `drafts_by_update`, which it replaces.
CREATE INDEX drafts_list ON drafts (updated_at DESC, id, name_folded, provider, kind,
                                    display_name, masked_tax_id, state, created_at);

DROP INDEX drafts_by_update;
