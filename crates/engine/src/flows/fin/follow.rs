//! A Fin.com submission after the attach: Fin.com decides in its own time, and its status
//! is followed to APPROVED, ACTION_REQUIRED (back to staff) or REJECTED.

use branchdesk_api::fin::CustomerStatus;
use branchdesk_domain::fin as wire;
use branchdesk_vault::{
    Actor, AuditOutcome, AuditRecord, DraftId, DraftState, Plan, Provider, Vault,
};

use super::connection::FinConnection;
use super::stored::{attached, customer_of, frozen_draft, tos_url_of, uris_of};
use super::terms;
use crate::records::FinOutcome;
use crate::Result;

/// The Fin.com side of a submission as the plan stored it: the customer, the terms, and
/// whether documents are attached. No request is made.
pub(crate) fn outcome(
    vault: &Vault,
    fin: &FinConnection,
    draft: DraftId,
    plan: &Plan,
    state: DraftState,
) -> Result<Option<FinOutcome>> {
    let Some(customer) = customer_of(&plan.steps) else {
        return Ok(None);
    };
    let attached = attached(&plan.steps);
    Ok(Some(FinOutcome {
        customer_id: customer,
        // Only a link that may be shown: a refused one is explained by `terms`.
        tos_url: tos_url_of(&plan.steps)
            .and_then(|url| terms::checked_url(fin, &url).ok())
            .map(String::from),
        terms_accepted: terms::confirmation(vault, draft)?.is_some(),
        // A decision is kept in the draft's state; until then, what the plan knows.
        status: match state {
            DraftState::Approved => CustomerStatus::Approved,
            DraftState::Rejected => CustomerStatus::Rejected,
            _ if attached => CustomerStatus::Processing,
            _ => CustomerStatus::Incomplete,
        },
        reasons: Vec::new(),
    }))
}

/// Once documents are attached, the status Fin.com reports now, with its reasons, and the
/// draft's state after it. A decided status moves the draft on: ACTION_REQUIRED back to
/// staff (to replace documents and submit again), APPROVED and REJECTED to their end
/// states.
pub(crate) async fn follow(
    vault: &Vault,
    fin: &FinConnection,
    draft: DraftId,
    plan: &Plan,
    state: DraftState,
    mut outcome: FinOutcome,
) -> Result<(FinOutcome, DraftState)> {
    let attached = outcome.status != CustomerStatus::Incomplete;
    let settled = matches!(state, DraftState::Approved | DraftState::Rejected);
    if !attached || settled {
        return Ok((outcome, state));
    }
    let customer = outcome.customer_id.clone();
    let Ok(client) = fin.client() else {
        return Ok((outcome, state));
    };
    // Offline, the last known state stands; the next look tries again.
    let Ok(details) = client.get_customer(&customer).await else {
        return Ok((outcome, state));
    };
    outcome.status = details.customer_status.clone();
    // Kept for the review queue, with the time Fin.com first said it.
    vault.record_provider_status(draft, Provider::Fin, details.customer_status.as_str())?;
    let record = frozen_draft(&plan.steps).unwrap_or_default();
    outcome.reasons = wire::rejection_issues(
        details.rejection_reason.as_ref(),
        &details.request_for_information,
        &uris_of(&plan.steps),
        &record,
    );
    let next = match details.customer_status {
        CustomerStatus::Approved => Some(DraftState::Approved),
        CustomerStatus::Rejected => Some(DraftState::Rejected),
        CustomerStatus::ActionRequired => Some(DraftState::NeedsAttention),
        _ => None,
    };
    let Some(next) = next.filter(|n| *n != state) else {
        return Ok((outcome, state));
    };
    vault.set_draft_state(draft, next)?;
    vault.append_audit(&AuditRecord {
        draft_id: Some(draft),
        actor: Actor::System,
        action: "fin.status".to_owned(),
        provider: Some(Provider::Fin),
        endpoint: Some("GET /v2/customers/{id}".to_owned()),
        status: Some(200),
        provider_ids: serde_json::json!({
            "customerId": customer,
            "customerStatus": details.customer_status.as_str(),
        }),
        outcome: AuditOutcome::Success,
    })?;
    Ok((outcome, next))
}

/// Stops the draft's uploads: the one in flight at once, one about to start before it
/// starts. False when the draft has no uploads left to stop.
pub(crate) fn cancel_upload(vault: &Vault, fin: &FinConnection, draft: DraftId) -> Result<bool> {
    let uploads_left = vault
        .latest_plan(draft)?
        .is_some_and(|plan| super::stored::uploads_left(&plan.steps));
    if uploads_left {
        fin.uploads.cancel(draft);
    }
    Ok(uploads_left)
}
