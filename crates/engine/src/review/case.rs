//! One case as a reviewer sees it: every field of the draft (sensitive values masked until
//! revealed, and each reveal audited), the scans with their checks and any warning kept
//! with its reason, the case's history from the audit log (newest first), its notes and
//! decisions. Opening a case claims it for the reviewer unless someone else has it.

use branchdesk_domain::draft::{Draft, ScanSlot};
use branchdesk_vault::{AuditOutcome, AuditRecord, DraftId, DraftState, Vault};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::queue::{self, CaseSummary};
use super::store::ReviewStore;
use super::DecisionView;
use crate::activity::{ActivityEntry, ActivityQuery};
use crate::people::Person;
use crate::{Error, Result};

/// One leaf of the draft, by its path (`taxIds[0].number`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftField {
    pub path: String,
    /// Masked (`•••-••-6789`) when `sensitive`.
    pub value: String,
    pub sensitive: bool,
}

/// A note, as the case shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoteView {
    pub author: String,
    pub body: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// The case screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub summary: CaseSummary,
    pub state: DraftState,
    pub fields: Vec<DraftField>,
    pub scans: Vec<ScanSlot>,
    pub history: Vec<ActivityEntry>,
    pub notes: Vec<NoteView>,
    pub decisions: Vec<DecisionView>,
    /// The provider's results as the vault holds them (COS's checks, Fin.com's or BVNK's
    /// status); filled in by the desk, which knows the connections.
    pub submission: Option<crate::records::Submission>,
    /// Whether the signed-in person may decide it now: a reviewer who holds the claim and,
    /// for a check, is not its maker.
    pub can_decide: bool,
}

/// Keys whose values are numbers that identify a person or company: a tax id, or the
/// number of an identity document (the person's or an associate's).
fn is_sensitive(path: &str) -> bool {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let under_id = path.split(['.', '[']).any(|segment| {
        matches!(
            segment,
            "taxIds"
                | "taxId"
                | "identityDocuments"
                | "document"
                | "identifications"
                | "identification"
                | "idDocument"
        )
    });
    matches!(leaf, "ssn" | "tin" | "idNumber" | "documentNumber" | "ein")
        || (leaf == "number" && under_id)
}

