//! Drafts in the vault: made from a template, opened, autosaved, listed, duplicated, and
//! taken out of the Drafts list. One never planned is deleted with its scans; one that has
//! been, or may have been, sent to a provider is archived instead: hidden from the list's
//! default view, kept whole (its plans and the provider's ids, its scans, its audit
//! entries), so nothing that stops it being sent twice is ever lost.

use branchdesk_domain::draft::{Draft, PartyKind, Provider};
use branchdesk_vault::{
    AuditOutcome, AuditRecord, DraftFilter, DraftId, DraftInput, DraftState, MaskedTaxId, Vault,
};
use chrono::SecondsFormat;

use crate::people::Person;
use crate::records::{draft_id, local_time, DecisionView, DraftListItem, DraftRecord, Saved};
use crate::{Error, Result};

/// How many drafts the Drafts list shows at once, newest first; search finds the rest.
pub const DRAFT_LIST_PAGE: u32 = 100;

/// The Drafts list's filter value that shows the archived drafts.
pub const ARCHIVED: &str = "archived";

/// The audit actions that record a draft archived or brought back.
pub const DRAFT_ARCHIVED: &str = "draft.archived";
pub const DRAFT_UNARCHIVED: &str = "draft.unarchived";

/// A new draft for `provider`, with the rows the wizard shows already in place.
pub(crate) fn create(vault: &Vault, kind: PartyKind, provider: Provider) -> Result<DraftRecord> {
    let mut draft = template(kind);
    draft.provider = provider;
    let summary = vault.create_draft(&draft_input(&draft, DraftState::Draft)?)?;
    Ok(DraftRecord {
        id: summary.id.to_string(),
        draft,
        state: summary.state,
        decision: None,
    })
}

/// A new Cross River Personal draft already filled with the sample customer (the holder of
/// the example driver's licence), for a guided onboarding in Training mode.
pub(crate) fn create_sample(vault: &Vault) -> Result<DraftRecord> {
    let draft = sample();
    let summary = vault.create_draft(&draft_input(&draft, DraftState::Draft)?)?;
    Ok(DraftRecord {
        id: summary.id.to_string(),
        draft,
        state: summary.state,
        decision: None,
    })
}

pub(crate) fn get(vault: &Vault, id: &str) -> Result<DraftRecord> {
    let id = draft_id(id)?;
    let stored = vault.get_draft(id)?.ok_or(Error::NotFound)?;
    let draft: Draft = serde_json::from_value(stored.body)?;
    Ok(DraftRecord {
        id: id.to_string(),
        draft,
        state: stored.summary.state,
        decision: vault
            .decisions(id)?
            .into_iter()
            .next()
            .map(DecisionView::from),
    })
}

/// Autosave. A draft already handed to the outbox is frozen: saving it is refused so what
/// was sent and what is stored never differ.
///
/// The scans are kept as stored: they are the scan commands' to change, each storing its own
/// result, and the form's copy may predate an attach that has just finished.
pub(crate) fn save(vault: &Vault, id: &str, draft: &Draft) -> Result<Saved> {
    let (_, summary) = update(vault, id, |stored| {
        let scans = std::mem::take(&mut stored.scans);
        *stored = draft.clone();
        stored.scans = scans;
        Ok(())
    })?;
    Ok(Saved {
        saved_at: local_time(summary.updated_at),
    })
}

/// Changes a stored draft with no other write in between ([`Vault::update_draft`]), so
/// changes made at once (two slots filled together, a slot while the form autosaves) all
/// stay. Refused as [`save`] is once the draft is in the outbox. `change` sees the draft as
/// stored now and must only compute.
pub(crate) fn update(
    vault: &Vault,
    id: &str,
    change: impl FnOnce(&mut Draft) -> Result<()>,
) -> Result<(Draft, branchdesk_vault::DraftSummary)> {
    let id = draft_id(id)?;
    let mut changed = None;
    let summary = vault
        .update_draft(id, |stored| -> Result<DraftInput> {
            let state = editable(stored.summary.state)?;
            let mut draft: Draft = serde_json::from_value(stored.body)?;
            change(&mut draft)?;
            let input = draft_input(&draft, state)?;
            changed = Some(draft);
            Ok(input)
        })
        .map_err(|e| match e {
            Error::Vault(branchdesk_vault::Error::DraftNotFound(_)) => Error::NotFound,
            other => other,
        })?;
    // `update_draft` returns only after running `change`, which set it.
    let draft = changed.ok_or(Error::NotFound)?;
    Ok((draft, summary))
}

