//! The submission outbox: plans written whole, steps in order, resume after a restart.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use branchdesk_vault::{
    Actor, AfterStep, AuditFilter, AuditOutcome, AuditRecord, DraftId, DraftState, Error, NewStep,
    Provider, StepFailure, StepStatus, Vault,
};
use common::{person, Fixture};

fn steps(n: usize) -> Vec<NewStep> {
    (0..n)
        .map(|i| NewStep {
            kind: format!("cos.step{i}"),
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            body: format!("{{\"step\":{i}}}").into_bytes(),
        })
        .collect()
}

#[test]
fn a_plan_runs_its_steps_in_order_and_survives_a_restart() {
    let fx = Fixture::new();
    let planned = steps(3);
    let (draft, first) = {
        let vault = fx.open();
        let draft = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        let plan = vault.create_plan(draft, Provider::Cos, &planned).unwrap();
        assert_eq!(plan.steps.len(), 3);
        assert!(plan.steps.iter().all(|s| s.status == StepStatus::Pending));
        assert_eq!(plan.steps[2].body, planned[2].body);

        let first = vault.next_pending_step(draft).unwrap().unwrap();
        assert_eq!(first.index, 0);
        let sent = vault.mark_step_sent(first.id).unwrap();
        assert_eq!((sent.status, sent.attempts), (StepStatus::Sent, 1));
        // The process dies here, with the request possibly delivered.
        (draft, first)
    };

    let vault = fx.open();
    assert_eq!(vault.drafts_with_pending_work().unwrap(), vec![draft]);
    let resumed = vault.next_pending_step(draft).unwrap().unwrap();
    assert_eq!(resumed.id, first.id);
    assert_eq!(resumed.status, StepStatus::Sent);
    assert_eq!(resumed.idempotency_key, planned[0].idempotency_key);
    assert_eq!(resumed.body, planned[0].body);
    assert_eq!(vault.mark_step_sent(resumed.id).unwrap().attempts, 2);
    let done = vault
        .mark_step_done(resumed.id, &serde_json::json!({"customerId": "c-1"}))
        .unwrap();
    assert_eq!(done.provider_ids["customerId"], "c-1");

    for expected in [1, 2] {
        let step = vault.next_pending_step(draft).unwrap().unwrap();
        assert_eq!(step.index, expected);
        vault.mark_step_sent(step.id).unwrap();
        vault
            .mark_step_done(step.id, &serde_json::json!({}))
            .unwrap();
    }
    assert!(vault.next_pending_step(draft).unwrap().is_none());
    assert!(vault.drafts_with_pending_work().unwrap().is_empty());
    let plan = vault.latest_plan(draft).unwrap().unwrap();
    assert!(plan.steps.iter().all(|s| s.status == StepStatus::Done));
}

#[test]
fn a_failed_step_holds_the_plan_until_retried_or_replanned() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Fin))
        .unwrap()
        .id;
    vault.create_plan(draft, Provider::Fin, &steps(2)).unwrap();

    // While a step can still go, a second plan is refused.
    assert!(matches!(
        vault.create_plan(draft, Provider::Fin, &steps(1)),
        Err(Error::PlanInProgress { .. })
    ));

    let step = vault.next_pending_step(draft).unwrap().unwrap();
    vault.mark_step_sent(step.id).unwrap();
    let failed = vault
        .mark_step_failed(step.id, "422: birth date is in the future")
        .unwrap();
    assert_eq!(failed.status, StepStatus::Failed);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("422: birth date is in the future")
    );
    assert!(vault.next_pending_step(draft).unwrap().is_none());
    assert!(vault.drafts_with_pending_work().unwrap().is_empty());
    assert!(matches!(
        vault.mark_step_done(step.id, &serde_json::json!({})),
        Err(Error::StepTransition {
            from: StepStatus::Failed,
            to: StepStatus::Done,
            ..
        })
    ));

    // Retry: the same step, same key, back in line.
    let retried = vault.retry_step(step.id).unwrap();
    assert_eq!(retried.status, StepStatus::Pending);
    assert_eq!(vault.next_pending_step(draft).unwrap().unwrap().id, step.id);

    // Or fail it again and plan afresh: the new plan is the one worked on.
    vault.mark_step_failed(step.id, "still wrong").unwrap();
    let replanned = vault.create_plan(draft, Provider::Fin, &steps(1)).unwrap();
    assert_eq!(
        vault.next_pending_step(draft).unwrap().unwrap().plan_id,
        replanned.id
    );
    assert_eq!(vault.latest_plan(draft).unwrap().unwrap().id, replanned.id);
}

