//! The steps of a BVNK submission: the agreement session → its signing (once staff confirm
//! the customer accepted) → create the customer (with its associates) → one step per
//! document; or, after an earlier plan, the customer it created → its details and
//! associates as edited → the documents not yet sent. The draft's checks are the caller's;
//! their errors are reported here, after a lost create (which staff must resolve first).

use std::path::Path;

use branchdesk_domain::bvnk::bodies;
use branchdesk_domain::bvnk::slots;
use branchdesk_domain::draft::{Draft, PartyKind, ScanSlot};
use branchdesk_domain::validate::{normalised, Issue};
use branchdesk_vault::{DraftId, NewStep, Plan, Vault};

use super::connection::BvnkConnection;
use super::recovery;
use super::stored::{customer_of, sent_scans, step, DocumentBody, KnownCustomer};
use crate::steps::{json, StepKind};
use crate::{Error, Result};

/// The external reference a BVNK create carries: unique to the draft and free of personal
/// data, so the customer can be recognised at BVNK should the create's answer be lost.
pub fn external_reference_for(draft: DraftId) -> String {
    format!("branchdesk-{}", draft.0.simple())
}

pub(crate) fn plan(
    vault: &Vault,
    bvnk: &BvnkConnection,
    draft_id: DraftId,
    draft: &Draft,
    previous: Option<&Plan>,
    errors: Vec<Issue>,
) -> Result<Vec<NewStep>> {
    let mut known = previous.and_then(|p| customer_of(&p.steps));
    if let Some(lost) = previous.and_then(recovery::unresolved_create) {
        // The customer may exist: only what a person found at BVNK decides.
        match recovery::decision_about(vault, lost)? {
            Some(Some(reference)) => known = Some(reference),
            Some(None) => {}
            None => return Err(Error::Invalid(vec![recovery::check_first(lost)])),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if let Some(previous) = previous {
        bvnk.uploads.forget_cancel(previous.draft_id);
    }
    let draft = normalised(draft);
    let mut steps = Vec::new();
    let already_sent = match (&known, previous) {
        (Some(reference), Some(previous)) => {
            steps.push(step(
                StepKind::BvnkKnownCustomer,
                0,
                json(&KnownCustomer {
                    customer_id: reference.clone(),
                })?,
            ));
            if draft.kind == PartyKind::Company {
                // What staff changed goes as updates; a PUT of the same values changes nothing.
                steps.push(step(
                    StepKind::BvnkDetails,
                    0,
                    json(&bodies::details_body(&draft))?,
                ));
                steps.push(step(
                    StepKind::BvnkAssociates,
                    0,
                    json(&bodies::associates_body(&draft))?,
                ));
            }
            sent_scans(&previous.steps)
        }
        _ => {
            steps.push(step(
                StepKind::BvnkAgreementSession,
                0,
                json(&bodies::session_body(&draft))?,
            ));
            steps.push(step(StepKind::BvnkAgreementSigned, 0, Vec::new()));
            // The session's reference is filled in when the create is sent, from what the
            // session step stored: the same bytes every time the create is resent.
            let create = bodies::create_body(&draft, "", &external_reference_for(draft_id));
            steps.push(step(StepKind::BvnkCreateCustomer, 0, json(&create)?));
            Vec::new()
        }
    };
    let country = match draft.kind {
        PartyKind::Company => draft.company.tax_residence_country.clone(),
        PartyKind::Person => draft.person.citizenship_country.clone(),
    };
    for (index, needed) in slots::needed(&draft).into_iter().enumerate() {
        let Some(scan) = draft
            .scans
            .iter()
            .find(|s| s.slot == needed.slot && !s.scan_id.is_empty())
        else {
            continue;
        };
        if already_sent.contains(&scan.scan_id) {
            continue;
        }
        let country_code = match needed.associate.and_then(|i| draft.associates.get(i)) {
            Some(a) => a.document.issuing_country.clone(),
            None => country.clone(),
        };
        let body = document_body(scan, &needed, &draft, country_code);
        steps.push(step(StepKind::BvnkDocument, index, json(&body)?));
    }
    Ok(steps)
}

fn document_body(
    scan: &ScanSlot,
    needed: &slots::Needed,
    draft: &Draft,
    country_code: String,
) -> DocumentBody {
    let (mime, extension) = match scan.format.as_str() {
        "PDF" => ("application/pdf", "pdf"),
        "PNG" => ("image/png", "png"),
        _ => ("image/jpeg", "jpg"),
    };
    // The stored file may have been converted: the name sent says what the bytes are.
    let stem = Path::new(&scan.file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| needed.kind.to_lowercase());
    let description = match needed.sub_type {
        None => "Company document".to_owned(),
        Some(branchdesk_domain::bvnk::SubType::BackSide) => "Identity document, back".to_owned(),
        Some(branchdesk_domain::bvnk::SubType::FrontSide) => "Identity document, front".to_owned(),
    };
    DocumentBody {
        slot: scan.slot.clone(),
        scan_id: scan.scan_id.clone(),
        file_name: format!("{stem}.{extension}"),
        mime: mime.to_owned(),
        bytes: scan.bytes,
        associate: needed.associate,
        kind: needed.kind.clone(),
        // A company document's kind goes as its subType (INCORPORATION_CERT, …).
        sub_type: match needed.sub_type {
            Some(side) => Some(side.as_str().to_owned()),
            None => Some(draft.bvnk.company_document_type.clone()).filter(|t| !t.is_empty()),
        },
        description,
        country_code: country_code.trim().to_ascii_uppercase(),
    }
}
