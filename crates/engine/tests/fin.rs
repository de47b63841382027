//! Fin.com onboarding through the outbox, against the sandbox over loopback: create, the
//! customer's terms, uploads streamed from the encrypted vault, the attach, and the status.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_domain::draft::PartyKind;
use branchdesk_engine::Error;
use branchdesk_vault::AuditFilter;
use serde_json::json;

mod common;
use common::{customer, decided, id, World};

#[tokio::test]
async fn a_licence_goes_through_terms_uploads_and_attach_to_approved() {
    let world = World::new().await;
    let desk = world.desk();
    let (draft, body) = world.licence_draft(&desk, "Garcia");

    let submitted = desk.submit(&draft, &body).unwrap();
    assert_eq!(submitted.state, "waiting");
    desk.run_draft(id(&draft)).await.unwrap();

    // The customer exists; nothing more goes until the terms are accepted.
    let waiting = desk.submission_status(&draft).await.unwrap();
    assert_eq!(waiting.state, "awaiting_terms");
    let fin = waiting.fin.clone().unwrap();
    assert!(!fin.terms_accepted);
    let url = fin.tos_url.unwrap();
    assert!(url.contains("tos_policies_value="), "{url}");
    assert_eq!(world.successes("/v1/customers/upload").await, 0);
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(
        world.successes("/v1/customers/upload").await,
        0,
        "still waiting"
    );

    assert!(desk.awaits_terms(&draft).unwrap());
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    assert!(!desk.awaits_terms(&draft).unwrap());
    let audit = desk
        .vault()
        .list_audit(&AuditFilter {
            draft_id: Some(id(&draft)),
            outcome: None,
        })
        .unwrap();
    let confirmed = audit
        .iter()
        .find(|e| e.record.action == "fin.terms_confirmed")
        .unwrap();
    assert_eq!(confirmed.record.actor.as_str(), "Dana Reyes");

    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(world.successes("/v1/customers/upload").await, 3);
    assert_eq!(world.successes("/individual/attach").await, 1);
    let approved = decided(&desk, &draft).await;
    assert_eq!(approved.fin.unwrap().status, "APPROVED");
    assert_eq!(approved.state, "approved");
    let again = desk.submission_status(&draft).await.unwrap();
    assert_eq!(
        again.fin.unwrap().status,
        "APPROVED",
        "a decision stays shown"
    );
    assert!(desk.vault().verify_audit().unwrap().is_intact());
}

#[tokio::test]
async fn a_restart_between_uploads_and_attach_sends_no_file_twice() {
    let world = World::new().await;
    let (draft, body) = {
        let desk = world.desk();
        let (draft, body) = world.licence_draft(&desk, "Nguyen");
        desk.submit(&draft, &body).unwrap();
        desk.run_draft(id(&draft)).await.unwrap();
        desk.confirm_terms(&draft, "Dana Reyes").unwrap();
        (draft, body)
    };
    let _ = body;
    // The attach cannot get through: the uploads are done and stored, then the app stops.
    world
        .faults(json!([{"endpoint": "POST /v2/customers/*/individual/attach", "kind": "status", "status": 503}]))
        .await;
    {
        let desk = world.desk();
        let stopped = desk.run_draft(id(&draft)).await;
        assert!(stopped.is_err(), "the attach is still to do");
        assert_eq!(world.successes("/v1/customers/upload").await, 3);
    }
    world.faults(json!([])).await;
    let desk = world.desk();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(
        world.successes("/v1/customers/upload").await,
        3,
        "no file uploaded again"
    );
    assert_eq!(world.successes("/individual/attach").await, 1);
    assert_eq!(decided(&desk, &draft).await.fin.unwrap().status, "APPROVED");
}

#[tokio::test]
async fn action_required_comes_back_to_staff_and_a_replaced_document_is_attached_again() {
    let world = World::new().await;
    let desk = world.desk();
    // The sandbox sends a customer named "Reject" back with reasons.
    let (draft, body) = world.licence_draft(&desk, "Reject");
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    let back = decided(&desk, &draft).await;
    let fin = back.fin.unwrap();
    assert_eq!(fin.status, "ACTION_REQUIRED");
    assert!(!fin.reasons.is_empty(), "the reasons are shown");
    assert_eq!(back.state, "needs_attention", "staff can change the scans");

    // A new FRONT; the rest is unchanged and keeps its URI.
    let front = world.picture("front-again.png", 200);
    desk.attach_scan(&draft, "FRONT", &front).unwrap();
    let body = desk.get_draft(&draft).unwrap().draft;
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(
        world.successes("/v2/customers/individual").await,
        1,
        "the customer is not created twice"
    );
    assert_eq!(
        world.successes("/v1/customers/upload").await,
        4,
        "only the new FRONT is uploaded"
    );
    assert_eq!(world.successes("/individual/attach").await, 2);
}