#[test]
fn a_plan_is_written_whole_or_not_at_all() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let mut planned = steps(3);
    planned[2].idempotency_key = planned[0].idempotency_key.clone();
    assert!(matches!(
        vault.create_plan(draft, Provider::Cos, &planned),
        Err(Error::Database(_))
    ));
    assert!(vault.latest_plan(draft).unwrap().is_none());
    assert!(matches!(
        vault.create_plan(draft, Provider::Cos, &[]),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        vault.create_plan(DraftId::new(), Provider::Cos, &steps(1)),
        Err(Error::DraftNotFound(_))
    ));
}

#[test]
fn pending_work_is_listed_per_draft_and_stays_when_its_draft_cannot_be_deleted() {
    let fx = Fixture::new();
    let vault = fx.open();
    let a = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let b = vault
        .create_draft(&person("Bob", Provider::Bvnk))
        .unwrap()
        .id;
    let c = vault.create_draft(&person("Cy", Provider::Cos)).unwrap().id;
    vault.create_plan(a, Provider::Cos, &steps(2)).unwrap();
    vault.create_plan(b, Provider::Bvnk, &steps(1)).unwrap();
    assert_eq!(vault.drafts_with_pending_work().unwrap(), vec![a, b]);
    assert!(vault.next_pending_step(c).unwrap().is_none());

    // A planned draft may already be at its provider: it is not deleted, nor its work.
    assert!(matches!(
        vault.delete_draft(a),
        Err(Error::DeleteRefused { draft, .. }) if draft == a
    ));
    assert_eq!(vault.drafts_with_pending_work().unwrap(), vec![a, b]);
    assert!(vault.latest_plan(a).unwrap().is_some());
}

fn audit(draft: DraftId, action: &str, outcome: AuditOutcome) -> AuditRecord {
    AuditRecord {
        draft_id: Some(draft),
        actor: Actor::System,
        action: action.to_owned(),
        provider: Some(Provider::Cos),
        endpoint: Some("POST /core/v1/cm/customers".to_owned()),
        status: None,
        provider_ids: serde_json::json!({"customerId": "c-1"}),
        outcome,
    }
}

fn audit_count(vault: &Vault, draft: DraftId) -> usize {
    vault
        .list_audit(&AuditFilter {
            draft_id: Some(draft),
            ..Default::default()
        })
        .unwrap()
        .len()
}

/// A draft with a plan of `n` steps, its first step started as the runner starts it.
fn started(vault: &Vault, n: usize) -> (DraftId, branchdesk_vault::Step) {
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    vault.create_plan(draft, Provider::Cos, &steps(n)).unwrap();
    let first = vault.next_pending_step(draft).unwrap().unwrap();
    let sent = vault.start_step(&first, DraftState::Sending).unwrap();
    (draft, sent)
}

#[test]
fn a_completed_step_commits_with_its_audit_entry_and_hands_out_the_next_step_marked_sent() {
    let fx = Fixture::new();
    let draft;
    {
        let vault = fx.open();
        let (d, first) = started(&vault, 3);
        draft = d;
        assert_eq!((first.status, first.attempts), (StepStatus::Sent, 1));
        let stored = vault.get_draft(draft).unwrap().unwrap();
        assert_eq!(stored.summary.state, DraftState::Sending);

        let ids = serde_json::json!({"customerId": "c-1"});
        let second = match vault
            .complete_step(
                first.id,
                &ids,
                &audit(draft, "cos.create_customer", AuditOutcome::Success),
                DraftState::Submitted,
            )
            .unwrap()
        {
            AfterStep::Send(step) => *step,
            other => panic!("expected the next step, got {other:?}"),
        };
        assert_eq!(
            (second.index, second.status, second.attempts),
            (1, StepStatus::Sent, 1)
        );
        let plan = vault.latest_plan(draft).unwrap().unwrap();
        assert_eq!(plan.steps[0].status, StepStatus::Done);
        assert_eq!(plan.steps[0].provider_ids, ids);
        assert_eq!(audit_count(&vault, draft), 1);
        // The process dies here: the second step's mark is on disk before its request left.
    }

    let vault = fx.open();
    let resumed = vault.next_pending_step(draft).unwrap().unwrap();
    assert_eq!((resumed.index, resumed.status), (1, StepStatus::Sent));
    let mut next = resumed;
    loop {
        match vault
            .complete_step(
                next.id,
                &serde_json::json!({"id": next.index}),
                &audit(draft, "cos.add_address", AuditOutcome::Success),
                DraftState::Submitted,
            )
            .unwrap()
        {
            AfterStep::Send(step) => next = *step,
            AfterStep::Finished => break,
            AfterStep::Held => panic!("nothing holds this plan back"),
        }
    }
    let plan = vault.latest_plan(draft).unwrap().unwrap();
    assert!(plan.steps.iter().all(|s| s.status == StepStatus::Done));
    let stored = vault.get_draft(draft).unwrap().unwrap();
    assert_eq!(stored.summary.state, DraftState::Submitted);
    assert_eq!(audit_count(&vault, draft), 3);
    let report = vault.verify_audit().unwrap();
    assert_eq!((report.entries, report.is_intact()), (3, true));
}