fn flatten(value: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let next = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten(inner, next, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                flatten(inner, format!("{path}[{index}]"), out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(text) if text.is_empty() => {}
        serde_json::Value::String(text) => out.push((path, text.clone())),
        other => out.push((path, other.to_string())),
    }
}

/// The draft's filled fields, sensitive ones masked. Scans are shown on their own.
pub fn fields(draft: &Draft) -> Result<Vec<DraftField>> {
    let mut body = serde_json::to_value(draft)?;
    if let Some(map) = body.as_object_mut() {
        map.remove("scans");
    }
    let mut leaves = Vec::new();
    flatten(&body, String::new(), &mut leaves);
    Ok(leaves
        .into_iter()
        .map(|(path, value)| {
            let sensitive = is_sensitive(&path);
            DraftField {
                value: if sensitive {
                    branchdesk_domain::last_four(&value)
                } else {
                    value
                },
                path,
                sensitive,
            }
        })
        .collect())
}

fn find_case(vault: &Vault, store: &dyn ReviewStore, draft: DraftId) -> Result<CaseSummary> {
    queue::cases(vault, store)?
        .into_iter()
        .find(|c| c.draft_id == draft.to_string())
        .ok_or(Error::NotInQueue)
}

fn audit(draft: DraftId, person: &Person, action: &str, facts: serde_json::Value) -> AuditRecord {
    AuditRecord {
        draft_id: Some(draft),
        actor: person.actor(),
        action: action.to_owned(),
        provider: None,
        endpoint: None,
        status: None,
        provider_ids: facts,
        outcome: AuditOutcome::Success,
    }
}

/// Opens a case: claims it for `person` when nobody else has it (a reviewer only), and
/// shows it either way.
pub fn open(
    vault: &Vault,
    store: &dyn ReviewStore,
    draft: DraftId,
    person: &Person,
) -> Result<Case> {
    let mut summary = find_case(vault, store, draft)?;
    if person.role.reviews() && summary.claimed_by.is_none() {
        let record = audit(draft, person, "review.claimed", serde_json::json!({}));
        let claim = store.claim(draft, &person.name, false, &record)?;
        summary.claimed_by = Some(claim.reviewer);
    }
    show(vault, store, draft, person, summary)
}

/// The case as it stands, without claiming it (the CLI's `review show`).
pub fn view(
    vault: &Vault,
    store: &dyn ReviewStore,
    draft: DraftId,
    person: &Person,
) -> Result<Case> {
    let summary = find_case(vault, store, draft)?;
    show(vault, store, draft, person, summary)
}

fn show(
    vault: &Vault,
    store: &dyn ReviewStore,
    draft: DraftId,
    person: &Person,
    summary: CaseSummary,
) -> Result<Case> {
    let stored = vault.get_draft(draft)?.ok_or(Error::NotFound)?;
    let body: Draft = serde_json::from_value(stored.body)?;
    let id = draft.to_string();
    let history = crate::activity::page(
        vault,
        &ActivityQuery {
            draft: Some(&id),
            ..ActivityQuery::default()
        },
    )?
    .entries;
    let is_maker = summary.reason == super::Reason::AwaitingCheck
        && summary
            .detail
            .first()
            .is_some_and(|maker| maker.eq_ignore_ascii_case(&person.name));
    let can_decide = person.role.reviews()
        && summary.claimed_by.as_deref() == Some(person.name.as_str())
        && !is_maker
        && summary.reason != super::Reason::UnknownOutcome;
    Ok(Case {
        state: stored.summary.state,
        fields: fields(&body)?,
        scans: body.scans,
        history,
        notes: store
            .notes(draft)?
            .into_iter()
            .map(|n| NoteView {
                author: n.author,
                body: n.body,
                at: n.at.to_rfc3339(),
            })
            .collect(),
        decisions: store
            .decisions(draft)?
            .into_iter()
            .map(DecisionView::from)
            .collect(),
        can_decide,
        summary,
        submission: None,
    })
}

/// A sensitive value in full, for a reviewer; the reveal is audited (which field, not its
/// value).
pub fn reveal(vault: &Vault, draft: DraftId, path: &str, person: &Person) -> Result<String> {
    person.require_reviewer()?;
    let stored = vault.get_draft(draft)?.ok_or(Error::NotFound)?;
    let body: Draft = serde_json::from_value(stored.body)?;
    let mut leaves = Vec::new();
    let mut value = serde_json::to_value(&body)?;
    if let Some(map) = value.as_object_mut() {
        map.remove("scans");
    }
    flatten(&value, String::new(), &mut leaves);
    let found = leaves
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, v)| v)
        .ok_or(Error::NotFound)?;
    vault.append_audit(&audit(
        draft,
        person,
        "review.revealed",
        serde_json::json!({ "field": path }),
    ))?;
    Ok(found)
}

/// Adds a note to a case; notes are never edited.
pub fn add_note(
    store: &dyn ReviewStore,
    draft: DraftId,
    person: &Person,
    body: &str,
) -> Result<()> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::EmptyNote);
    }
    let record = audit(draft, person, "review.note", serde_json::json!({}));
    store.add_note(draft, &person.name, body, &record)
}

/// An admin releases someone's claim on a case.
pub fn release(store: &dyn ReviewStore, draft: DraftId, admin: &Person) -> Result<bool> {
    admin.require_admin()?;
    let record = audit(draft, admin, "review.released", serde_json::json!({}));
    store.release(draft, &record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_identify_someone_are_masked_and_phone_numbers_are_not() {
        assert!(is_sensitive("taxIds[0].number"));
        assert!(is_sensitive("fin.identification.number"));
        assert!(is_sensitive("identityDocuments[0].number"));
        assert!(is_sensitive("associates[0].document.number"));
        assert!(is_sensitive("associates[1].taxId.number"));
        assert!(!is_sensitive("phones[0].number"));
        assert!(!is_sensitive("name.first"));
    }
}
