//! The steps of a COS submission: the customer (created, or the one COS already has), then
//! each address, phone, e-mail, identification and beneficial owner under its own
//! idempotency key. A resubmission keeps the key of every unchanged step and leaves out what
//! is already done.

use std::time::Duration;

use branchdesk_domain::cos as wire;
use branchdesk_domain::draft::Draft;
use branchdesk_vault::{DraftId, NewStep, Plan, StepStatus, Vault};

use super::recovery;
use crate::records::today;
use crate::steps::{customer_id_of, json, jsons, new_step, reuse_key, StepKind};
use crate::{Error, Result};

/// The steps of a COS submission of `draft` (blank rows already left out).
pub(crate) fn plan(
    vault: &Vault,
    partner_id: &str,
    key_retention: Duration,
    draft_id: DraftId,
    draft: &Draft,
    previous: Option<&Plan>,
) -> Result<(Draft, Vec<NewStep>)> {
    let mut known_customer = previous.and_then(|plan| customer_id_of(&plan.steps));
    if let Some(lost) = previous.and_then(recovery::unresolved_step) {
        // The record may exist at COS: only what a person found there decides.
        match recovery::decision_about(vault, lost)? {
            Some(decision) => known_customer = decision.customer_id.or(known_customer),
            None => return Err(Error::Invalid(vec![recovery::check_first(lost)])),
        }
    }
    // Every create carries an identifier unique to the draft, so that a customer whose
    // creation went unanswered can be found at COS.
    let mut draft = draft.clone();
    if draft.cos.client_identifier.trim().is_empty() {
        draft.cos.client_identifier = recovery::client_identifier_for(draft_id);
    }
    let onboarding = wire::onboarding(partner_id, &draft, today())?;
    let mut steps = Vec::new();
    match known_customer {
        Some(customer) => steps.push(new_step(
            StepKind::CosKnownCustomer,
            0,
            customer.into_bytes(),
        )),
        None => {
            let name = StepKind::CosCreateCustomer.with_index(0);
            let body = json(&onboarding.customer)?;
            // The same create again keeps its key, so COS answers a repeat with the customer
            // it made the first time instead of making a second one.
            steps.push(NewStep {
                idempotency_key: reuse_key(previous, &name, &body, key_retention),
                kind: name,
                body,
            });
        }
    }
    let done_before = |kind: &str, body: &[u8]| {
        previous.is_some_and(|plan| {
            plan.steps
                .iter()
                .any(|s| s.kind == kind && s.body == body && s.status == StepStatus::Done)
        })
    };
    let rows = [
        (StepKind::CosAddress, jsons(&onboarding.addresses)?),
        (StepKind::CosPhone, jsons(&onboarding.phones)?),
        (StepKind::CosEmail, jsons(&onboarding.emails)?),
        (
            StepKind::CosIdentification,
            jsons(&onboarding.identifications)?,
        ),
        (
            StepKind::CosBeneficialOwner,
            jsons(&onboarding.beneficial_owners)?,
        ),
    ];
    for (kind, bodies) in rows {
        for (index, body) in bodies.into_iter().enumerate() {
            let name = kind.with_index(index);
            if !done_before(&name, &body) {
                steps.push(NewStep {
                    idempotency_key: reuse_key(previous, &name, &body, key_retention),
                    kind: name,
                    body,
                });
            }
        }
    }
    Ok((draft, steps))
}
