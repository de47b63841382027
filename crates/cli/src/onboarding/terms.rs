//! Fin.com's terms: whether a draft waits for the customer to accept them, and `tos confirm`
//! recording that the customer did.
//!
//! `awaits_terms` and `terms_confirmed` are this tool's own reading of the plan and the audit
//! log. The engine has the same rule as `Desk::awaits_terms` and `terms_confirmation`
//! (engine `fin.rs`), which also require an unfinished `fin.terms` step; the copies here are
//! to give way to the engine's once it can answer without a connected desk.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};
use branchdesk_engine::flows::fin::TERMS_CONFIRMED;
use branchdesk_vault::{AuditFilter, DraftId, DraftState, Provider, StepStatus, Vault};

/// Whether staff have confirmed that the customer accepted Fin.com's terms for this draft.
fn terms_confirmed(vault: &Vault, id: DraftId) -> Result<bool> {
    let filter = AuditFilter {
        draft_id: Some(id),
        outcome: None,
    };
    Ok(vault
        .list_audit(&filter)?
        .iter()
        .any(|e| e.record.action == TERMS_CONFIRMED))
}

/// Whether a Fin.com plan stands at the customer's terms: Fin.com has created the customer
/// and nobody has confirmed the customer's acceptance yet.
pub(super) fn awaits_terms(vault: &Vault, id: DraftId) -> Result<bool> {
    let Some(plan) = vault.latest_plan(id)? else {
        return Ok(false);
    };
    let created = plan
        .steps
        .iter()
        .any(|s| s.status == StepStatus::Done && s.provider_ids.get("customerId").is_some());
    Ok(plan.provider == Provider::Fin && created && !terms_confirmed(vault, id)?)
}

/// `tos confirm`: the customer has read and accepted Fin.com's terms, as `staff` confirm.
pub fn confirm_terms(data_dir: Option<&Path>, id: &str, staff: &str) -> Result<ExitCode> {
    if staff.trim().is_empty() {
        bail!("say who confirms the customer's acceptance: --staff NAME");
    }
    let draft: DraftId = id
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("`{id}` is not a draft id (see `draft list`)"))?;
    let id = &draft.to_string();
    let (vault, _) = crate::store::open(data_dir)?;
    // Recording the acceptance asks no provider anything.
    let desk = crate::store::local_desk(vault)?;
    let Some(stored) = desk.vault().get_draft(draft)? else {
        bail!("there is no draft {id} (see `draft list`)");
    };
    let state = stored.summary.state;
    if !awaits_terms(desk.vault(), draft)? {
        let why = if terms_confirmed(desk.vault(), draft)? {
            "its terms were already confirmed".to_owned()
        } else if stored.summary.provider != Provider::Fin {
            format!(
                "it goes to {}, which has no terms to accept",
                stored.summary.provider
            )
        } else if state == DraftState::Waiting || state == DraftState::Sending {
            "Fin.com has not created the customer yet: run `submit`, the terms come with it"
                .to_owned()
        } else {
            format!("it is {state}; a Fin.com draft waits for them once `submit` has created the customer")
        };
        bail!("draft {id} is not waiting for the customer to accept Fin.com's terms: {why}");
    }
    desk.confirm_terms(id, staff)?;
    println!(
        "{id}: the customer's acceptance of Fin.com's terms is recorded (confirmed by {}); `submit` sends the documents",
        staff.trim()
    );
    Ok(ExitCode::SUCCESS)
}