#[test]
fn a_step_and_its_audit_entry_are_both_recorded_or_neither_is() {
    let fx = Fixture::new();
    let vault = fx.open();
    let (draft, first) = started(&vault, 2);

    // The audit entry is refused: the step stays sent, the next one untouched.
    let mut leaky = audit(draft, "cos.create_customer", AuditOutcome::Success);
    leaky.endpoint = Some("GET /customers?ssn=123456789".to_owned());
    assert!(matches!(
        vault.complete_step(
            first.id,
            &serde_json::json!({"customerId": "c-1"}),
            &leaky,
            DraftState::Submitted
        ),
        Err(Error::InvalidInput(_))
    ));
    let plan = vault.latest_plan(draft).unwrap().unwrap();
    assert_eq!(
        (plan.steps[0].status, plan.steps[1].status),
        (StepStatus::Sent, StepStatus::Pending)
    );
    assert_eq!(plan.steps[0].provider_ids, serde_json::json!({}));
    assert_eq!(audit_count(&vault, draft), 0);

    // The step is refused: no audit entry either.
    vault
        .fail_step_with_audit(
            first.id,
            StepFailure::Failed("422".to_owned()),
            None,
            DraftState::NeedsAttention,
        )
        .unwrap();
    assert!(matches!(
        vault.complete_step(
            first.id,
            &serde_json::json!({}),
            &audit(draft, "cos.create_customer", AuditOutcome::Success),
            DraftState::Submitted
        ),
        Err(Error::StepTransition {
            from: StepStatus::Failed,
            ..
        })
    ));
    assert_eq!(audit_count(&vault, draft), 0);
    assert!(vault.verify_audit().unwrap().is_intact());
    let stored = vault.get_draft(draft).unwrap().unwrap();
    assert_eq!(stored.summary.state, DraftState::NeedsAttention);
}

#[test]
fn failures_are_recorded_with_their_audit_entry_and_the_drafts_state() {
    let fx = Fixture::new();
    let vault = fx.open();
    let (draft, first) = started(&vault, 2);

    // No definite answer: the step stays sent, to be resent under its key.
    let kept = vault
        .fail_step_with_audit(
            first.id,
            StepFailure::Retryable,
            Some(&audit(draft, "cos.create_customer", AuditOutcome::Unknown)),
            DraftState::Waiting,
        )
        .unwrap();
    assert_eq!((kept.status, kept.attempts), (StepStatus::Sent, 1));
    assert_eq!(
        vault.get_draft(draft).unwrap().unwrap().summary.state,
        DraftState::Waiting
    );
    assert_eq!(
        vault.next_pending_step(draft).unwrap().unwrap().id,
        first.id
    );
    assert_eq!(audit_count(&vault, draft), 1);

    // Only a step that went out can be waiting for an answer.
    let second = vault.latest_plan(draft).unwrap().unwrap().steps[1].clone();
    assert!(matches!(
        vault.fail_step_with_audit(
            second.id,
            StepFailure::Retryable,
            Some(&audit(draft, "cos.add_address", AuditOutcome::Unknown)),
            DraftState::Waiting,
        ),
        Err(Error::StepTransition { .. })
    ));
    assert_eq!(audit_count(&vault, draft), 1);

    let failed = vault
        .fail_step_with_audit(
            first.id,
            StepFailure::Failed("unknown outcome".to_owned()),
            Some(&audit(draft, "cos.create_customer", AuditOutcome::Unknown)),
            DraftState::NeedsAttention,
        )
        .unwrap();
    assert_eq!(failed.status, StepStatus::Failed);
    assert_eq!(failed.last_error.as_deref(), Some("unknown outcome"));
    assert_eq!(
        vault.get_draft(draft).unwrap().unwrap().summary.state,
        DraftState::NeedsAttention
    );
    assert!(vault.next_pending_step(draft).unwrap().is_none());
    assert_eq!(audit_count(&vault, draft), 2);
    assert!(vault.verify_audit().unwrap().is_intact());
}

#[test]
fn a_next_step_that_went_out_before_is_not_claimed() {
    let fx = Fixture::new();
    let vault = fx.open();
    let (draft, first) = started(&vault, 2);
    let second = vault.latest_plan(draft).unwrap().unwrap().steps[1].clone();
    vault.mark_step_sent(second.id).unwrap();
    assert_eq!(
        vault
            .complete_step(
                first.id,
                &serde_json::json!({}),
                &audit(draft, "cos.create_customer", AuditOutcome::Success),
                DraftState::Submitted,
            )
            .unwrap(),
        AfterStep::Held
    );
    // Left as it was, for the runner to look at as after a restart.
    let held = vault.next_pending_step(draft).unwrap().unwrap();
    assert_eq!((held.id, held.attempts), (second.id, 1));
}

