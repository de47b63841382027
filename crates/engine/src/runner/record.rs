//! What the runner records when a step does not end done: a wait for the network (one
//! audit entry when it starts, not one a pass), a wait for the customer's terms, a refusal
//! in staff's words, or an outcome only a person can find out.

use branchdesk_api::Error as ApiError;
use branchdesk_vault::{
    Actor, AuditOutcome, AuditRecord, DraftId, DraftState, Provider, Step, StepFailure, StepId,
};

use super::state::Runner;
use crate::flows::{bvnk, cos, fin};
use crate::records::StepProblem;
use crate::steps::{self, StepKind};
use crate::{Error, Result};

impl Runner {
    /// Records a step that did not end done, and what the runner makes of it: `Ok` when the
    /// plan waits for the customer's terms, the error otherwise.
    pub(in crate::runner) async fn step_went_wrong(
        &self,
        draft: DraftId,
        step: Step,
        error: Error,
    ) -> Result<()> {
        if step.provider == Provider::Cos && cos::recovery::needs_a_check(&error, &step) {
            // Neither a refusal nor a readable success: the customer may exist. Parked for a
            // person, never re-planned under a new key.
            let problem =
                cos::recovery::unknown_outcome_problem(&step, cos::recovery::Why::Unreadable);
            self.park(draft, &step, problem).await?;
            return Err(error);
        }
        if step.provider == Provider::Bvnk && bvnk::recovery::needs_a_check(&error, &step) {
            // The same for a BVNK create: the customer may exist, and a person looks first.
            let problem = bvnk::recovery::unknown_outcome_problem(&step);
            self.park(draft, &step, problem).await?;
            return Err(error);
        }
        // A COS sub-record whose answer could not be read is resent under its key, which
        // COS keeps for 7 days: an unanswered request, like a timeout.
        let error = match error {
            Error::Provider(ApiError::OutcomeUnknown { detail })
                if step.provider == Provider::Cos =>
            {
                Error::Provider(ApiError::Network(detail))
            }
            other => other,
        };
        match error {
            Error::AwaitingTerms => {
                // Not a failure: the plan waits here until staff confirm the terms.
                self.vault.set_draft_state(draft, DraftState::Waiting)?;
                Ok(())
            }
            Error::Provider(error) if error.is_retryable() => {
                // Stays `sent`: resent with the same key and bytes when the network is back.
                let status = match &error {
                    ApiError::Unavailable { status, .. } => Some(*status),
                    _ => None,
                };
                // One entry when the step starts waiting, not one for every pass after.
                let audit = self.first_wait(&step).then(|| {
                    step_audit(
                        draft,
                        &step,
                        status,
                        serde_json::Value::Null,
                        AuditOutcome::Unknown,
                    )
                });
                // A create without a key is answered retryable only when it surely never
                // arrived: back to pending, so a `sent` one found later is known to be suspect.
                let failure = if fin::recovery::resend_may_duplicate(&step) {
                    StepFailure::NotSent
                } else {
                    StepFailure::Retryable
                };
                self.write(move |v| {
                    v.fail_step_with_audit(step.id, failure, audit.as_ref(), DraftState::Waiting)
                })
                .await?;
                Err(Error::Provider(error))
            }
            error => {
                let problem = problem_of(&error, &step);
                let text = serde_json::to_string(&problem)?;
                // A request that may have arrived is logged, as one that timed out is.
                let audit =
                    matches!(error, Error::Provider(ApiError::OutcomeUnknown { .. })).then(|| {
                        let none = serde_json::Value::Null;
                        step_audit(draft, &step, None, none, AuditOutcome::Unknown)
                    });
                self.write(move |v| {
                    v.fail_step_with_audit(
                        step.id,
                        StepFailure::Failed(text),
                        audit.as_ref(),
                        DraftState::NeedsAttention,
                    )
                })
                .await?;
                Err(error)
            }
        }
    }

    /// A step that went out but whose answer never came, past the key's retention: resending
    /// could create a second record, so a person checks the customer at the provider first.
    pub(in crate::runner) fn park_unknown_outcome(
        &self,
        draft: DraftId,
        step: &Step,
    ) -> Result<()> {
        let problem = cos::recovery::unknown_outcome_problem(step, cos::recovery::Why::KeyExpired);
        let (id, text, audit) = parked(draft, step, &problem)?;
        self.vault.fail_step_with_audit(
            id,
            StepFailure::Failed(text),
            Some(&audit),
            DraftState::NeedsAttention,
        )?;
        Ok(())
    }

    /// Records a step whose outcome is unknown as failed with `problem`, audited as unknown,
    /// and the draft as needing attention; off the runner's thread.
    async fn park(&self, draft: DraftId, step: &Step, problem: StepProblem) -> Result<()> {
        let (id, text, audit) = parked(draft, step, &problem)?;
        self.write(move |v| {
            v.fail_step_with_audit(
                id,
                StepFailure::Failed(text),
                Some(&audit),
                DraftState::NeedsAttention,
            )
        })
        .await?;
        Ok(())
    }
}

/// What parking a step records: its id, the problem as stored, and its audit entry.
fn parked(
    draft: DraftId,
    step: &Step,
    problem: &StepProblem,
) -> Result<(StepId, String, AuditRecord)> {
    let text = serde_json::to_string(problem)?;
    let audit = step_audit(
        draft,
        step,
        None,
        serde_json::Value::Null,
        AuditOutcome::Unknown,
    );
    Ok((step.id, text, audit))
}

/// A successful step's audit entry: the provider's ids, without the customer's statuses.
pub(in crate::runner) fn success_audit(
    draft: DraftId,
    step: &Step,
    ids: &serde_json::Value,
) -> AuditRecord {
    let mut audited = ids.clone();
    if let Some(map) = audited.as_object_mut() {
        // The statuses belong to the customer record, not to the audit trail.
        map.remove("outcome");
    }
    step_audit(draft, step, None, audited, AuditOutcome::Success)
}

/// A step's audit entry, recorded in the same commit as the step's outcome.
fn step_audit(
    draft: DraftId,
    step: &Step,
    status: Option<u16>,
    provider_ids: serde_json::Value,
    outcome: AuditOutcome,
) -> AuditRecord {
    let kind = steps::kind_of(step);
    AuditRecord {
        draft_id: Some(draft),
        actor: Actor::System,
        // Named after the event the step corresponds to, as staff see in Activity.
        action: kind.map(StepKind::event).unwrap_or("unknown").to_owned(),
        provider: Some(kind.map(StepKind::provider).unwrap_or(step.provider)),
        endpoint: kind.and_then(StepKind::endpoint).map(str::to_owned),
        status,
        provider_ids,
        outcome,
    }
}

/// What staff are told about a step the provider refused.
fn problem_of(error: &Error, step: &Step) -> StepProblem {
    if let Error::Invalid(issues) = error {
        let first = issues.iter().find(|i| i.is_error()).or(issues.first());
        return StepProblem {
            code: "rejected".to_owned(),
            message: first
                .map(|i| i.message.clone())
                .unwrap_or_else(|| error.to_string()),
            field: first.map(|i| i.field.clone()).filter(|f| !f.is_empty()),
        };
    }
    if let Some(problem) = fin::recovery::problem(error, step) {
        return problem;
    }
    cos::send::problem(error, step)
}
