//! Planning ready drafts for the outbox, a batch at a time, once their owners are at COS.

use std::collections::HashMap;

use anyhow::{Context, Result};
use branchdesk_domain::draft::Draft;
use branchdesk_engine::people::Person;
use branchdesk_engine::steps::customer_id_of;
use branchdesk_engine::{Desk, Error as EngineError};
use branchdesk_vault::{DraftId, DraftState, Vault};

use super::owners::{map_owner_ids, owner_ids, DRAFT_PREFIX};
use crate::store::Reach;

/// What planning a ready draft came to.
pub(super) enum Planned {
    Queued,
    /// An owner is still on its way to COS.
    Deferred,
    Refused(String),
}

/// Replaces `draft:<id>` owners with their COS customer ids, if they all have one yet.
fn resolve_owners(vault: &Vault, draft: &mut Draft) -> Result<std::result::Result<(), Planned>> {
    let mut outcome = Ok(());
    for owner in owner_ids(draft) {
        let Some(id) = owner.strip_prefix(DRAFT_PREFIX) else {
            continue;
        };
        let owner_id: DraftId = id.parse()?;
        let Some(stored) = vault.get_draft(owner_id)? else {
            return Ok(Err(Planned::Refused(format!(
                "its owner draft {owner_id} no longer exists"
            ))));
        };
        match stored.summary.state {
            DraftState::Submitted | DraftState::Approved => {}
            DraftState::Ready | DraftState::Waiting | DraftState::Sending => {
                outcome = Err(Planned::Deferred);
            }
            other => {
                return Ok(Err(Planned::Refused(format!(
                    "its owner {} ({owner_id}) is {other}",
                    stored.summary.display_name
                ))))
            }
        }
    }
    if outcome.is_err() {
        return Ok(outcome);
    }
    let mut customers = HashMap::new();
    for owner in owner_ids(draft) {
        if let Some(id) = owner.strip_prefix(DRAFT_PREFIX) {
            let owner_id: DraftId = id.parse()?;
            let customer = vault
                .latest_plan(owner_id)?
                .and_then(|plan| customer_id_of(&plan.steps))
                .context("a submitted owner has no COS customer id")?;
            customers.insert(owner.to_owned(), customer);
        }
    }
    map_owner_ids(draft, |owner| customers.get(owner).cloned());
    Ok(Ok(()))
}

/// How many drafts are planned in one transaction: one disk flush each batch instead of one
/// a draft, while the vault is never held for long by one submit.
const PLAN_BATCH: usize = 100;

/// A ready draft, read and with its owners resolved, unless it cannot be sent yet.
fn prepare(desk: &Desk, reach: Reach, id: DraftId) -> Result<std::result::Result<Draft, Planned>> {
    let record = desk.get_draft(&id.to_string())?;
    let mut draft = record.draft;
    if let Some(why) = reach.refusal(draft.provider) {
        return Ok(Err(Planned::Refused(why)));
    }
    if let Err(planned) = resolve_owners(desk.vault(), &mut draft)? {
        return Ok(Err(planned));
    }
    Ok(Ok(draft))
}

/// Plans the `ready` drafts a batch at a time and hands each planned draft to `queue` as
/// soon as its batch is on disk. The first batch is as large as the drafts sent at once,
/// so sending starts at once; later ones grow to [`PLAN_BATCH`].
pub(super) fn plan_ready(
    desk: &Desk,
    reach: Reach,
    maker: Option<&Person>,
    ready: Vec<DraftId>,
    first_batch: usize,
    queue: tokio::sync::mpsc::UnboundedSender<DraftId>,
) -> Result<Vec<(DraftId, Planned)>> {
    let mut outcomes = Vec::new();
    let mut batch = Vec::new();
    let mut size = first_batch.clamp(1, PLAN_BATCH);
    let hand_over = |planned: Vec<(DraftId, Planned)>, outcomes: &mut Vec<_>| {
        for (id, outcome) in planned {
            if matches!(outcome, Planned::Queued) {
                // The runner reads until this sender is dropped.
                let _ = queue.send(id);
            }
            outcomes.push((id, outcome));
        }
    };
    for id in ready {
        match prepare(desk, reach, id)? {
            Ok(draft) => batch.push((id, draft)),
            Err(outcome) => outcomes.push((id, outcome)),
        }
        if batch.len() >= size {
            hand_over(plan_batch(desk, maker, &mut batch)?, &mut outcomes);
            size = (size * 2).min(PLAN_BATCH);
        }
    }
    hand_over(plan_batch(desk, maker, &mut batch)?, &mut outcomes);
    Ok(outcomes)
}

/// Plans the drafts of `batch` together (see [`Desk::submit_all`]), `maker` submitting
/// them (with no one signed in: the computer's user, on a desk without profiles), and
/// empties it.
fn plan_batch(
    desk: &Desk,
    maker: Option<&Person>,
    batch: &mut Vec<(DraftId, Draft)>,
) -> Result<Vec<(DraftId, Planned)>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let by = desk.acting(maker)?;
    let outcomes = desk.submit_all(batch, &by)?;
    Ok(batch
        .drain(..)
        .zip(outcomes)
        .map(|((id, _), outcome)| (id, planned(outcome)))
        .collect())
}

fn planned(outcome: branchdesk_engine::Result<()>) -> Planned {
    match outcome {
        Ok(()) => Planned::Queued,
        Err(EngineError::Invalid(issues)) => Planned::Refused(
            issues
                .iter()
                .filter(|i| i.is_error())
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(error) => Planned::Refused(error.to_string()),
    }
}
