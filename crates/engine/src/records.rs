//! What the engine hands its callers, and the few facts every part of it needs: a draft as
//! the wizard opens it, a submission as staff see it, a step's problem, who is at the
//! keyboard, today's date. A leaf: it imports nothing from the rest of the engine but the
//! COS result it shows.

use branchdesk_domain::draft::{Draft, PartyKind, Provider};
use branchdesk_domain::fin::CustomerStatus;
use branchdesk_domain::kinds::DraftState;
use branchdesk_domain::validate::{Issue, Severity};
use branchdesk_vault::{Actor, AuditFilter, AuditOutcome, AuditRecord, DraftId, Vault};
use chrono::{DateTime, Local, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::flows::cos::compliance::CosOutcome;
use crate::{Error, Result};

/// A stored draft as the wizard opens it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftRecord {
    pub id: String,
    pub draft: Draft,
    pub state: DraftState,
    /// The latest review decision: a send-back's marks for the maker to fix, or who
    /// approved or rejected it and why.
    #[serde(default)]
    pub decision: Option<DecisionView>,
}

/// A decision as the case and the draft show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub reviewer: String,
    /// `approve`, `reject` or `send_back`.
    pub decision: String,
    /// Why the case waited when it was decided.
    pub reason: String,
    /// One of the review's common reasons (`review::REASONS`).
    pub because: String,
    pub note: String,
    /// For a send-back: the draft fields (paths) and scan slots (`scan:SLOT`) to fix.
    pub marks: Vec<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

impl From<branchdesk_vault::ReviewDecision> for DecisionView {
    fn from(d: branchdesk_vault::ReviewDecision) -> Self {
        DecisionView {
            reviewer: d.reviewer,
            decision: d.decision,
            reason: d.reason,
            because: d.because,
            note: d.note,
            marks: d.marks,
            at: d.at.to_rfc3339(),
        }
    }
}

/// The answer to an autosave: when it was saved, in the workstation's local time.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    pub saved_at: String,
}

/// One row of the Drafts list. The tax id is masked: lists are seen over shoulders.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftListItem {
    pub id: String,
    pub display_name: String,
    pub masked_tax_id: Option<String>,
    pub kind: PartyKind,
    pub provider: Provider,
    pub state: DraftState,
    /// RFC 3339, UTC: the list shows it as a date and time in the staff's own locale.
    pub updated_at: String,
    /// Hidden from the list but under the Archived filter.
    pub archived: bool,
}

/// What went wrong with a step, placed on the draft field it concerns when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepProblem {
    pub code: String,
    pub message: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
}

/// Where a submission is: its state in words staff know, progress, and the result.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    /// A draft state, or [`AWAITING_TERMS`] while a Fin.com customer has the terms to
    /// accept.
    #[ts(type = "DraftState | \"awaiting_terms\"")]
    pub state: String,
    pub done_steps: u32,
    pub total_steps: u32,
    pub outcome: Option<CosOutcome>,
    /// For a Fin.com onboarding: the customer, the terms, and Fin.com's status.
    pub fin: Option<FinOutcome>,
    /// For a BVNK onboarding: the agreements, the customer and its associates, BVNK's status.
    pub bvnk: Option<BvnkOutcome>,
    pub error: Option<StepProblem>,
}

/// The queue as the top bar shows it.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    pub waiting: u32,
    pub sending: u32,
    pub attention: u32,
}

/// The problem code of a step whose outcome is unknown: it may have reached the provider,
/// and only a person who checked there can say (COS and Fin.com alike).
pub const UNKNOWN_OUTCOME: &str = "unknown_outcome";

/// A Fin.com submission's state while the customer has not yet accepted the terms.
pub const AWAITING_TERMS: &str = "awaiting_terms";

