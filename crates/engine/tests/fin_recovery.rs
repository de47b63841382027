//! Fin.com onboarding when an answer is lost: a create that went out before a crash, or
//! whose answer never came, is never sent again until a person has checked at Fin.com and
//! said what they found; an attach whose answer was lost counts as attached once Fin.com
//! has moved on. Against the sandbox over loopback, with its fault injection.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use branchdesk_api::RetryPolicy;
use branchdesk_engine::flows::fin::CUSTOMER_CHECKED;
use branchdesk_engine::{Desk, Error};
use branchdesk_vault::{AuditEntry, AuditFilter, AuditOutcome, DraftState, Step, StepStatus};
use serde_json::{json, Value};

mod common;
use common::{decided, id, quick, World};

/// The latest plan's first step: the create (or the known customer).
fn first_step(desk: &Desk, draft: &str) -> Step {
    desk.vault()
        .latest_plan(id(draft))
        .unwrap()
        .unwrap()
        .steps
        .remove(0)
}

/// The `meta_data.reference` a create step will send.
fn reference_of(step: &Step) -> String {
    let body: Value = serde_json::from_slice(&step.body).unwrap();
    body["meta_data"]["reference"].as_str().unwrap().to_owned()
}

fn audit(desk: &Desk, draft: &str) -> Vec<AuditEntry> {
    desk.vault()
        .list_audit(&AuditFilter {
            draft_id: Some(id(draft)),
            outcome: None,
        })
        .unwrap()
}

/// The draft needs a person to check at Fin.com for the customer with `reference`.
async fn assert_parked(desk: &Desk, draft: &str, reference: &str) {
    let parked = desk.submission_status(draft).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    let problem = parked.error.unwrap();
    assert_eq!(problem.code, "unknown_outcome");
    assert!(
        problem.message.contains(reference),
        "staff are given the reference to quote: {}",
        problem.message
    );
    assert_eq!(first_step(desk, draft).status, StepStatus::Failed);
}

/// The create is planned with a unique reference and nothing about the customer in it.
#[tokio::test]
async fn the_create_carries_the_plans_own_reference() {
    let world = World::delayed(Duration::from_millis(200)).await;
    let desk = world.desk();
    let (first, body) = world.licence_draft(&desk, "Garcia");
    desk.submit(&first, &body).unwrap();
    let create = first_step(&desk, &first);
    assert!(create.kind.starts_with("fin.create_individual"));
    let reference = reference_of(&create);
    assert_eq!(reference, create.idempotency_key);
    assert!(uuid::Uuid::parse_str(&reference).is_ok(), "{reference}");

    let (second, body) = world.licence_draft(&desk, "Okafor");
    desk.submit(&second, &body).unwrap();
    assert_ne!(reference_of(&first_step(&desk, &second)), reference);
}

