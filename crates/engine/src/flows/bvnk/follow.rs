//! A BVNK submission after its documents: BVNK decides in its own time, and the customer's
//! status is followed to VERIFIED or REJECTED.

use branchdesk_domain::bvnk::CustomerStatus;
use branchdesk_vault::{
    Actor, AuditOutcome, AuditRecord, DraftId, DraftState, Plan, Provider, Vault,
};

use super::agreement;
use super::connection::BvnkConnection;
use super::stored::{associates_of, customer_of, documents_left};
use crate::records::BvnkOutcome;
use crate::Result;

/// The BVNK side of a submission as the plan stored it. No request is made.
pub(crate) fn outcome(
    vault: &Vault,
    draft: DraftId,
    plan: &Plan,
    state: DraftState,
) -> Result<Option<BvnkOutcome>> {
    let agreement_accepted = agreement::confirmation(vault, draft)?.is_some();
    let Some(reference) = customer_of(&plan.steps) else {
        return Ok(Some(BvnkOutcome {
            reference: None,
            agreement_accepted,
            status: None,
            verification_status: None,
            verification_url: None,
            associates: Vec::new(),
        }));
    };
    let status = match state {
        DraftState::Approved => CustomerStatus::Verified,
        DraftState::Rejected => CustomerStatus::Rejected,
        _ if documents_left(&plan.steps) => CustomerStatus::InfoRequired,
        _ => CustomerStatus::Pending,
    };
    Ok(Some(BvnkOutcome {
        reference: Some(reference),
        agreement_accepted,
        status: Some(status.as_str().to_owned()),
        verification_status: None,
        verification_url: None,
        associates: associates_of(&plan.steps),
    }))
}

/// Once the customer exists and its documents are in, the status BVNK reports now, and
/// the draft's state after it: VERIFIED and REJECTED are end states.
pub(crate) async fn follow(
    vault: &Vault,
    bvnk: &BvnkConnection,
    draft: DraftId,
    plan: &Plan,
    state: DraftState,
    mut outcome: BvnkOutcome,
) -> Result<(BvnkOutcome, DraftState)> {
    let settled = matches!(state, DraftState::Approved | DraftState::Rejected);
    let Some(reference) = outcome.reference.clone() else {
        return Ok((outcome, state));
    };
    if settled || documents_left(&plan.steps) || state != DraftState::Submitted {
        return Ok((outcome, state));
    }
    let Ok(client) = bvnk.client() else {
        return Ok((outcome, state));
    };
    // Offline, the last known state stands; the next look tries again.
    let Ok(customer) = client.get_customer(&reference).await else {
        return Ok((outcome, state));
    };
    outcome.status = Some(customer.status.as_str().to_owned());
    // Kept for the review queue, with the time BVNK first said it.
    vault.record_provider_status(draft, Provider::Bvnk, customer.status.as_str())?;
    if let Some(verification) = customer.verification() {
        outcome.verification_status = verification.status.clone();
        outcome.verification_url = verification.url.clone();
    }
    let next = match customer.status {
        CustomerStatus::Verified => Some(DraftState::Approved),
        CustomerStatus::Rejected => Some(DraftState::Rejected),
        _ => None,
    };
    let Some(next) = next.filter(|n| *n != state) else {
        return Ok((outcome, state));
    };
    vault.set_draft_state(draft, next)?;
    vault.append_audit(&AuditRecord {
        draft_id: Some(draft),
        actor: Actor::System,
        action: "bvnk.status".to_owned(),
        provider: Some(Provider::Bvnk),
        endpoint: Some("GET /platform/v1/customers/{reference}".to_owned()),
        status: Some(200),
        provider_ids: serde_json::json!({
            "customerId": reference,
            "customerStatus": customer.status.as_str(),
        }),
        outcome: AuditOutcome::Success,
    })?;
    Ok((outcome, next))
}

/// Stops the draft's documents: the one in flight at once, the next before it starts.
/// False when the draft has no documents left to send.
pub(crate) fn cancel_upload(vault: &Vault, bvnk: &BvnkConnection, draft: DraftId) -> Result<bool> {
    let left = vault
        .latest_plan(draft)?
        .is_some_and(|plan| documents_left(&plan.steps));
    if left {
        bvnk.uploads.cancel(draft);
    }
    Ok(left)
}
