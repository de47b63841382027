//! What the outbox holds for a run: the drafts with work left, and the repair of a draft a
//! crash left marked as sent without a plan. The app's runner and the CLI's `submit` read
//! the queue the same way.

use branchdesk_vault::{DraftFilter, DraftId, DraftState, StepStatus, Vault};

use crate::flows::{bvnk, fin};
use crate::Result;

/// Whether the draft waits for its customer to accept the provider's terms (Fin.com's terms,
/// BVNK's agreements).
pub fn awaits_customer(vault: &Vault, id: DraftId) -> Result<bool> {
    Ok(fin::terms::awaits(vault, id)? || bvnk::agreement::awaits(vault, id)?)
}

/// The drafts in any of `states`.
pub fn drafts_in(vault: &Vault, states: &[DraftState]) -> Result<Vec<DraftId>> {
    let filter = DraftFilter {
        states: states.to_vec(),
        ..DraftFilter::default()
    };
    Ok(vault
        .list_drafts(&filter)?
        .into_iter()
        .map(|d| d.id)
        .collect())
}

/// Drafts a run should look at: those with a step to send, and those whose every step is
/// done but which a crash stopped before they were marked submitted. A draft waiting for
/// the customer's terms is left alone until they are confirmed: running it would only find
/// it waiting again.
pub fn runnable(vault: &Vault) -> Result<Vec<DraftId>> {
    let mut drafts = Vec::new();
    for id in vault.drafts_with_pending_work()? {
        if !awaits_customer(vault, id)? {
            drafts.push(id);
        }
    }
    for id in drafts_in(vault, &[DraftState::Waiting, DraftState::Sending])? {
        if drafts.contains(&id) || awaits_customer(vault, id)? {
            continue;
        }
        let finished = vault
            .latest_plan(id)?
            .is_some_and(|p| p.steps.iter().all(|s| s.status == StepStatus::Done));
        if finished {
            drafts.push(id);
        }
    }
    Ok(drafts)
}

/// A draft marked waiting (or sending) with no plan stored was never planned: a crash
/// between the two, in a version that wrote them apart. It is simply ready again.
pub fn recover_unplanned(vault: &Vault) -> Result<()> {
    for id in drafts_in(vault, &[DraftState::Waiting, DraftState::Sending])? {
        if vault.latest_plan(id)?.is_none() {
            vault.set_draft_state(id, DraftState::Ready)?;
        }
    }
    Ok(())
}