/// The process dies once the create has gone out (Fin.com created the customer) but before
/// its answer is recorded. The next run must not send it again: the draft waits for a
/// person, who finds the customer at Fin.com by its reference and continues with it.
#[tokio::test]
async fn a_create_found_sent_after_a_crash_is_not_resent_and_continues_from_the_customer_found() {
    let world = World::delayed(Duration::from_millis(200)).await;
    let (draft, body, reference, created) = {
        let desk = world.desk();
        let (draft, body) = world.licence_draft(&desk, "Garcia");
        desk.submit(&draft, &body).unwrap();
        // What the runner does before a crash: the step is marked sent, its request
        // reaches Fin.com and creates the customer, and the process dies with the answer.
        let create = first_step(&desk, &draft);
        desk.vault()
            .start_step(&create, DraftState::Sending)
            .unwrap();
        let sent: Value = serde_json::from_slice(&create.body).unwrap();
        let created = world
            .fin_client(quick())
            .create_individual(&sent)
            .await
            .unwrap();
        (draft, body, reference_of(&create), created.customer_id)
    };
    assert_eq!(world.fin_customers().await, (1, 0));

    let desk = world.desk();
    let stopped = desk.run_draft(id(&draft)).await;
    assert_eq!(
        world.fin_customers().await,
        (1, 0),
        "the create was not sent again"
    );
    assert!(stopped.is_err(), "the draft needs a person: {stopped:?}");
    assert_parked(&desk, &draft, &reference).await;
    let unknown = audit(&desk, &draft)
        .into_iter()
        .find(|e| e.record.action == "fin.customer_created")
        .unwrap();
    assert_eq!(unknown.record.outcome, AuditOutcome::Unknown);

    // The runner has nothing to send, and submitting again is refused, until someone has
    // checked.
    assert!(!desk
        .vault()
        .drafts_with_pending_work()
        .unwrap()
        .contains(&id(&draft)));
    match desk.submit(&draft, &body) {
        Err(Error::Invalid(issues)) => {
            assert_eq!(issues[0].code, "unknown_outcome", "{issues:?}");
            assert!(issues[0].message.contains(&reference), "{issues:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(world.fin_customers().await, (1, 0));

    // An id Fin.com does not know, or that is not an id, is refused and changes nothing.
    for wrong in [uuid::Uuid::new_v4().to_string(), "CUST-1".to_owned()] {
        match desk
            .resolve_unknown_fin_customer(&draft, Some(&wrong), "Dana Reyes")
            .await
        {
            Err(Error::Invalid(issues)) => assert_eq!(issues[0].field, "customerId"),
            other => panic!("{wrong}: expected a refusal, got {other:?}"),
        }
    }
    assert_parked(&desk, &draft, &reference).await;

    let resolved = desk
        .resolve_unknown_fin_customer(&draft, Some(&created), "Dana Reyes")
        .await
        .unwrap();
    assert_eq!(resolved.state, "waiting");
    assert!(first_step(&desk, &draft)
        .kind
        .starts_with("fin.known_customer"));
    let checked = audit(&desk, &draft)
        .into_iter()
        .find(|e| e.record.action == CUSTOMER_CHECKED)
        .unwrap();
    assert_eq!(checked.record.actor.as_str(), "Dana Reyes");
    assert_eq!(checked.record.provider_ids["customerId"], json!(created));
    assert_eq!(checked.record.provider_ids["reference"], json!(reference));
    // Decided once: there is nothing left to resolve.
    assert!(desk
        .resolve_unknown_fin_customer(&draft, None, "Dana Reyes")
        .await
        .is_err());

    desk.run_draft(id(&draft)).await.unwrap();
    let waiting = desk.submission_status(&draft).await.unwrap();
    assert_eq!(waiting.state, "awaiting_terms");
    let fin = waiting.fin.unwrap();
    assert_eq!(fin.customer_id, created);
    assert!(
        fin.tos_url.unwrap().contains("tos_policies_value="),
        "the terms come from the customer found"
    );
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(world.successes("/individual/attach").await, 1);
    let approved = decided(&desk, &draft).await;
    assert_eq!(approved.fin.unwrap().status, "APPROVED");
    assert_eq!(world.fin_customers().await, (1, 0));
    assert_eq!(world.successes("/v2/customers/individual").await, 1);
    assert!(desk.vault().verify_audit().unwrap().is_intact());
}

/// The process dies after marking the create sent, before its request left: a person finds
/// no such customer at Fin.com, says so, and the create is sent.
#[tokio::test]
async fn a_customer_not_found_at_fin_com_is_created_once_staff_say_so() {
    let world = World::delayed(Duration::from_millis(200)).await;
    let (draft, reference) = {
        let desk = world.desk();
        let (draft, body) = world.licence_draft(&desk, "Nguyen");
        desk.submit(&draft, &body).unwrap();
        let create = first_step(&desk, &draft);
        desk.vault()
            .start_step(&create, DraftState::Sending)
            .unwrap();
        (draft, reference_of(&create))
    };
    let desk = world.desk();
    assert!(desk.run_draft(id(&draft)).await.is_err());
    assert_parked(&desk, &draft, &reference).await;
    assert_eq!(world.successes("/v2/customers/individual").await, 0);

    let resolved = desk
        .resolve_unknown_fin_customer(&draft, None, "Dana Reyes")
        .await
        .unwrap();
    assert_eq!(resolved.state, "waiting");
    let create = first_step(&desk, &draft);
    assert!(create.kind.starts_with("fin.create_individual"));
    assert_ne!(
        reference_of(&create),
        reference,
        "a new request, with a reference of its own"
    );
    let checked = audit(&desk, &draft)
        .into_iter()
        .find(|e| e.record.action == CUSTOMER_CHECKED)
        .unwrap();
    assert_eq!(checked.record.provider_ids["created"], json!(false));
    assert_eq!(checked.record.actor.as_str(), "Dana Reyes");

    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(
        desk.submission_status(&draft).await.unwrap().state,
        "awaiting_terms"
    );
    assert_eq!(world.fin_customers().await, (1, 0));
}

/// Fin.com created the customer but its answer was lost on the way back: the same check.
#[tokio::test]
async fn a_lost_create_answer_names_the_reference_to_look_for() {
    let world = World::delayed(Duration::from_millis(200)).await;
    let desk = world.desk();
    let (draft, body) = world.licence_draft(&desk, "Silva");
    desk.submit(&draft, &body).unwrap();
    let reference = reference_of(&first_step(&desk, &draft));
    world
        .faults(json!([{"endpoint": "POST /v2/customers/individual", "kind": "fail_after_commit"}]))
        .await;
    assert!(desk.run_draft(id(&draft)).await.is_err());
    world.faults(json!([])).await;
    assert_parked(&desk, &draft, &reference).await;
    assert!(!desk
        .vault()
        .drafts_with_pending_work()
        .unwrap()
        .contains(&id(&draft)));
    assert_eq!(world.fin_customers().await, (1, 0), "never sent twice");
}

/// A create Fin.com surely never received (408: turned away unread) is sent again by
/// itself once Fin.com answers, after a restart too: only a create that may have arrived
/// waits for a person.
#[tokio::test]
async fn a_create_that_surely_never_arrived_is_sent_again_after_a_restart() {
    let world = World::delayed(Duration::from_millis(200)).await;
    let draft = {
        let desk = world.desk();
        let (draft, body) = world.licence_draft(&desk, "Okafor");
        desk.submit(&draft, &body).unwrap();
        world
            .faults(json!([{"endpoint": "POST /v2/customers/individual", "kind": "timeout"}]))
            .await;
        let stopped = desk.run_draft(id(&draft)).await;
        assert!(
            matches!(stopped, Err(Error::Provider(ref e)) if e.is_retryable()),
            "{stopped:?}"
        );
        assert_eq!(
            desk.submission_status(&draft).await.unwrap().state,
            "waiting"
        );
        assert_eq!(first_step(&desk, &draft).status, StepStatus::Pending);
        draft
    };
    world.faults(json!([])).await;
    let desk = world.desk();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(
        desk.submission_status(&draft).await.unwrap().state,
        "awaiting_terms"
    );
    assert_eq!(world.fin_customers().await, (1, 0));
}

/// Up to the attach: created, terms confirmed, scans uploaded on the next run.
async fn ready_to_attach(world: &World, desk: &Desk, last_name: &str) -> String {
    let (draft, body) = world.licence_draft(desk, last_name);
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    draft
}

/// The attach goes through but its answer is lost; the client's retry meets 409 while
/// Fin.com processes the documents it already has. The documents arrived: attached.
#[tokio::test]
async fn an_attach_whose_answer_was_lost_and_then_met_409_is_attached() {
    let world = World::delayed(Duration::from_secs(1)).await;
    let desk = world.desk();
    let draft = ready_to_attach(&world, &desk, "Garcia").await;
    world
        .faults(json!([{"endpoint": "POST /v2/customers/*/individual/attach", "kind": "fail_after_commit", "times": 1}]))
        .await;
    desk.run_draft(id(&draft)).await.unwrap();
    let stats = world.stats().await;
    assert_eq!(stats["faults_injected"]["fail_after_commit"], 1, "{stats}");
    let attached = desk.submission_status(&draft).await.unwrap();
    assert_ne!(attached.state, "needs_attention", "{:?}", attached.error);
    assert_eq!(attached.done_steps, attached.total_steps);
    assert_eq!(decided(&desk, &draft).await.fin.unwrap().status, "APPROVED");
}

/// The same, with the retry coming once Fin.com has moved the customer on (403).
#[tokio::test]
async fn an_attach_whose_answer_was_lost_and_then_met_403_is_attached() {
    let world = World::delayed(Duration::from_millis(200)).await;
    let desk = world.desk_retrying(RetryPolicy {
        min_delay: Duration::from_millis(150),
        max_delay: Duration::from_millis(300),
        max_attempts: 3,
    });
    let draft = ready_to_attach(&world, &desk, "Nguyen").await;
    world
        .faults(json!([{"endpoint": "POST /v2/customers/*/individual/attach", "kind": "fail_after_commit", "times": 1}]))
        .await;
    desk.run_draft(id(&draft)).await.unwrap();
    let attached = desk.submission_status(&draft).await.unwrap();
    assert_ne!(attached.state, "needs_attention", "{:?}", attached.error);
    assert_eq!(attached.done_steps, attached.total_steps);
    assert_eq!(decided(&desk, &draft).await.fin.unwrap().status, "APPROVED");
}
