-- The Drafts list's search finds a draft by its name with accents and case folded either way,
-- by the last four of its tax id, and by the customer id a provider gave it. `search_key`
-- holds the folded name and the last four, written in Rust beside the name (the folding is
-- Unicode-aware, which SQLite's lower() is not); the vault fills it for existing drafts as
-- this step runs. `customer_ids` holds the customer ids of the draft's latest plan's done
-- steps, kept current by the trigger below whenever a step is done.
ALTER TABLE drafts ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN customer_ids TEXT NOT NULL DEFAULT '';

UPDATE drafts SET customer_ids = coalesce((
    SELECT group_concat(lower(json_extract(s.provider_ids, '$.customerId')), ' ')
      FROM steps s
     WHERE s.status = 'done'
       AND s.plan_id = (SELECT p.id FROM plans p WHERE p.draft_id = drafts.id
                         ORDER BY p.planned_at DESC, p.id DESC LIMIT 1)), '');

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

-- The list searches the two new columns instead of `name_folded`; its covering index carries
-- them so the list and its search still never read the table's rows.
DROP INDEX drafts_list;
CREATE INDEX drafts_list ON drafts (updated_at DESC, id, search_key, customer_ids, provider, kind,
                                    display_name, masked_tax_id, state, created_at, archived);
