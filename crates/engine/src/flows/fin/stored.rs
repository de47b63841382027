//! What Fin.com's steps store, and how a plan's stored answers are read back: the
//! customer, the terms link, the URIs of the uploaded scans, the draft as frozen.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use branchdesk_domain::draft::{Draft, ScanSlot};
use branchdesk_domain::fin as wire;
use branchdesk_vault::{NewStep, Step, StepStatus};
use serde::{Deserialize, Serialize};

use crate::steps::{self, StepKind};

/// What an upload step stores: which scan, so a retry opens the same encrypted file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadBody {
    pub slot: String,
    pub scan_id: String,
    pub file_name: String,
    pub mime: String,
    pub bytes: u64,
}

/// What a known-customer step stores: the customer an earlier plan created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KnownCustomer {
    pub customer_id: String,
    pub tos_policies_url: Option<String>,
}

/// What an uploaded step stores: a URI an earlier plan received for the same scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Uploaded {
    pub slot: String,
    pub scan_id: String,
    pub uri: String,
}

/// A Fin.com step for row `index`. Fin.com takes no idempotency key; the step's key names
/// it in logs, and the create carries its own as its `meta_data.reference`.
pub(crate) fn step(kind: StepKind, index: usize, body: Vec<u8>) -> NewStep {
    steps::new_step(kind, index, body)
}

/// The draft's scans in a fixed order, so a plan's step indexes do not depend on the
/// order staff attached them.
pub(crate) fn sorted_scans(draft: &Draft) -> Vec<&ScanSlot> {
    const ORDER: [&str; 4] = [
        wire::FRONT,
        wire::BACK,
        wire::SELFIE,
        wire::PROOF_OF_ADDRESS,
    ];
    let mut scans: Vec<&ScanSlot> = draft
        .scans
        .iter()
        .filter(|s| !s.scan_id.is_empty())
        .collect();
    scans.sort_by_key(|s| {
        ORDER
            .iter()
            .position(|o| *o == s.slot)
            .unwrap_or(ORDER.len())
    });
    scans
}

pub(crate) fn upload_body(scan: &ScanSlot) -> UploadBody {
    let (mime, extension) = match scan.format.as_str() {
        "PDF" => ("application/pdf", "pdf"),
        "PNG" => ("image/png", "png"),
        _ => ("image/jpeg", "jpg"),
    };
    // The stored file may have been converted (a TIFF, a WebP, an oversized PNG): the name
    // sent says what the bytes are, so the provider's type check agrees with it.
    let stem = Path::new(&scan.file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| scan.slot.to_lowercase());
    UploadBody {
        slot: scan.slot.clone(),
        scan_id: scan.scan_id.clone(),
        file_name: format!("{stem}.{extension}"),
        mime: mime.to_owned(),
        bytes: scan.bytes,
    }
}

fn done(steps: &[Step]) -> impl Iterator<Item = &Step> {
    steps.iter().filter(|s| s.status == StepStatus::Done)
}

/// Whether the step uploads a scan or reuses one uploaded before.
fn is_upload(step: &Step) -> bool {
    matches!(
        steps::kind_of(step),
        Some(StepKind::FinUpload | StepKind::FinUploaded)
    )
}

/// The draft as the plan froze it (the attach step's body).
pub(crate) fn frozen_draft(plan: &[Step]) -> Option<Draft> {
    plan.iter()
        .find(|s| steps::is(s, StepKind::FinAttach))
        .and_then(|s| serde_json::from_slice(&s.body).ok())
}

pub(crate) fn customer_of(plan: &[Step]) -> Option<String> {
    steps::customer_id_of(plan)
}

pub(crate) fn tos_url_of(plan: &[Step]) -> Option<String> {
    done(plan).find_map(|s| {
        s.provider_ids
            .get("tosPoliciesUrl")?
            .as_str()
            .map(str::to_owned)
    })
}

pub(crate) fn known_customer(plan: &[Step]) -> Option<KnownCustomer> {
    Some(KnownCustomer {
        customer_id: customer_of(plan)?,
        tos_policies_url: tos_url_of(plan),
    })
}

/// Slot → URI of the scans this plan has uploaded (or reused).
pub(crate) fn uris_of(plan: &[Step]) -> BTreeMap<String, String> {
    done(plan)
        .filter(|s| is_upload(s))
        .filter_map(|s| {
            Some((
                s.provider_ids.get("slot")?.as_str()?.to_owned(),
                s.provider_ids.get("uri")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Scan id → URI of everything a plan uploaded, for the next plan to reuse.
pub(crate) fn uploaded_scans(plan: &[Step]) -> HashMap<String, String> {
    done(plan)
        .filter(|s| is_upload(s))
        .filter_map(|s| {
            Some((
                s.provider_ids.get("scanId")?.as_str()?.to_owned(),
                s.provider_ids.get("uri")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Whether the plan has uploads still to do.
pub(crate) fn uploads_left(plan: &[Step]) -> bool {
    plan.iter()
        .any(|s| steps::is(s, StepKind::FinUpload) && s.status != StepStatus::Done)
}

/// Whether the plan's attach is done: Fin.com has the documents.
pub(crate) fn attached(plan: &[Step]) -> bool {
    plan.iter()
        .any(|s| steps::is(s, StepKind::FinAttach) && s.status == StepStatus::Done)
}

/// Whether the plan's terms step is still open.
pub(crate) fn terms_open(plan: &[Step]) -> bool {
    plan.iter()
        .any(|s| steps::is(s, StepKind::FinTerms) && s.status != StepStatus::Done)
}