/// Where a Fin.com onboarding is, for staff.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FinOutcome {
    pub customer_id: String,
    /// The page where the customer reads and accepts the terms.
    pub tos_url: Option<String>,
    pub terms_accepted: bool,
    /// Fin.com's `customer_status` as last read (INCOMPLETE until documents are attached);
    /// one it does not document is kept as it came.
    #[ts(type = "FinStatus")]
    pub status: CustomerStatus,
    /// Why Fin.com wants something changed, placed on the draft's fields and scan slots.
    pub reasons: Vec<Issue>,
}

/// Where a BVNK onboarding is, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BvnkOutcome {
    /// The customer's reference, once BVNK has created it.
    pub reference: Option<String>,
    /// Whether staff have confirmed that the customer accepted BVNK's agreements.
    pub agreement_accepted: bool,
    /// BVNK's `status` (`INFO_REQUIRED`, `PENDING`, `VERIFIED`, `REJECTED`, …) as last known.
    pub status: Option<String>,
    /// The customer's `verification.status` and `verification.url`, when BVNK gives them.
    pub verification_status: Option<String>,
    pub verification_url: Option<String>,
    /// Each associate's person reference, in the draft's order.
    pub associates: Vec<Option<String>>,
}

/// Fin.com's terms for a customer: the page, as a link and a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    pub url: String,
    /// An SVG `data:` URL of the link as a QR code.
    pub qr: String,
    pub accepted: bool,
}

/// An upload's progress, as the window shows it: running totals for one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadView {
    pub draft_id: String,
    pub slot: String,
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// 1 for the first try; a retry starts again from 0 bytes.
    pub attempt: u32,
}

/// A draft id as the window and the CLI give it; one that is not a draft's is not found.
pub(crate) fn draft_id(id: &str) -> Result<DraftId> {
    uuid::Uuid::parse_str(id)
        .map(DraftId)
        .map_err(|_| Error::NotFound)
}

/// Today at the workstation: the rules' dates (an expired document, an age) are the
/// branch's.
pub(crate) fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// A time as staff read it next to the form: hours and minutes, local.
pub(crate) fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%H:%M").to_string()
}

/// Who is at the keyboard, as the operating system knows them. Staff sign-in is a later
/// addition; until then the OS account is what the audit log can name.
pub(crate) fn staff_member() -> String {
    ["USER", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "staff".to_owned())
}

/// The staff member a decision is recorded under: the name given, else the OS account.
pub(crate) fn actor_named(staff: &str) -> Actor {
    let staff = staff.trim();
    Actor::Staff(if staff.is_empty() {
        staff_member()
    } else {
        staff.to_owned()
    })
}

/// A staff member's decision about a draft, for the audit log.
pub(crate) fn decision(
    draft: DraftId,
    staff: &str,
    action: &str,
    provider: Provider,
    facts: serde_json::Value,
) -> AuditRecord {
    AuditRecord {
        draft_id: Some(draft),
        actor: actor_named(staff),
        action: action.to_owned(),
        provider: Some(provider),
        endpoint: None,
        status: None,
        provider_ids: facts,
        outcome: AuditOutcome::Success,
    }
}

/// The facts of the latest audit entry of `draft` recording `action` whose facts
/// `matches`: what a person last said about it (the latest word counts).
pub(crate) fn latest_facts(
    vault: &Vault,
    draft: DraftId,
    action: &str,
    matches: impl Fn(&serde_json::Value) -> bool,
) -> Result<Option<serde_json::Value>> {
    let filter = AuditFilter {
        draft_id: Some(draft),
        outcome: None,
    };
    Ok(vault
        .list_audit(&filter)?
        .into_iter()
        .rev()
        .find(|e| e.record.action == action && matches(&e.record.provider_ids))
        .map(|e| e.record.provider_ids))
}

/// A customer id staff gave that cannot be taken, said on its field.
pub(crate) fn customer_id_refused(message: String) -> Error {
    Error::Invalid(vec![Issue {
        field: "customerId".to_owned(),
        code: "customer_id".to_owned(),
        message,
        severity: Severity::Error,
    }])
}
