//! A COS step whose outcome is unknown, and what staff found about it.
//!
//! A COS create answered with something that is neither a clear refusal nor a readable
//! success (an HTML page from a proxy, a cut-off body, a redirect), or any step whose
//! answer never came and whose idempotency key COS has since forgotten (after 7 days), may
//! or may not have made a record at Cross River. Sending it again could make a second
//! customer, so the draft is parked for a person: they look the customer up at Cross River
//! by its `clientIdentifier` (every create carries one unique to the draft) and say what
//! they found — the customer's id, checked here with `GET /core/v1/cm/customers/{id}`, or
//! that it was not created — and the plan goes on from there. Until they do, the draft is
//! not planned again.

use branchdesk_api::Error as ApiError;
use branchdesk_domain::validate::{is_guid, Issue, Severity};
use branchdesk_vault::{DraftId, Plan, Provider, Step, StepStatus, Vault};

use branchdesk_api::cos::CosClient;

use crate::records::{customer_id_refused, decision, latest_facts, StepProblem};
use crate::steps::{self, StepKind};
use crate::{Error, Result};

/// The audit action that records what staff found at Cross River about a step whose
/// outcome is unknown.
pub const CUSTOMER_CHECKED: &str = "cos.customer_checked";

/// The problem code of a step whose outcome is unknown (shared with Fin.com's).
pub use crate::records::UNKNOWN_OUTCOME;

/// The `clientIdentifier` a COS create carries when staff gave none: unique to the draft,
/// at most 50 characters, and free of personal data, so it can be searched for at COS.
pub fn client_identifier_for(draft: DraftId) -> String {
    format!("branchdesk-{}", draft.0.simple())
}

/// What staff decided about an unknown outcome: the customer COS has, or `None` when it
/// was not created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    pub customer_id: Option<String>,
}

/// The step of a COS plan that waits for a person's check, if any.
pub(crate) fn unresolved_step(plan: &Plan) -> Option<&Step> {
    if plan.provider != Provider::Cos {
        return None;
    }
    plan.steps.iter().find(|s| {
        s.status == StepStatus::Failed
            && s.last_error
                .as_deref()
                .and_then(|e| serde_json::from_str::<StepProblem>(e).ok())
                .is_some_and(|p| p.code == UNKNOWN_OUTCOME)
    })
}

/// Whether the step is the plan's create (as opposed to a sub-record of a known customer).
pub(crate) fn is_create(step: &Step) -> bool {
    steps::is(step, StepKind::CosCreateCustomer)
}

/// The `clientIdentifier` a create step's frozen body carries.
pub(crate) fn body_client_identifier(step: &Step) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(&step.body).ok()?;
    body.get("clientIdentifier")?.as_str().map(str::to_owned)
}

/// What staff look for at Cross River.
fn look_for(step: &Step) -> String {
    match body_client_identifier(step) {
        Some(identifier) => format!("the customer with client identifier {identifier}"),
        None => "this customer".to_owned(),
    }
}

/// What staff are told about a step whose outcome is unknown.
pub(crate) fn unknown_outcome_problem(step: &Step, why: Why) -> StepProblem {
    let cause = match why {
        Why::Unreadable => {
            "Cross River's answer could not be read (it was not a clear refusal \
                            or a readable success)"
        }
        Why::KeyExpired => {
            "this step went out more than 7 days ago and Cross River's answer \
                            was never recorded; Cross River no longer recognises the request"
        }
    };
    let message = if is_create(step) {
        format!(
            "Cross River may have created this customer: {cause}, and sending the request \
             again could create a second one. Look for {}: check the customer at Cross \
             River, and if it is there, continue with its customer id; if it is not, say it \
             was not created and the request is sent again.",
            look_for(step)
        )
    } else {
        format!(
            "Cross River may have recorded this {}: {cause}. Check the customer at Cross \
             River; if it is not there, say so and the request is sent again.",
            what_the_step_adds(step)
        )
    };
    StepProblem {
        code: UNKNOWN_OUTCOME.to_owned(),
        message,
        field: None,
    }
}

/// Why a step's outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// The create's answer was neither a clear refusal nor a readable success.
    Unreadable,
    /// The answer never came and the key is older than COS keeps keys.
    KeyExpired,
}

