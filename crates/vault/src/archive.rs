//! Archiving: how a draft that has been, or may have been, sent to a provider leaves the
//! Drafts list. It is never deleted — its plans keep the provider's ids and the outbox that
//! stops it being sent twice, its audit entries keep the history, its scans what was sent —
//! so archiving only sets a flag the list filters on.

use rusqlite::{params, Connection, OptionalExtension};

use crate::types::column;
use crate::{DraftId, DraftState, Error, Result, Vault};

/// The states of a draft that has never been planned: the only ones that may be deleted,
/// and the ones that are deleted rather than archived.
pub const NEVER_PLANNED: [DraftState; 2] = [DraftState::Draft, DraftState::Ready];

/// Whether a draft may be deleted: `None` when it may (or does not exist), else the state
/// that forbids it. A draft in a never-planned state that has a plan all the same (a
/// submit interrupted half way, say) is refused too: the plan is what counts.
pub(crate) fn delete_refusal_in(conn: &Connection, id: DraftId) -> Result<Option<DraftState>> {
    let Some((state, planned)) = state_and_plans_in(conn, id)? else {
        return Ok(None);
    };
    Ok((!NEVER_PLANNED.contains(&state) || planned).then_some(state))
}

fn state_and_plans_in(conn: &Connection, id: DraftId) -> Result<Option<(DraftState, bool)>> {
    Ok(conn
        .prepare_cached(
            "SELECT state, EXISTS (SELECT 1 FROM plans WHERE draft_id = ?1)
             FROM drafts WHERE id = ?1",
        )?
        .query_row([id.to_string()], |row| {
            Ok((column::<DraftState>(row, 0)?, row.get::<_, bool>(1)?))
        })
        .optional()?)
}

impl Vault {
    /// Hides a draft from the Drafts list's default view, keeping everything it has. Only
    /// for a draft that has been planned and is not being sent right now: one never planned
    /// is deleted instead, and one `waiting` or `sending` is archived once that ends, so
    /// work in flight never disappears from view ([`Error::ArchiveRefused`]).
    pub fn archive_draft(&self, id: DraftId) -> Result<()> {
        self.set_archived(id, true)
    }

    /// Puts an archived draft back in the Drafts list's default view.
    pub fn unarchive_draft(&self, id: DraftId) -> Result<()> {
        self.set_archived(id, false)
    }

    fn set_archived(&self, id: DraftId, archived: bool) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (state, planned) = state_and_plans_in(&tx, id)?.ok_or(Error::DraftNotFound(id))?;
        if archived {
            let never_sent = NEVER_PLANNED.contains(&state) && !planned;
            let in_flight = matches!(state, DraftState::Waiting | DraftState::Sending);
            if never_sent || in_flight {
                return Err(Error::ArchiveRefused { draft: id, state });
            }
        }
        // `updated_at` is left alone: archiving changes where a draft is listed, not the
        // draft, and the list's order stays that of the drafts' own changes.
        tx.prepare_cached("UPDATE drafts SET archived = ?2 WHERE id = ?1")?
            .execute(params![id.to_string(), archived])?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{DraftFilter, MemoryStore};

    /// The database as the release before people and the review left it (schema 10).
    pub(crate) const UNDO_PEOPLE_AND_REVIEW: &str = "DROP TABLE plan_holds;
         DROP TABLE staff;
         DROP TABLE desk_settings;
         DROP TABLE review_claims;
         DROP TABLE review_notes;
         DROP TABLE review_decisions;
         DROP TABLE provider_status;
         ALTER TABLE plans DROP COLUMN held;";

    /// The database as the release before archiving left it (schema version 7).
    pub(crate) const UNDO_ARCHIVED: &str = "DROP TRIGGER drafts_customer_ids;
         DROP INDEX drafts_list;
         ALTER TABLE drafts DROP COLUMN customer_ids;
         ALTER TABLE drafts DROP COLUMN search_key;
         ALTER TABLE drafts DROP COLUMN archived;
         CREATE INDEX drafts_list ON drafts (updated_at DESC, id, name_folded, provider, kind,
                                             display_name, masked_tax_id, state, created_at);";

    #[test]
    fn drafts_stored_before_archiving_existed_are_listed_as_not_archived() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let id = {
            let vault = Vault::open(dir.path(), &secrets).unwrap();
            let id = vault
                .create_draft(&crate::DraftInput {
                    provider: crate::Provider::Cos,
                    kind: crate::PartyKind::Person,
                    display_name: "Ada".to_owned(),
                    masked_tax_id: None,
                    state: DraftState::Submitted,
                    body: serde_json::json!({}),
                })
                .unwrap()
                .id;
            vault
                .raw()
                .execute_batch(&format!(
                    "{UNDO_PEOPLE_AND_REVIEW} DROP TABLE audit_anchor; {UNDO_ARCHIVED}
                     PRAGMA user_version = 7;"
                ))
                .unwrap();
            id
        };
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let listed = vault
            .list_drafts(&DraftFilter {
                archived: Some(false),
                ..DraftFilter::default()
            })
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, id);
        assert!(!listed[0].archived);
        vault.archive_draft(id).unwrap();
        assert!(vault.get_draft(id).unwrap().unwrap().summary.archived);
    }
}