#[test]
fn a_request_that_never_left_puts_its_step_back_in_line() {
    let fx = Fixture::new();
    let vault = fx.open();
    let (draft, first) = started(&vault, 2);
    let back = vault
        .fail_step_with_audit(
            first.id,
            StepFailure::NotSent,
            Some(&audit(draft, "cos.create_customer", AuditOutcome::Unknown)),
            DraftState::Waiting,
        )
        .unwrap();
    // Pending, not sent: a `sent` step found later is one that may have arrived.
    assert_eq!((back.status, back.attempts), (StepStatus::Pending, 1));
    let next = vault.next_pending_step(draft).unwrap().unwrap();
    assert_eq!((next.id, next.status), (first.id, StepStatus::Pending));
    assert_eq!(
        vault.get_draft(draft).unwrap().unwrap().summary.state,
        DraftState::Waiting
    );
    assert_eq!(audit_count(&vault, draft), 1);
    // Only a step that went out can be put back.
    assert!(matches!(
        vault.fail_step_with_audit(first.id, StepFailure::NotSent, None, DraftState::Waiting),
        Err(Error::StepTransition { .. })
    ));
    assert_eq!(
        vault
            .start_step(&next, DraftState::Sending)
            .unwrap()
            .attempts,
        2
    );
}

#[test]
fn concurrent_completions_share_commits_and_keep_the_audit_chain_intact() {
    const DRAFTS: usize = 8;
    const STEPS: usize = 6;
    let fx = Fixture::new();
    let vault = Arc::new(fx.open());
    let firsts: Vec<_> = (0..DRAFTS).map(|_| started(&vault, STEPS)).collect();
    let threads: Vec<_> = firsts
        .into_iter()
        .enumerate()
        .map(|(n, (draft, first))| {
            let vault = Arc::clone(&vault);
            std::thread::spawn(move || {
                let mut step = first;
                let mut refused = 0;
                loop {
                    // One draft's entries now and then are refused: only that write is
                    // rolled back, whoever it shared a commit with.
                    let mut record = audit(draft, "cos.add_phone", AuditOutcome::Success);
                    if n % 3 == 0 && refused < 2 {
                        refused += 1;
                        record.action = " ".to_owned();
                    }
                    match vault.complete_step(
                        step.id,
                        &serde_json::json!({"id": step.index}),
                        &record,
                        DraftState::Submitted,
                    ) {
                        Ok(AfterStep::Send(next)) => step = *next,
                        Ok(AfterStep::Finished) => return draft,
                        Ok(AfterStep::Held) => panic!("nothing holds this plan back"),
                        Err(Error::InvalidInput(_)) => {}
                        Err(error) => panic!("{error}"),
                    }
                }
            })
        })
        .collect();
    let drafts: Vec<DraftId> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for draft in &drafts {
        assert_eq!(audit_count(&vault, *draft), STEPS);
        let plan = vault.latest_plan(*draft).unwrap().unwrap();
        assert!(plan.steps.iter().all(|s| s.status == StepStatus::Done));
        assert_eq!(
            vault.get_draft(*draft).unwrap().unwrap().summary.state,
            DraftState::Submitted
        );
    }
    let report = vault.verify_audit().unwrap();
    assert_eq!(
        (report.entries, report.is_intact()),
        ((DRAFTS * STEPS) as u64, true)
    );
}

#[test]
fn a_submission_stores_the_draft_its_plan_and_its_audit_entry_together_or_nothing() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let mut submitted = person("Ada Lovelace", Provider::Cos);
    submitted.state = DraftState::Waiting;

    // An audit entry the log refuses: nothing of the submission may remain.
    let refused = audit(draft, " ", AuditOutcome::Success);
    assert!(vault
        .submit_plan(draft, &submitted, &steps(2), &refused)
        .is_err());
    assert!(vault.latest_plan(draft).unwrap().is_none());
    let stored = vault.get_draft(draft).unwrap().unwrap();
    assert_eq!(stored.summary.state, DraftState::Draft);
    assert_eq!(stored.summary.display_name, "Ada");
    assert_eq!(audit_count(&vault, draft), 0);

    let plan = vault
        .submit_plan(
            draft,
            &submitted,
            &steps(2),
            &audit(draft, "submit", AuditOutcome::Success),
        )
        .unwrap();
    assert_eq!(plan.steps.len(), 2);
    let stored = vault.get_draft(draft).unwrap().unwrap();
    assert_eq!(stored.summary.state, DraftState::Waiting);
    assert_eq!(stored.summary.display_name, "Ada Lovelace");
    assert_eq!(audit_count(&vault, draft), 1);
    assert!(vault.verify_audit().unwrap().is_intact());
}