/// Staff's autosave: [`save`], except that a draft awaiting its four-eyes check is withdrawn
/// from it first (a change voids the check; `by` changed it) and is a draft again.
pub(crate) fn save_by(vault: &Vault, id: &str, draft: &Draft, by: &Person) -> Result<Saved> {
    void_check(vault, id, by)?;
    save(vault, id, draft)
}

/// A change by `by` to a draft awaiting its four-eyes check withdraws it from the check
/// first: what the checker would approve is no longer what they saw.
pub(crate) fn void_check(vault: &Vault, id: &str, by: &Person) -> Result<()> {
    let draft_id = draft_id(id)?;
    if state_of(vault, draft_id)? == DraftState::AwaitingCheck {
        crate::review::decide::withdraw(vault, draft_id, by)?;
    }
    Ok(())
}

/// The draft's state, when staff may still change it (and submit it); a draft in the
/// outbox is [`Error::Frozen`].
pub(crate) fn editable_state(vault: &Vault, id: DraftId) -> Result<DraftState> {
    editable(state_of(vault, id)?)
}

fn editable(state: DraftState) -> Result<DraftState> {
    if matches!(
        state,
        DraftState::Draft | DraftState::Ready | DraftState::NeedsAttention
    ) {
        Ok(state)
    } else {
        Err(Error::Frozen)
    }
}

pub(crate) fn state_of(vault: &Vault, id: DraftId) -> Result<DraftState> {
    Ok(vault.get_draft(id)?.ok_or(Error::NotFound)?.summary.state)
}

/// The Drafts list: `state` is a draft state, empty for all, or [`ARCHIVED`] for the
/// archived drafts, which no other filter shows.
pub(crate) fn list(vault: &Vault, search: &str, state: &str) -> Result<Vec<DraftListItem>> {
    let filter = DraftFilter {
        name_contains: Some(search.trim().to_owned()).filter(|s| !s.is_empty()),
        states: state.parse::<DraftState>().ok().into_iter().collect(),
        limit: Some(DRAFT_LIST_PAGE),
        archived: Some(state == ARCHIVED),
        ..DraftFilter::default()
    };
    Ok(vault
        .list_drafts(&filter)?
        .into_iter()
        .map(|s| DraftListItem {
            id: s.id.to_string(),
            display_name: s.display_name,
            masked_tax_id: s.masked_tax_id.map(|m| m.as_str().to_owned()),
            kind: s.kind,
            provider: s.provider,
            state: s.state,
            updated_at: s.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            archived: s.archived,
        })
        .collect())
}

/// A new draft from another's form, for another customer: see [`crate::draft_copy`].
pub(crate) fn duplicate(vault: &Vault, id: &str) -> Result<DraftRecord> {
    let draft = crate::draft_copy::for_a_new_customer(get(vault, id)?.draft);
    let summary = vault.create_draft(&draft_input(&draft, DraftState::Draft)?)?;
    Ok(DraftRecord {
        id: summary.id.to_string(),
        draft,
        state: summary.state,
        decision: None,
    })
}

/// Deletes a draft never planned; the vault refuses any other in the transaction that
/// checks it ([`Error::CannotDeleteSubmitted`]: it can be archived instead).
pub(crate) fn delete(vault: &Vault, id: &str) -> Result<()> {
    match vault.delete_draft(draft_id(id)?) {
        Ok(_) => Ok(()),
        Err(error) => Err(from_vault(error)),
    }
}

