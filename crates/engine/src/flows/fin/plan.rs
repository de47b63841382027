//! The steps of a Fin.com submission: create the customer (or reuse the one an earlier
//! plan created) → the terms → upload each scan (or reuse its URI) → attach the documents.
//! The draft's checks are the caller's; their errors are reported here, after a lost
//! create (which staff must resolve first).

use std::collections::BTreeMap;

use branchdesk_domain::draft::Draft;
use branchdesk_domain::fin::{self as wire, FinAttachConfig};
use branchdesk_domain::validate::Issue;
use branchdesk_vault::{NewStep, Plan, Vault};

use super::connection::FinConnection;
use super::recovery::{self, Checked};
use super::stored::{
    known_customer, sorted_scans, step, upload_body, uploaded_scans, KnownCustomer, Uploaded,
};
use crate::records::today;
use crate::steps::{json, StepKind};
use crate::{Error, Result};

/// The steps of a Fin.com submission; `errors` are the draft's own. After an earlier plan, the customer it created is
/// reused, and every scan it uploaded and that has not changed keeps its URI.
pub(crate) fn plan(
    vault: &Vault,
    fin: &FinConnection,
    draft: &Draft,
    previous: Option<&Plan>,
    errors: Vec<Issue>,
) -> Result<Vec<NewStep>> {
    let mut known = previous.and_then(|plan| known_customer(&plan.steps));
    if let Some(lost) = previous.and_then(|plan| recovery::unresolved_create(&plan.steps)) {
        // The customer may exist: only what a person found at Fin.com decides.
        match recovery::checked(vault, lost)? {
            Some(Checked {
                customer_id: Some(customer_id),
                tos_policies_url,
            }) => {
                known = Some(KnownCustomer {
                    customer_id,
                    tos_policies_url,
                })
            }
            Some(_) => {}
            None => return Err(Error::Invalid(vec![recovery::check_first(lost)])),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if let Some(previous) = previous {
        fin.uploads.forget_cancel(previous.draft_id);
    }
    let mut steps = Vec::new();
    match known {
        Some(known) => steps.push(step(StepKind::FinKnownCustomer, 0, json(&known)?)),
        None => {
            // The create's key is its reference at Fin.com: unique, fixed now, and nothing
            // about the customer.
            let mut create = step(StepKind::FinCreateIndividual, 0, Vec::new());
            let body =
                wire::create_individual(draft, today())?.with_reference(&create.idempotency_key);
            create.body = json(&body)?;
            steps.push(create);
        }
    }
    steps.push(step(StepKind::FinTerms, 0, Vec::new()));
    let earlier = previous
        .map(|p| uploaded_scans(&p.steps))
        .unwrap_or_default();
    for (index, scan) in sorted_scans(draft).into_iter().enumerate() {
        match earlier.get(&scan.scan_id) {
            Some(uri) => steps.push(step(
                StepKind::FinUploaded,
                index,
                json(&Uploaded {
                    slot: scan.slot.clone(),
                    scan_id: scan.scan_id.clone(),
                    uri: uri.clone(),
                })?,
            )),
            None => steps.push(step(StepKind::FinUpload, index, json(&upload_body(scan))?)),
        }
    }
    // The attach is rebuilt from this frozen draft and the URIs the plan stores, so a
    // resend after a restart is the same request.
    steps.push(step(StepKind::FinAttach, 0, json(draft)?));
    Ok(steps)
}

/// The attach's own rules (which scans each document needs, the licence's state, …)
/// checked before anything is sent, with stand-in URIs, so a missing BACK is caught before
/// the customer is created rather than after the uploads.
pub(crate) fn document_issues(draft: &Draft, attach: FinAttachConfig) -> Vec<Issue> {
    let stand_ins: BTreeMap<String, String> = sorted_scans(draft)
        .iter()
        .map(|s| (s.slot.clone(), format!("/pending/{}", s.slot)))
        .collect();
    wire::attach_documents(draft, &stand_ins, attach, "INCOMPLETE", "pending", today())
        .err()
        .unwrap_or_default()
}
