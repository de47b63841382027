//! A Fin.com create whose outcome is unknown. Fin.com has no idempotency key, so a create
//! whose answer never came — a lost answer, or a create found `sent` after a crash — is
//! never resent: it is parked for a person to check at Fin.com, by the unique
//! `meta_data.reference` the create carries, and to say what they found ([`resolve`]).

use branchdesk_api::fin::AttachPrecondition;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::fin as wire;
use branchdesk_domain::validate::{is_guid, Issue, Severity};
use branchdesk_vault::{DraftId, Provider, Step, StepStatus, Vault};

use super::connection::FinConnection;
use crate::records::{customer_id_refused, decision, latest_facts, StepProblem};
use crate::steps::{self, StepKind};
use crate::{Error, Result};

/// The audit action that records what staff found at Fin.com about a customer whose
/// creation went unanswered: the customer's id, or that it was not created.
pub const CUSTOMER_CHECKED: &str = "fin.customer_checked";

pub use crate::records::UNKNOWN_OUTCOME;

/// What staff found at Fin.com after a create whose answer was lost.
pub(crate) struct Checked {
    /// `None`: the customer was not created.
    pub customer_id: Option<String>,
    pub tos_policies_url: Option<String>,
}

/// Records what staff found at Fin.com about the draft's create whose outcome is unknown,
/// as `staff`'s decision: with `customer_id`, the customer Fin.com has (checked there
/// first); without, it was not created. The caller then submits the draft again.
pub(crate) async fn resolve(
    vault: &Vault,
    fin: &FinConnection,
    draft: DraftId,
    customer_id: Option<&str>,
    staff: &str,
) -> Result<()> {
    let plan = vault.latest_plan(draft)?;
    let Some(lost) = plan
        .as_ref()
        .filter(|p| p.provider == Provider::Fin)
        .and_then(|p| unresolved_create(&p.steps))
    else {
        return Err(Error::NothingToResolve {
            provider: "Fin.com",
        });
    };
    let reference = reference_of(lost);
    let customer_id = customer_id.map(str::trim).filter(|c| !c.is_empty());
    let mut tos_policies_url = None;
    if let Some(customer) = customer_id {
        let refused = customer_id_refused;
        if !is_guid(customer) {
            return Err(refused(format!(
                "{customer} is not a Fin.com customer id: those look like 56c41b8e-e650-4f55-94f6-26a888a9b64d"
            )));
        }
        let found = match fin.client()?.get_customer(customer).await {
            Ok(found) => found,
            Err(ApiError::NotFound) => {
                return Err(refused(format!(
                    "Fin.com has no customer {customer}: check the id"
                )))
            }
            Err(error) => return Err(error.into()),
        };
        if let Some(kind) = found
            .customer_type
            .as_deref()
            .filter(|t| !t.eq_ignore_ascii_case("INDIVIDUAL"))
        {
            return Err(refused(format!(
                "Fin.com's customer {customer} is of type {kind}, not an individual"
            )));
        }
        tos_policies_url = found.tos_policies_url;
    }
    vault.append_audit(&decision(
        draft,
        staff,
        CUSTOMER_CHECKED,
        Provider::Fin,
        serde_json::json!({
            "reference": reference,
            "created": customer_id.is_some(),
            "customerId": customer_id,
            "tosPoliciesUrl": tos_policies_url,
        }),
    ))?;
    Ok(())
}

/// What staff recorded about the create `step`, if anything: the latest word counts.
pub(crate) fn checked(vault: &Vault, step: &Step) -> Result<Option<Checked>> {
    let reference = reference_of(step);
    let about_create = |facts: &serde_json::Value| {
        facts.get("reference").and_then(|r| r.as_str()) == Some(reference.as_str())
    };
    let facts = latest_facts(vault, step.draft_id, CUSTOMER_CHECKED, about_create)?;
    Ok(facts.map(|facts| {
        let text = |key: &str| facts.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        Checked {
            customer_id: text("customerId"),
            tos_policies_url: text("tosPoliciesUrl"),
        }
    }))
}

