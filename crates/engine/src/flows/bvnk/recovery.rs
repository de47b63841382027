//! A BVNK create whose outcome is unknown, and what staff found about it.
//!
//! A create answered with something that is neither a clear refusal nor a readable
//! customer (an HTML page, a cut-off body, a redirect) may or may not have made a customer
//! at BVNK. Sending it again under another key could make a second one, so the draft is
//! parked for a person: they look the customer up at BVNK by its `externalReference`
//! (every create carries one unique to the draft) and say what they found — its reference,
//! checked here with `GET /platform/v1/customers/{reference}`, or that it was not created —
//! and the plan goes on from there. Until they do, the draft is not planned again.

use branchdesk_api::bvnk::BvnkClient;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::validate::{is_guid, Issue, Severity};
use branchdesk_vault::{DraftId, Plan, Provider, Step, StepStatus, Vault};

use super::stored::external_reference_of;
use crate::records::{customer_id_refused, decision, latest_facts, StepProblem, UNKNOWN_OUTCOME};
use crate::steps::{self, StepKind};
use crate::{Error, Result};

/// The audit action that records what staff found at BVNK about a create whose outcome is
/// unknown.
pub const CUSTOMER_CHECKED: &str = "bvnk.customer_checked";

/// Whether the step's error leaves its outcome unknown and needs a person: only a create's.
pub(crate) fn needs_a_check(error: &Error, step: &Step) -> bool {
    steps::is(step, StepKind::BvnkCreateCustomer)
        && matches!(error, Error::Provider(ApiError::OutcomeUnknown { .. }))
}

/// The create of a BVNK plan that waits for a person's check, if any.
pub(crate) fn unresolved_create(plan: &Plan) -> Option<&Step> {
    if plan.provider != Provider::Bvnk {
        return None;
    }
    plan.steps.iter().find(|s| {
        s.status == StepStatus::Failed
            && steps::is(s, StepKind::BvnkCreateCustomer)
            && s.last_error
                .as_deref()
                .and_then(|e| serde_json::from_str::<StepProblem>(e).ok())
                .is_some_and(|p| p.code == UNKNOWN_OUTCOME)
    })
}

fn look_for(step: &Step) -> String {
    match external_reference_of(step) {
        Some(reference) => format!("the customer with external reference {reference}"),
        None => "this customer".to_owned(),
    }
}

/// What staff are told about a create whose outcome is unknown.
pub(crate) fn unknown_outcome_problem(step: &Step) -> StepProblem {
    StepProblem {
        code: UNKNOWN_OUTCOME.to_owned(),
        message: format!(
            "BVNK may have created this customer: its answer could not be read (it was not a \
             clear refusal or a readable success), and sending the request again could create \
             a second one. Look for {} at BVNK: if it is there, continue with its reference; \
             if it is not, say it was not created and the request is sent again.",
            look_for(step)
        ),
        field: None,
    }
}

/// Why a draft whose create may have reached BVNK is not planned again yet.
pub(crate) fn check_first(step: &Step) -> Issue {
    Issue {
        field: String::new(),
        code: UNKNOWN_OUTCOME.to_owned(),
        message: format!(
            "BVNK may already have this customer: its creation's outcome is unknown. Look for \
             {} at BVNK and say what you found before this draft is sent again.",
            look_for(step)
        ),
        severity: Severity::Error,
    }
}

/// What staff recorded about `step`: `Some(Some(reference))` the customer BVNK has,
/// `Some(None)` not created, `None` nothing yet. The latest word counts.
pub(crate) fn decision_about(vault: &Vault, step: &Step) -> Result<Option<Option<String>>> {
    let about_step =
        |facts: &serde_json::Value| facts.get("stepId").and_then(|r| r.as_i64()) == Some(step.id.0);
    let facts = latest_facts(vault, step.draft_id, CUSTOMER_CHECKED, about_step)?;
    Ok(facts.map(|facts| {
        facts
            .get("customerId")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    }))
}

/// Records what staff found at BVNK about the draft's create whose outcome is unknown, as
/// `staff`'s decision: with `reference`, the customer BVNK has — read there first, and its
/// `externalReference` must be the draft's; without, it was not created. The caller then
/// submits the draft again, and the plan goes on from what was said.
pub(crate) async fn resolve(
    vault: &Vault,
    client: &BvnkClient,
    draft: DraftId,
    reference: Option<&str>,
    staff: &str,
) -> Result<()> {
    let plan = vault.latest_plan(draft)?;
    let Some(lost) = plan.as_ref().and_then(unresolved_create) else {
        return Err(Error::NothingToResolve { provider: "BVNK" });
    };
    let reference = reference.map(str::trim).filter(|r| !r.is_empty());
    if let Some(reference) = reference {
        let refused = customer_id_refused;
        if !is_guid(reference) {
            return Err(refused(format!(
                "{reference} is not a BVNK customer reference: those look like \
                 8a0e1da2-2af3-4b9e-a221-e74db4e01b06"
            )));
        }
        let found = match client.get_customer(reference).await {
            Ok(found) => found,
            Err(ApiError::NotFound) => {
                return Err(refused(format!(
                    "BVNK has no customer {reference}: check the reference"
                )))
            }
            Err(error) => return Err(error.into()),
        };
        let expected = external_reference_of(lost);
        if expected.is_some() && found.external_reference != expected {
            return Err(refused(format!(
                "BVNK's customer {reference} has external reference {}, not this draft's {}: \
                 it is another customer",
                found.external_reference.as_deref().unwrap_or("(none)"),
                expected.as_deref().unwrap_or_default()
            )));
        }
    }
    vault.append_audit(&decision(
        draft,
        staff,
        CUSTOMER_CHECKED,
        Provider::Bvnk,
        serde_json::json!({
            "stepId": lost.id.0,
            "key": lost.idempotency_key,
            "created": reference.is_some(),
            "customerId": reference,
        }),
    ))?;
    Ok(())
}