/// Hides a sent draft from the Drafts list (it stays under the Archived filter), or brings
/// it back, and records who did it.
pub(crate) fn set_archived(vault: &Vault, id: &str, archived: bool, by: &Person) -> Result<()> {
    let id = draft_id(id)?;
    let changed = if archived {
        vault.archive_draft(id)
    } else {
        vault.unarchive_draft(id)
    };
    changed.map_err(from_vault)?;
    vault.append_audit(&AuditRecord {
        draft_id: Some(id),
        actor: by.actor(),
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

/// The vault's refusals as the engine's own errors, in the words staff read.
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

/// The vault's record of a draft: its body and the list columns (name, masked tax id) beside
/// it, also for callers that store drafts themselves, such as an import.
pub fn draft_input(draft: &Draft, state: DraftState) -> Result<DraftInput> {
    let display_name = match draft.kind {
        PartyKind::Person => [draft.name.first.trim(), draft.name.last.trim()]
            .join(" ")
            .trim()
            .to_owned(),
        PartyKind::Company => draft.company.legal_name.trim().to_owned(),
    };
    let tax_id = draft
        .tax_ids
        .first()
        .map(|t| t.number.trim())
        .filter(|n| !n.is_empty());
    Ok(DraftInput {
        provider: draft.provider,
        kind: draft.kind,
        display_name,
        masked_tax_id: tax_id.map(MaskedTaxId::from_full),
        state,
        body: serde_json::to_value(draft)?,
    })
}

/// A new draft with the rows the wizard shows already in place, set to the usual choices.
pub fn template(kind: PartyKind) -> Draft {
    let json = match kind {
        PartyKind::Person => serde_json::json!({
            "kind": "person",
            "taxIds": [{"idType": "Ssn", "country": "US"}],
            "addresses": [{"addressType": "Home", "classification": "Residential", "isPrimary": true, "country": "US"}],
            "phones": [{"phoneType": "Mobile", "isPrimary": true}],
            "emails": [{"emailType": "Personal", "isPrimary": true}],
            "identityDocuments": [{"idType": "DriversLicense", "isPrimary": true, "issuingCountry": "US"}],
            "cos": {"riskRating": "Low"}
        }),
        PartyKind::Company => serde_json::json!({
            "kind": "company",
            "taxIds": [{"idType": "Ein", "country": "US"}],
            "addresses": [{"addressType": "Business", "classification": "Business", "isPrimary": true, "country": "US"}],
            "phones": [{"phoneType": "Work", "isPrimary": true}],
            "emails": [{"emailType": "Work", "isPrimary": true}],
            "cos": {"riskRating": "Low", "beneficialOwners": [{}]}
        }),
    };
    serde_json::from_value(json).unwrap_or_default()
}

/// The sample customer of a guided onboarding: Dana Marie Whitfield, the holder of the
/// example driver's licence (`examples/drafts/fin-drivers-licence.json`), as a Cross River
/// Personal customer with every field the rules require.
pub fn sample() -> Draft {
    let json = serde_json::json!({
        "kind": "person",
        "provider": "cos",
        "name": {"first": "Dana", "middle": "Marie", "last": "Whitfield"},
        "person": {"birthDate": "1986-02-11", "citizenshipCountry": "US"},
        "taxIds": [{"idType": "Ssn", "number": "318-40-2261", "country": "US"}],
        "addresses": [{
            "addressType": "Home", "classification": "Residential", "isPrimary": true,
            "street1": "45 Benefit Street", "city": "Providence", "state": "RI",
            "postalCode": "02903", "country": "US"
        }],
        "phones": [{"phoneType": "Mobile", "isPrimary": true, "number": "(401) 555-0142"}],
        "emails": [{"emailType": "Personal", "isPrimary": true, "address": "dana.whitfield@example.com"}],
        "identityDocuments": [{
            "idType": "DriversLicense", "isPrimary": true, "number": "W3021987",
            "issuedDate": "2022-05-03", "expiryDate": "2030-02-11",
            "issuingAuthority": "Rhode Island DMV", "issuingStateOrProvince": "RI",
            "issuingCountry": "US"
        }],
        "cos": {"riskRating": "Low"}
    });
    serde_json::from_value(json).unwrap_or_else(|_| template(PartyKind::Person))
}

/// Drops the optional rows staff left empty (the wizard shows one of each), so an unused
/// phone or email row is not an error. Only fields a person types count: the preset
/// choices (type, classification, country) do not make a row filled.
pub fn without_blank_rows(draft: &Draft) -> Draft {
    let mut d = draft.clone();
    let blank = |values: &[&str]| values.iter().all(|v| v.trim().is_empty());
    d.addresses
        .retain(|a| !blank(&[&a.street1, &a.street2, &a.city, &a.state, &a.postal_code]));
    d.phones.retain(|p| !blank(&[&p.number, &p.extension]));
    d.emails.retain(|e| !blank(&[&e.address]));
    d.identity_documents.retain(|i| {
        !blank(&[
            &i.number,
            &i.issued_date,
            &i.expiry_date,
            &i.issuing_authority,
        ])
    });
    d.cos
        .beneficial_owners
        .retain(|o| !blank(&[&o.owner_customer_id, &o.title, &o.ownership_percentage]));
    d
}