#[tokio::test]
async fn documents_are_checked_before_anything_is_sent() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let mut body = customer("Okafor");
    desk.save_draft(&record.id, &body).unwrap();
    // Only the FRONT of the licence, and no proof of address.
    let front = world.picture("front.png", 10);
    body.scans = desk.attach_scan(&record.id, "FRONT", &front).unwrap();
    let shown = desk.validate(&body);
    assert!(shown.iter().any(|i| i.field == "scans.BACK"), "{shown:?}");
    match desk.submit(&record.id, &body) {
        Err(Error::Invalid(issues)) => {
            let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
            assert!(fields.contains(&"scans.BACK"), "{fields:?}");
            assert!(fields.contains(&"scans.PROOF_OF_ADDRESS"), "{fields:?}");
        }
        other => panic!("expected local refusal, got {other:?}"),
    }
    assert_eq!(world.successes("/v2/customers/individual").await, 0);

    // A blurred scan holds the submission until it is kept with a reason.
    let blurred = world.files.path().join("flat.png");
    image::RgbImage::from_pixel(1600, 1000, image::Rgb([128, 128, 128]))
        .save(&blurred)
        .unwrap();
    desk.attach_scan(&record.id, "BACK", &blurred).unwrap();
    let issues = desk.validate(&desk.get_draft(&record.id).unwrap().draft);
    assert!(issues
        .iter()
        .any(|i| i.field == "scans.BACK" && i.code == "scan_warning"));
    desk.accept_scan_warnings(&record.id, "BACK", "customer's only copy")
        .unwrap();
    let issues = desk.validate(&desk.get_draft(&record.id).unwrap().draft);
    assert!(
        !issues.iter().any(|i| i.code == "scan_warning"),
        "{issues:?}"
    );
}

#[tokio::test]
async fn cancelled_uploads_park_the_draft_and_a_new_submission_uploads_afresh() {
    let world = World::new().await;
    let desk = world.desk();
    let (draft, body) = world.licence_draft(&desk, "Silva");
    assert!(
        !desk.cancel_upload(&draft).unwrap(),
        "nothing to cancel yet"
    );
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();

    // Pressed before the next upload starts: it does not start.
    assert!(desk.cancel_upload(&draft).unwrap());
    assert!(desk.run_draft(id(&draft)).await.is_err());
    let parked = desk.submission_status(&draft).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    assert_eq!(parked.error.unwrap().code, "cancelled");
    assert_eq!(world.successes("/v1/customers/upload").await, 0);

    let body = desk.get_draft(&draft).unwrap().draft;
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(world.successes("/v1/customers/upload").await, 3);
    assert_eq!(world.successes("/v2/customers/individual").await, 1);
    assert_eq!(decided(&desk, &draft).await.fin.unwrap().status, "APPROVED");
}

#[tokio::test]
async fn the_runner_follows_fin_com_to_its_decision_with_nobody_looking() {
    let world = World::new().await;
    let desk = Arc::new(world.desk().with_follow_interval(Duration::from_millis(50)));
    let (draft, body) = world.licence_draft(&desk, "Okafor");
    let runner = tokio::spawn(Arc::clone(&desk).run());
    desk.submit(&draft, &body).unwrap();
    let state = || {
        desk.vault()
            .get_draft(id(&draft))
            .unwrap()
            .unwrap()
            .summary
            .state
    };
    let mut waited = 0;
    while !desk.awaits_terms(&draft).unwrap() {
        assert!(waited < 100, "the customer was never created");
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    // Only the vault is read from here on: no status page asks Fin.com for the runner.
    let mut waited = 0;
    while state() != branchdesk_vault::DraftState::Approved {
        assert!(waited < 200, "never approved: {:?}", state());
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    runner.abort();
    assert_eq!(world.successes("/individual/attach").await, 1);
    let decided = desk
        .vault()
        .list_audit(&AuditFilter {
            draft_id: Some(id(&draft)),
            outcome: None,
        })
        .unwrap();
    assert!(
        decided.iter().any(|e| e.record.action == "fin.status"
            && e.record.provider_ids["customerStatus"] == "APPROVED"),
        "the decision is in the audit log: {decided:?}"
    );
}
