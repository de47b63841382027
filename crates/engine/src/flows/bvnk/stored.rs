//! What BVNK's steps store, and how a plan's stored answers are read back: the agreement
//! session, the customer and its associates' references, the documents sent.

use branchdesk_vault::{NewStep, Step, StepStatus};
use serde::{Deserialize, Serialize};

use crate::steps::{self, StepKind};

/// What a document step stores: which scan, so a retry opens the same encrypted file, and
/// what BVNK is told of it. The associate's person reference is BVNK's, read from the
/// create's answer when the step is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentBody {
    pub slot: String,
    pub scan_id: String,
    pub file_name: String,
    pub mime: String,
    pub bytes: u64,
    /// The associate's index in the draft; `None` for the company or an individual.
    pub associate: Option<usize>,
    pub kind: String,
    /// The side (`FRONT_SIDE`, `BACK_SIDE`), or what a company document is.
    pub sub_type: Option<String>,
    pub description: String,
    pub country_code: String,
}

/// What a known-customer step stores: the customer an earlier plan created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KnownCustomer {
    pub customer_id: String,
}

pub(crate) fn step(kind: StepKind, index: usize, body: Vec<u8>) -> NewStep {
    steps::new_step(kind, index, body)
}

fn done(plan: &[Step], kind: StepKind) -> impl Iterator<Item = &Step> {
    plan.iter()
        .filter(move |s| s.status == StepStatus::Done && steps::is(s, kind))
}

/// The agreement session a done session step received.
pub(crate) fn session_of(plan: &[Step]) -> Option<String> {
    done(plan, StepKind::BvnkAgreementSession).find_map(|s| {
        s.provider_ids
            .get("sessionReference")?
            .as_str()
            .map(str::to_owned)
    })
}

/// The pages of the agreements the customer is to accept.
pub(crate) fn agreement_urls(plan: &[Step]) -> Vec<String> {
    done(plan, StepKind::BvnkAgreementSession)
        .flat_map(|s| {
            s.provider_ids
                .get("agreementUrls")
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Whether the plan still waits at the agreement: its signing step is not done.
pub(crate) fn agreement_open(plan: &[Step]) -> bool {
    plan.iter()
        .any(|s| steps::is(s, StepKind::BvnkAgreementSigned) && s.status != StepStatus::Done)
}

/// The customer's reference, once created (or known from an earlier plan).
pub(crate) fn customer_of(plan: &[Step]) -> Option<String> {
    steps::customer_id_of(plan)
}

/// The associates' person references BVNK gave, in the draft's order.
pub(crate) fn associates_of(plan: &[Step]) -> Vec<Option<String>> {
    // The latest answer that lists them: an associates update comes after the create.
    plan.iter()
        .rev()
        .find(|s| {
            s.status == StepStatus::Done
                && (steps::is(s, StepKind::BvnkCreateCustomer)
                    || steps::is(s, StepKind::BvnkKnownCustomer)
                    || steps::is(s, StepKind::BvnkAssociates))
        })
        .and_then(|s| s.provider_ids.get("associates")?.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The scans a done document step of an earlier plan sent, by scan id.
pub(crate) fn sent_scans(plan: &[Step]) -> Vec<String> {
    done(plan, StepKind::BvnkDocument)
        .filter_map(|s| s.provider_ids.get("scanId")?.as_str().map(str::to_owned))
        .collect()
}

/// Whether any document of the plan is still to go.
pub(crate) fn documents_left(plan: &[Step]) -> bool {
    plan.iter()
        .any(|s| steps::is(s, StepKind::BvnkDocument) && s.status != StepStatus::Done)
}

/// The draft's external reference as the create carries it.
pub(crate) fn external_reference_of(step: &Step) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(&step.body).ok()?;
    body.get("externalReference")?.as_str().map(str::to_owned)
}
