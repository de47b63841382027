//! The submission outbox: plans written whole, steps in order, resume after a restart.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use branchdesk_vault::{DraftId, Error, NewStep, Provider, StepStatus};
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
fn pending_work_is_listed_per_draft_and_goes_with_the_draft() {
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

    vault.delete_draft(a).unwrap();
    assert_eq!(vault.drafts_with_pending_work().unwrap(), vec![b]);
    assert!(vault.latest_plan(a).unwrap().is_none());
}
