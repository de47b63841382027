//! How a draft leaves the Drafts list. One never planned is deleted with its scans; one
//! that has been, or may have been, sent to a provider is archived instead: hidden from the
//! list's default view, kept whole (its plans and the provider's ids, its scans, its audit
//! entries), so nothing that stops it being sent twice is ever lost.

use branchdesk_vault::{Actor, AuditOutcome, AuditRecord, DraftId, Vault};

use crate::desk::{draft_id, staff_member};
use crate::{Desk, Error, Result};

/// The Drafts list's filter value that shows the archived drafts.
pub const ARCHIVED: &str = "archived";

/// The audit actions that record a draft archived or brought back.
pub const DRAFT_ARCHIVED: &str = "draft.archived";
pub const DRAFT_UNARCHIVED: &str = "draft.unarchived";

/// Deletes a draft never planned; the vault refuses any other in the transaction that
/// checks it, and the refusal becomes the engine's own error.
pub(crate) fn delete(vault: &Vault, id: DraftId) -> Result<()> {
    match vault.delete_draft(id) {
        Ok(_) => Ok(()),
        Err(error) => Err(from_vault(error)),
    }
}

fn from_vault(error: branchdesk_vault::Error) -> Error {
    match error {
        branchdesk_vault::Error::DeleteRefused { state, .. } => {
            Error::CannotDeleteSubmitted(state.as_str().replace('_', " "))
        }
        branchdesk_vault::Error::ArchiveRefused { state, .. } => {
            Error::CannotArchive(state.as_str().replace('_', " "))
        }
        branchdesk_vault::Error::DraftNotFound(_) => Error::NotFound,
        other => Error::Vault(other),
    }
}

impl Desk {
    /// Hides a sent draft from the Drafts list (it stays under the Archived filter), and
    /// records who did it.
    pub fn archive_draft(&self, id: &str) -> Result<()> {
        self.set_archived(id, true)
    }

    /// Brings an archived draft back into the Drafts list.
    pub fn unarchive_draft(&self, id: &str) -> Result<()> {
        self.set_archived(id, false)
    }

    fn set_archived(&self, id: &str, archived: bool) -> Result<()> {
        let id = draft_id(id)?;
        let vault = self.vault();
        let changed = if archived {
            vault.archive_draft(id)
        } else {
            vault.unarchive_draft(id)
        };
        changed.map_err(from_vault)?;
        vault.append_audit(&AuditRecord {
            draft_id: Some(id),
            actor: Actor::Staff(staff_member()),
            action: if archived {
                DRAFT_ARCHIVED
            } else {
                DRAFT_UNARCHIVED
            }
            .to_owned(),
            provider: None,
            endpoint: None,
            status: None,
            provider_ids: serde_json::json!({}),
            outcome: AuditOutcome::Success,
        })?;
        Ok(())
    }
}