fn what_the_step_adds(step: &Step) -> &'static str {
    match steps::kind_of(step) {
        Some(StepKind::CosAddress) => "address",
        Some(StepKind::CosPhone) => "phone number",
        Some(StepKind::CosEmail) => "e-mail address",
        Some(StepKind::CosIdentification) => "identification",
        Some(StepKind::CosBeneficialOwner) => "beneficial owner",
        _ => "record",
    }
}

/// Whether a COS step's error leaves its outcome unknown and needs a person: only a create
/// does. A sub-record carries its key, which COS keeps for 7 days, so it is resent under
/// that key like any unanswered request.
pub(crate) fn needs_a_check(error: &Error, step: &Step) -> bool {
    is_create(step) && matches!(error, Error::Provider(ApiError::OutcomeUnknown { .. }))
}

/// Why a draft whose step may have reached COS is not planned again yet.
pub(crate) fn check_first(step: &Step) -> Issue {
    Issue {
        field: String::new(),
        code: UNKNOWN_OUTCOME.to_owned(),
        message: format!(
            "Cross River may already have {}: its outcome is unknown. Check at Cross River \
             for {} and say what you found before this draft is sent again.",
            if is_create(step) {
                "this customer"
            } else {
                "this record"
            },
            look_for(step)
        ),
        severity: Severity::Error,
    }
}

/// What staff recorded about `step` (the step itself, not its key: a create sent again
/// under the same key is a new question), if anything: the latest word counts.
pub(crate) fn decision_about(vault: &Vault, step: &Step) -> Result<Option<Decision>> {
    let about_step =
        |facts: &serde_json::Value| facts.get("stepId").and_then(|r| r.as_i64()) == Some(step.id.0);
    let facts = latest_facts(vault, step.draft_id, CUSTOMER_CHECKED, about_step)?;
    Ok(facts.map(|facts| Decision {
        customer_id: facts
            .get("customerId")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    }))
}

/// Records what staff found at Cross River about the draft's COS step whose outcome is
/// unknown (the draft needs attention with [`UNKNOWN_OUTCOME`]) as `staff`'s decision: with
/// `customer_id`, the customer COS has — checked there first, and its `clientIdentifier`
/// must be the draft's; without, the record was not created. The caller then submits the
/// draft again, and the plan goes on from what was said.
pub(crate) async fn resolve(
    vault: &Vault,
    cos: &CosClient,
    draft: DraftId,
    customer_id: Option<&str>,
    staff: &str,
) -> Result<()> {
    let plan = vault.latest_plan(draft)?;
    let Some(lost) = plan.as_ref().and_then(unresolved_step) else {
        return Err(Error::NothingToResolve {
            provider: "Cross River",
        });
    };
    let customer_id = customer_id.map(str::trim).filter(|c| !c.is_empty());
    if let Some(customer) = customer_id {
        let refused = customer_id_refused;
        if !is_create(lost) {
            return Err(refused(
                "this draft's customer is already known; only say whether the record was \
                 created"
                    .to_owned(),
            ));
        }
        if !is_guid(customer) {
            return Err(refused(format!(
                "{customer} is not a Cross River customer id: those look like \
                 9052b6a5-3f09-41d1-b526-ade80104eb79"
            )));
        }
        let found = match cos.get_customer(customer).await {
            Ok(found) => found,
            Err(ApiError::Rejected { status: 404, .. } | ApiError::NotFound) => {
                return Err(refused(format!(
                    "Cross River has no customer {customer}: check the id"
                )))
            }
            Err(error) => return Err(error.into()),
        };
        let expected = body_client_identifier(lost);
        if expected.is_some() && found.client_identifier != expected {
            return Err(refused(format!(
                "Cross River's customer {customer} has client identifier {}, not this \
                 draft's {}: it is another customer",
                found.client_identifier.as_deref().unwrap_or("(none)"),
                expected.as_deref().unwrap_or_default()
            )));
        }
    }
    vault.append_audit(&decision(
        draft,
        staff,
        CUSTOMER_CHECKED,
        Provider::Cos,
        serde_json::json!({
            "stepId": lost.id.0,
            "key": lost.idempotency_key,
            "step": lost.kind,
            "created": customer_id.is_some(),
            "customerId": customer_id,
        }),
    ))?;
    Ok(())
}
