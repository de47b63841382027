//! Sending a COS step, and what staff are told when COS refuses one. Every request carries
//! the key frozen when it was planned, so a resend is the same request to COS.

use branchdesk_api::cos::CosClient;
use branchdesk_api::Error as ApiError;
use branchdesk_domain::cos::{self as wire, CosStep};
use branchdesk_vault::Step;
use serde::Serialize;

use super::compliance::CosOutcome;
use crate::records::StepProblem;
use crate::steps::{self, StepKind};
use crate::{Error, Result};

/// Sends one COS step; `customer` is the customer an earlier step of the plan created.
pub(crate) async fn send(
    cos: &CosClient,
    kind: StepKind,
    step: &Step,
    customer: Option<&str>,
) -> Result<serde_json::Value> {
    match kind {
        StepKind::CosKnownCustomer => {
            let id = String::from_utf8_lossy(&step.body).into_owned();
            let customer = cos.get_customer(&id).await?;
            return Ok(
                serde_json::json!({ "customerId": id, "outcome": CosOutcome::from(customer) }),
            );
        }
        StepKind::CosCreateCustomer => {
            let created = cos
                .create_customer(&step.body, &step.idempotency_key)
                .await?;
            let id = created.id.clone();
            return Ok(
                serde_json::json!({ "customerId": id, "outcome": CosOutcome::from(created) }),
            );
        }
        _ => {}
    }
    let customer = customer
        .ok_or_else(|| Error::PlanInconsistent("a sub-record before the customer".to_owned()))?;
    let (body, key) = (step.body.as_slice(), step.idempotency_key.as_str());
    let record = match kind {
        StepKind::CosAddress => to_value(cos.add_address(customer, body, key).await?),
        StepKind::CosPhone => to_value(cos.add_phone(customer, body, key).await?),
        StepKind::CosEmail => to_value(cos.add_email(customer, body, key).await?),
        StepKind::CosIdentification => to_value(cos.add_identification(customer, body, key).await?),
        StepKind::CosBeneficialOwner => {
            to_value(cos.add_beneficial_owner(customer, body, key).await?)
        }
        _ => {
            return Err(Error::PlanInconsistent(format!(
                "{} is not a COS step",
                step.kind
            )))
        }
    };
    Ok(serde_json::json!({ "id": record.get("id").cloned().unwrap_or_default() }))
}

/// A refusal from COS in staff's words, placed on the draft row the step came from.
pub(crate) fn problem(error: &Error, step: &Step) -> StepProblem {
    let index = StepKind::parse(&step.kind).map(|(_, i)| i).unwrap_or(0);
    let cos_step = match steps::kind_of(step) {
        Some(StepKind::CosAddress) => CosStep::Address(index),
        Some(StepKind::CosPhone) => CosStep::Phone(index),
        Some(StepKind::CosEmail) => CosStep::Email(index),
        Some(StepKind::CosIdentification) => CosStep::Identification(index),
        Some(StepKind::CosBeneficialOwner) => CosStep::BeneficialOwner(index),
        _ => CosStep::Create { tax_id: 0 },
    };
    match error {
        Error::Provider(ApiError::Rejected { errors, .. }) => StepProblem {
            code: "rejected".to_owned(),
            message: error.to_string(),
            field: errors
                .iter()
                .find_map(|e| wire::draft_field_of_error(e, cos_step)),
        },
        Error::Provider(ApiError::Auth { .. }) => StepProblem {
            code: "credentials".to_owned(),
            message: error.to_string(),
            field: None,
        },
        _ => StepProblem {
            code: "internal".to_owned(),
            message: error.to_string(),
            field: None,
        },
    }
}

fn to_value<T: Serialize>(record: T) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_default()
}
