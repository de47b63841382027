//! Decisions: maker-checker (a held plan approved by someone other than its maker goes to
//! the outbox as it was checked; any change voids the check), and approve / reject / send
//! back on every case, each with a reason and in the audit log. A BVNK customer's approval
//! or rejection goes to BVNK (`PUT …/status`) through the outbox, exactly once; for COS and
//! Fin.com the decision is Branchdesk's own record.

use branchdesk_domain::kinds::Provider;
use branchdesk_vault::{
    AuditOutcome, AuditRecord, DraftId, DraftState, NewDecision, NewStep, Vault,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::queue::{self, Reason};
use super::store::ReviewStore;
use crate::people::Person;
use crate::steps::StepKind;
use crate::{Error, Result};

/// What a reviewer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Approve,
    Reject,
    SendBack,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Approve => "approve",
            DecisionKind::Reject => "reject",
            DecisionKind::SendBack => "send_back",
        }
    }
}

/// A decision with its reason: one of [`super::REASONS`] and the reviewer's own words (both
/// required to reject or send back), and for a send-back the draft fields (paths) and scan
/// slots (`scan:SLOT`) the maker is to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub kind: DecisionKind,
    #[serde(default)]
    pub because: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub marks: Vec<String>,
}

/// The SHA-256 of a draft body as stored: what a check is of.
pub(crate) fn digest(body: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn audit(
    draft: DraftId,
    person: &Person,
    action: &str,
    provider: Option<Provider>,
    facts: serde_json::Value,
) -> AuditRecord {
    AuditRecord {
        draft_id: Some(draft),
        actor: person.actor(),
        action: action.to_owned(),
        provider,
        endpoint: None,
        status: None,
        provider_ids: facts,
        outcome: AuditOutcome::Success,
    }
}

fn checked(decision: &Decision) -> Result<()> {
    let needs_reason = decision.kind != DecisionKind::Approve;
    let because = decision.because.trim();
    if !because.is_empty() && !super::REASONS.contains(&because) {
        return Err(Error::UnknownReason(because.to_owned()));
    }
    if needs_reason && (because.is_empty() || decision.note.trim().is_empty()) {
        return Err(Error::ReasonNeeded(match decision.kind {
            DecisionKind::Reject => "rejection",
            _ => "send-back",
        }));
    }
    if decision.kind == DecisionKind::SendBack && decision.marks.is_empty() {
        return Err(Error::MarksNeeded);
    }
    Ok(())
}

/// The maker withdraws a draft from its check to change it; the check is void. Also what
/// a change to a draft awaiting its check does first.
pub fn withdraw(store: &dyn ReviewStore, draft: DraftId, person: &Person) -> Result<()> {
    let Some(held) = store.held_plan(draft)? else {
        return Err(Error::NotInQueue);
    };
    let record = audit(
        draft,
        person,
        "check.voided",
        None,
        serde_json::json!({ "maker": held.maker }),
    );
    store.drop_hold(draft, held.plan, DraftState::Draft, &record)
}

/// Decides a case. Returns whether the outbox has new work (the runner is to wake).
pub fn decide(
    vault: &Vault,
    store: &dyn ReviewStore,
    draft: DraftId,
    reviewer: &Person,
    decision: &Decision,
) -> Result<bool> {
    reviewer.require_reviewer()?;
    checked(decision)?;
    let case = queue::cases(vault, store)?
        .into_iter()
        .find(|c| c.draft_id == draft.to_string())
        .ok_or(Error::NotInQueue)?;
    if let Some(claim) = store.claims()?.into_iter().find(|(d, _)| *d == draft) {
        if claim.1.reviewer != reviewer.name {
            return Err(Error::Vault(branchdesk_vault::Error::ClaimedBy {
                draft,
                reviewer: claim.1.reviewer,
            }));
        }
    }
    let marks = if decision.kind == DecisionKind::SendBack {
        decision.marks.clone()
    } else {
        Vec::new()
    };
    let stored = NewDecision {
        draft,
        reviewer: &reviewer.name,
        decision: decision.kind.as_str(),
        reason: case.reason.as_str(),
        because: decision.because.trim(),
        note: decision.note.trim(),
        marks: &marks,
    };
    let record = audit(
        draft,
        reviewer,
        &format!("review.{}", decision.kind.as_str()),
        Some(case.provider),
        serde_json::json!({
            "reason": case.reason.as_str(),
            "because": decision.because.trim(),
            "marks": marks,
        }),
    );
    match case.reason {
        Reason::AwaitingCheck => {
            decide_check(vault, store, draft, reviewer, decision, &stored, &record)
        }
        Reason::UnknownOutcome => Err(Error::DecisionNotAllowed(
            "a decision on an unknown outcome (check at the provider and resolve it)",
        )),
        Reason::BvnkPending if decision.kind != DecisionKind::SendBack => {
            decide_bvnk(vault, draft, reviewer, decision.kind, &stored, &record)?;
            Ok(true)
        }
        _ => {
            let state = match decision.kind {
                DecisionKind::Approve => DraftState::Approved,
                DecisionKind::Reject => DraftState::Rejected,
                DecisionKind::SendBack => DraftState::NeedsAttention,
            };
            store.record_decision(&stored, Some(state), &record)?;
            Ok(false)
        }
    }
}

/// Maker-checker: never the maker; an approval only of the draft exactly as submitted.
fn decide_check(
    vault: &Vault,
    store: &dyn ReviewStore,
    draft: DraftId,
    reviewer: &Person,
    decision: &Decision,
    stored: &NewDecision<'_>,
    record: &AuditRecord,
) -> Result<bool> {
    let held = store.held_plan(draft)?.ok_or(Error::NotInQueue)?;
    if held.maker.eq_ignore_ascii_case(&reviewer.name) {
        return Err(Error::MakerCannotApprove);
    }
    let body = vault.get_draft(draft)?.ok_or(Error::NotFound)?.body;
    match decision.kind {
        DecisionKind::Approve => {
            if digest(&body) != held.digest {
                return Err(Error::CheckVoided);
            }
            store.decide_held(stored, held.plan, false, DraftState::Waiting, record)?;
            Ok(true)
        }
        DecisionKind::Reject => {
            store.decide_held(stored, held.plan, true, DraftState::Rejected, record)?;
            Ok(false)
        }
        DecisionKind::SendBack => {
            store.decide_held(stored, held.plan, true, DraftState::Draft, record)?;
            Ok(false)
        }
    }
}

/// The body of a BVNK decision step: the status to set and who decided.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DecisionBody {
    pub status: String,
    pub reviewer: String,
}

/// A BVNK approval or rejection: the decision and a step sending it to BVNK, stored in one
/// commit under a key fixed now, so a crash before or after the request resends the same
/// request and BVNK applies it once.
fn decide_bvnk(
    vault: &Vault,
    draft: DraftId,
    reviewer: &Person,
    kind: DecisionKind,
    stored: &NewDecision<'_>,
    record: &AuditRecord,
) -> Result<()> {
    let plan = vault.latest_plan(draft)?.ok_or(Error::NotInQueue)?;
    let status = if kind == DecisionKind::Approve {
        "VERIFIED"
    } else {
        "REJECTED"
    };
    let body = DecisionBody {
        status: status.to_owned(),
        reviewer: reviewer.name.clone(),
    };
    let step = NewStep {
        kind: StepKind::BvnkDecision.with_index(plan.steps.len()),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        body: serde_json::to_vec(&body)?,
    };
    Ok(vault.decide_with_step(stored, plan.id, &step, DraftState::Waiting, record)?)
}