/// A problem Fin.com answered, in the words staff need, placed on the draft when it can be.
/// `None` for errors the shared mapping already words well.
pub(crate) fn problem(error: &Error, step: &Step) -> Option<StepProblem> {
    let Error::Provider(api) = error else {
        return None;
    };
    let (code, message) = match api {
        ApiError::NotEligible(_) => ("not_eligible", error.to_string()),
        ApiError::RelianceUnavailable { .. } => ("reliance_unavailable", error.to_string()),
        ApiError::AttachInFlight => ("attach_in_flight", error.to_string()),
        ApiError::Cancelled => (
            "cancelled",
            "The upload was cancelled. Submit again to upload the file afresh.".to_owned(),
        ),
        ApiError::OutcomeUnknown { .. } => (UNKNOWN_OUTCOME, unknown_outcome_message(step)),
        ApiError::Invalid { .. } => ("rejected", error.to_string()),
        _ => return None,
    };
    Some(StepProblem {
        code: code.to_owned(),
        message,
        field: None,
    })
}

/// What staff are told about a create whose outcome is unknown: what to look for at
/// Fin.com, and the two answers they can give.
fn unknown_outcome_message(step: &Step) -> String {
    format!(
        "Fin.com may have created this customer, but its answer never arrived, and sending the \
         request again could create a second one. Check at Fin.com for {}: if it is there, \
         continue with its Fin.com customer id; if it is not, say it was not created and the \
         request is sent again.",
        look_for(step)
    )
}

/// What staff look for at Fin.com: the create's reference, when it carries one.
fn look_for(step: &Step) -> String {
    match body_reference(step) {
        Some(reference) => format!("the customer with reference {reference}"),
        None => "this customer".to_owned(),
    }
}

/// Whether resending `step` could make a second record at Fin.com: its create takes no
/// idempotency key. Such a step found `sent` when a run picks it up went out in an earlier
/// run (a crash, a stop) and may have arrived, so it is never resent.
pub(crate) fn resend_may_duplicate(step: &Step) -> bool {
    steps::is(step, StepKind::FinCreateIndividual)
}

/// The error a create found `sent` after a crash or stop stands for: its answer, if any, was
/// lost with the process.
pub(crate) fn answer_lost_with_the_process() -> Error {
    Error::Provider(ApiError::OutcomeUnknown {
        detail: "the create went out before Branchdesk stopped, and no answer was recorded"
            .to_owned(),
    })
}

/// An attach error that can follow an attach whose answer was lost: a retry meeting the
/// first attempt's work (409), Fin.com having moved on (403), or no answer at all.
pub(crate) fn answer_may_be_lost(error: &ApiError) -> bool {
    error.is_retryable()
        || matches!(
            error,
            ApiError::AttachInFlight | ApiError::NotEligible(AttachPrecondition::CustomerStatus(_))
        )
}

/// The latest plan's create, when it failed with its outcome unknown.
pub(crate) fn unresolved_create(plan: &[Step]) -> Option<&Step> {
    plan.iter().find(|s| {
        resend_may_duplicate(s)
            && s.status == StepStatus::Failed
            && s.last_error
                .as_deref()
                .and_then(|e| serde_json::from_str::<StepProblem>(e).ok())
                .is_some_and(|p| p.code == UNKNOWN_OUTCOME)
    })
}

/// The `meta_data.reference` a create step's body carries (plans made before the
/// reference was added carry none).
fn body_reference(step: &Step) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(&step.body).ok()?;
    body.get("meta_data")?
        .get(wire::REFERENCE)?
        .as_str()
        .map(str::to_owned)
}

/// What names a create in staff's decision about it: its reference, else its key.
fn reference_of(step: &Step) -> String {
    body_reference(step).unwrap_or_else(|| step.idempotency_key.clone())
}

/// Why a draft whose customer may exist at Fin.com is not submitted again yet.
pub(crate) fn check_first(step: &Step) -> Issue {
    Issue {
        field: String::new(),
        code: UNKNOWN_OUTCOME.to_owned(),
        message: format!(
            "Fin.com may already have this customer: its creation went unanswered. Check at \
             Fin.com for {} and say what you found (its customer id, or that it was not \
             created) before this draft is sent again.",
            look_for(step)
        ),
        severity: Severity::Error,
    }
}
