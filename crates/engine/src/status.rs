//! Where a submission is, as staff see it: the draft's state, its progress through the
//! plan, and the provider's result. For a submitted customer the result is asked for again
//! (the desktop stand-in for the providers' webhooks).

use branchdesk_api::cos::CosClient;
use branchdesk_vault::{DraftFilter, DraftId, DraftState, Plan, Provider, StepStatus, Vault};

use crate::drafts::state_of;
use crate::flows::bvnk::{self, BvnkConnection};
use crate::flows::cos::compliance::{self, CosOutcome};
use crate::flows::fin::{self, FinConnection};
use crate::records::{BvnkOutcome, FinOutcome, QueueSummary, Submission, AWAITING_TERMS};
use crate::Result;

/// The submission's progress; once the customer exists, its results as the provider
/// reports them now.
pub(crate) async fn submission_status(
    vault: &Vault,
    cos: &CosClient,
    fin: &FinConnection,
    bvnk: &BvnkConnection,
    draft: DraftId,
) -> Result<Submission> {
    let (mut state, plan, mut fin_outcome, mut bvnk_outcome) = read(vault, fin, draft)?;
    if let (Some(plan), Some(outcome)) = (&plan, fin_outcome.take()) {
        // The status may move the draft on (approved, back to staff).
        let (live, now) = fin::follow::follow(vault, fin, draft, plan, state, outcome).await?;
        fin_outcome = Some(live);
        state = now;
    }
    if let (Some(plan), Some(outcome)) = (&plan, bvnk_outcome.take()) {
        let (live, now) = bvnk::follow::follow(vault, bvnk, draft, plan, state, outcome).await?;
        bvnk_outcome = Some(live);
        state = now;
    }
    let kept = plan.as_ref().and_then(compliance::outcome_step);
    let mut submission = submission_of(state, plan, fin_outcome, bvnk_outcome);
    if let (Some(outcome), Some(kept)) = (submission.outcome.as_mut(), kept) {
        compliance::apply_kept(outcome, &kept.1);
        if !outcome.settled && submission.state == DraftState::Submitted.as_str() {
            compliance::follow(vault, cos, draft, kept, outcome).await?;
        }
    }
    if let Some(outcome) = submission.outcome.as_mut() {
        outcome.judge();
    }
    Ok(submission)
}

/// The submission as stored, asking no provider.
pub(crate) fn submission(vault: &Vault, fin: &FinConnection, draft: DraftId) -> Result<Submission> {
    let (state, plan, fin_outcome, bvnk_outcome) = read(vault, fin, draft)?;
    Ok(submission_of(state, plan, fin_outcome, bvnk_outcome))
}

/// How many drafts wait, are being sent, and need staff, for the top bar.
pub(crate) fn queue_summary(vault: &Vault) -> Result<QueueSummary> {
    let count = |state: DraftState| -> Result<u32> {
        let filter = DraftFilter {
            states: vec![state],
            ..DraftFilter::default()
        };
        Ok(u32::try_from(vault.list_drafts(&filter)?.len()).unwrap_or(u32::MAX))
    };
    Ok(QueueSummary {
        waiting: count(DraftState::Waiting)?,
        sending: count(DraftState::Sending)?,
        attention: count(DraftState::NeedsAttention)?,
    })
}

/// What a submission is made of, as stored: the draft's state, its latest plan, and for
/// Fin.com the customer and terms, for BVNK the agreements and the customer.
type Stored = (
    DraftState,
    Option<Plan>,
    Option<FinOutcome>,
    Option<BvnkOutcome>,
);

fn read(vault: &Vault, fin: &FinConnection, draft: DraftId) -> Result<Stored> {
    let state = state_of(vault, draft)?;
    let plan = vault.latest_plan(draft)?;
    let fin_outcome = match &plan {
        Some(plan) if plan.provider == Provider::Fin => {
            fin::follow::outcome(vault, fin, draft, plan, state)?
        }
        _ => None,
    };
    let bvnk_outcome = match &plan {
        Some(plan) if plan.provider == Provider::Bvnk => {
            bvnk::follow::outcome(vault, draft, plan, state)?
        }
        _ => None,
    };
    Ok((state, plan, fin_outcome, bvnk_outcome))
}

/// A submission as staff see it, from what is stored (and, for Fin.com, its latest look).
fn submission_of(
    state: DraftState,
    plan: Option<Plan>,
    fin: Option<FinOutcome>,
    bvnk: Option<BvnkOutcome>,
) -> Submission {
    let steps = plan.map(|p| p.steps).unwrap_or_default();
    let done = steps
        .iter()
        .filter(|s| s.status == StepStatus::Done)
        .count();
    let outcome = steps
        .iter()
        .find_map(|s| {
            serde_json::from_value::<CosOutcome>(s.provider_ids.get("outcome")?.clone()).ok()
        })
        .map(|mut outcome| {
            outcome.judge();
            outcome
        });
    let error = steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .and_then(|s| s.last_error.as_deref())
        .and_then(|e| serde_json::from_str(e).ok());
    // BVNK's agreements are waited for before the customer exists; Fin.com's terms after.
    let bvnk_waits = bvnk.as_ref().is_some_and(|b| !b.agreement_accepted)
        && steps.iter().any(|s| {
            crate::steps::is(s, crate::steps::StepKind::BvnkAgreementSession)
                && s.status == StepStatus::Done
        });
    let waits_for_terms = (fin.as_ref().is_some_and(|f| !f.terms_accepted) || bvnk_waits)
        && state == DraftState::Waiting;
    Submission {
        // Waiting on the customer, not on the network: staff have something to do.
        state: if waits_for_terms {
            AWAITING_TERMS.to_owned()
        } else {
            state.to_string()
        },
        done_steps: u32::try_from(done).unwrap_or(u32::MAX),
        total_steps: u32::try_from(steps.len()).unwrap_or(u32::MAX),
        outcome,
        fin,
        bvnk,
        error,
    }
}
