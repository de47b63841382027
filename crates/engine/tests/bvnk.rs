//! BVNK onboarding through the outbox, against the sandbox over loopback: the agreement
//! session and staff's confirmation, a company created with its associates, each
//! document streamed from the encrypted vault once, and BVNK's status followed to a
//! decision; a create whose answer cannot be read is parked for a person.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use branchdesk_api::bvnk::{BvnkClient, BvnkConfig};
use branchdesk_domain::draft::{
    Address, Associate, AssociateDocument, BvnkSection, CompanyDetails, Draft, Names, PartyKind,
    Provider,
};
use branchdesk_domain::Sensitive;
use branchdesk_engine::records::Submission;
use branchdesk_engine::{BvnkConnection, Desk, Error};
use branchdesk_vault::AuditFilter;
use serde_json::json;

mod common;
use common::{id, quick, World};

fn bvnk_client(world: &World) -> BvnkClient {
    let credentials = world.sandbox.credentials().bvnk.clone();
    let mut config = BvnkConfig::new(
        world.sandbox.url(),
        credentials.hawk_id,
        Sensitive::new(credentials.hawk_key),
    );
    config.retry = quick();
    BvnkClient::new(reqwest::Client::new(), config).unwrap()
}

fn desk(world: &World) -> Desk {
    world
        .desk()
        .with_bvnk(BvnkConnection::new(bvnk_client(world)))
}

fn associate(id: &str, first: &str, last: &str, control: bool, signer: bool) -> Associate {
    Associate {
        id: id.into(),
        name: Names {
            first: first.into(),
            last: last.into(),
            ..Default::default()
        },
        birth_date: "1980-04-12".into(),
        title: if signer { "Director" } else { "Owner" }.into(),
        has_ownership: true,
        has_control: control,
        is_signer: signer,
        email: format!("{}@example.com", first.to_lowercase()),
        phone: "+1 415 555 0100".into(),
        birth_country: "US".into(),
        risk_score: "LOW".into(),
        document: AssociateDocument {
            id_type: "DriversLicense".into(),
            number: format!("D{}", 1_000_000 + first.len()),
            issuing_country: "US".into(),
        },
        address: Address {
            street1: "101 West Broadway".into(),
            city: "San Diego".into(),
            postal_code: "92101".into(),
            country: "US".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A company as staff type it in, going to BVNK with two associates.
fn company(name: &str, last: &str) -> Draft {
    Draft {
        provider: Provider::Bvnk,
        kind: PartyKind::Company,
        company: CompanyDetails {
            legal_name: name.into(),
            description: "Coffee roasting".into(),
            registration_number: format!("REG-{}", name.len()),
            tax_residence_country: "US".into(),
            ..Default::default()
        },
        addresses: vec![Address {
            street1: "1 Market St".into(),
            city: "San Francisco".into(),
            postal_code: "94105".into(),
            country: "US".into(),
            is_primary: true,
            ..Default::default()
        }],
        associates: vec![
            associate("p-ana", "Ana", last, true, true),
            associate("p-ben", "Ben", "Holder", false, false),
        ],
        bvnk: BvnkSection {
            industry_reference: "30ea15fc-06d8-11ef-b6e1-027612b7f6b5".into(),
            monthly_expected_volumes_reference: "ef779c41-547e-11ef-8b9c-027612b7f6b5".into(),
            use_case: "EMBEDDED_FIAT_ACCOUNTS".into(),
            risk_score: "LOW".into(),
            company_document_type: "INCORPORATION_CERT".into(),
        },
        ..Default::default()
    }
}

/// The company saved with its five scans attached, ready to submit.
fn company_draft(world: &World, desk: &Desk, name: &str, last: &str) -> (String, Draft) {
    let record = desk
        .create_draft_for(PartyKind::Company, Provider::Bvnk)
        .unwrap();
    desk.save_draft(&record.id, &company(name, last)).unwrap();
    for (n, slot) in [
        "COMPANY_DOC",
        "ASSOCIATE:p-ana:FRONT",
        "ASSOCIATE:p-ana:BACK",
        "ASSOCIATE:p-ben:FRONT",
        "ASSOCIATE:p-ben:BACK",
    ]
    .into_iter()
    .enumerate()
    {
        let file = world.picture(&format!("{name}-{n}.png"), (n * 40) as u8);
        desk.attach_scan(&record.id, slot, &file).unwrap();
    }
    let draft = desk.get_draft(&record.id).unwrap().draft;
    (record.id, draft)
}

/// Reads the status until BVNK decides, as the window does while it is open.
async fn decided(desk: &Desk, draft: &str) -> Submission {
    for _ in 0..100 {
        let submission = desk.submission_status(draft).await.unwrap();
        if matches!(submission.state.as_str(), "approved" | "rejected") {
            return submission;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("BVNK never decided");
}

async fn bvnk_customers(world: &World) -> u64 {
    world.stats().await["customers"]["bvnk"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_company_with_two_associates_goes_from_agreement_to_verified_exactly_once() {
    let world = World::new().await;
    let desk = desk(&world);
    let (draft, body) = company_draft(&world, &desk, "Roastery Ltd", "Owner");
    assert_eq!(desk.validate(&body), vec![]);

    let submitted = desk.submit(&draft, &body).unwrap();
    assert_eq!(submitted.state, "waiting");
    desk.run_draft(id(&draft)).await.unwrap();

    // The agreements are prepared; nothing more goes until the customer accepts them.
    let waiting = desk.submission_status(&draft).await.unwrap();
    assert_eq!(waiting.state, "awaiting_terms");
    assert!(desk.awaits_terms(&draft).unwrap());
    let page = desk.terms(&draft).unwrap().unwrap();
    assert!(page.url.starts_with(&world.sandbox.url()), "{}", page.url);
    assert!(page.qr.starts_with("data:image/svg+xml;base64,"));
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(bvnk_customers(&world).await, 0, "still waiting");

    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    assert!(!desk.awaits_terms(&draft).unwrap());
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(bvnk_customers(&world).await, 1);
    assert_eq!(world.successes("/documents").await, 5, "each scan once");

    let verified = decided(&desk, &draft).await;
    assert_eq!(verified.state, "approved");
    let outcome = verified.bvnk.unwrap();
    assert_eq!(outcome.status.as_deref(), Some("VERIFIED"));
    assert_eq!(outcome.associates.len(), 2);
    assert!(outcome.associates.iter().all(Option::is_some));
    assert!(outcome.verification_url.is_some());

    let audit = desk
        .vault()
        .list_audit(&AuditFilter {
            draft_id: Some(id(&draft)),
            outcome: None,
        })
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.record.action.as_str()).collect();
    for action in [
        "bvnk.agreement_prepared",
        "bvnk.agreement_confirmed",
        "bvnk.agreement_signed",
        "bvnk.customer_created",
        "bvnk.document_sent",
        "bvnk.status",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let confirmed = audit
        .iter()
        .find(|e| e.record.action == "bvnk.agreement_confirmed")
        .unwrap();
    assert_eq!(confirmed.record.actor.as_str(), "Dana Reyes");
    assert!(desk.vault().verify_audit().unwrap().is_intact());
}

#[tokio::test]
async fn a_company_named_reject_ends_rejected() {
    let world = World::new().await;
    let desk = desk(&world);
    let (draft, body) = company_draft(&world, &desk, "Reject", "Owner");
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    let rejected = decided(&desk, &draft).await;
    assert_eq!(rejected.state, "rejected");
    assert_eq!(rejected.bvnk.unwrap().status.as_deref(), Some("REJECTED"));
}

#[tokio::test]
async fn lost_answers_are_resent_under_their_keys_and_make_one_customer() {
    let world = World::new().await;
    let desk = desk(&world);
    let (draft, body) = company_draft(&world, &desk, "Lost Answers Ltd", "Owner");
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    // The create and the first document are applied, then their answers are lost.
    world
        .faults(json!([
            {"endpoint": "POST /platform/v1/customers", "kind": "fail_after_commit", "times": 1},
            {"endpoint": "POST /platform/v1/customers/{id}/documents", "kind": "reset_response", "times": 1}
        ]))
        .await;
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(bvnk_customers(&world).await, 1);
    let stats = world.stats().await;
    assert!(
        stats["idempotent_replays"].as_u64().unwrap() >= 2,
        "{stats}"
    );
    // Every document reached BVNK once: the customer moved on to PENDING by itself.
    let submission = desk.submission_status(&draft).await.unwrap();
    assert!(
        matches!(submission.state.as_str(), "submitted" | "approved"),
        "{submission:?}"
    );
}

#[tokio::test]
async fn an_unreadable_create_is_parked_until_a_person_says_what_bvnk_has() {
    let world = World::new().await;
    let desk = desk(&world);
    let (draft, body) = company_draft(&world, &desk, "Unreadable Ltd", "Owner");
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    // Every attempt of the create is answered with an HTML page: it was applied, unseen.
    world
        .faults(json!([{"endpoint": "POST /platform/v1/customers", "kind": "garbled_2xx"}]))
        .await;
    let error = desk.run_draft(id(&draft)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Provider(branchdesk_api::Error::OutcomeUnknown { .. })
        ),
        "{error:?}"
    );
    world.faults(json!([])).await;
    let parked = desk.submission_status(&draft).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    let problem = parked.error.unwrap();
    assert_eq!(problem.code, "unknown_outcome");
    assert!(
        problem.message.contains("branchdesk-"),
        "{}",
        problem.message
    );

    // Not planned again until a person has looked.
    let stored = desk.get_draft(&draft).unwrap().draft;
    let refused = desk.submit(&draft, &stored).unwrap_err();
    assert!(matches!(refused, Error::Invalid(_)), "{refused:?}");
    // A reference BVNK does not know is refused, and nothing is recorded.
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = desk
        .resolve_unknown_bvnk_customer(&draft, Some(&unknown), "Dana Reyes")
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Invalid(_)), "{refused:?}");

    // "It was not created": the plan is made again, and BVNK's own check of the external
    // reference refuses a second customer instead of making one.
    let resent = desk
        .resolve_unknown_bvnk_customer(&draft, None, "Dana Reyes")
        .await
        .unwrap();
    assert_eq!(resent.state, "waiting");
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    let _ = desk.run_draft(id(&draft)).await;
    assert_eq!(bvnk_customers(&world).await, 1, "never a second customer");
    let after = desk.submission_status(&draft).await.unwrap();
    assert_eq!(after.state, "needs_attention", "{after:?}");
}

#[tokio::test]
async fn a_bvnk_draft_without_a_connection_is_refused_in_words() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk
        .create_draft_for(PartyKind::Company, Provider::Bvnk)
        .unwrap();
    let error = desk
        .submit(&record.id, &company("No Connection Ltd", "Owner"))
        .unwrap_err();
    assert!(error.to_string().contains("BVNK"), "{error}");
}

#[tokio::test]
async fn a_refused_company_fixed_and_resubmitted_sends_updates_and_only_the_documents_left() {
    let world = World::new().await;
    let desk = desk(&world);
    let (draft, body) = company_draft(&world, &desk, "Resubmitted Ltd", "Owner");
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    // BVNK refuses the first document: the draft goes back to staff.
    world
        .faults(json!([{
            "endpoint": "POST /platform/v1/customers/{id}/documents",
            "kind": "status", "status": 400, "times": 1
        }]))
        .await;
    let refused = desk.run_draft(id(&draft)).await;
    assert!(refused.is_err(), "{refused:?}");
    let parked = desk.submission_status(&draft).await.unwrap();
    assert_eq!(parked.state, "needs_attention", "{parked:?}");
    assert_eq!(world.successes("/documents").await, 0);

    // Staff fix the description and submit again: the customer is reused, its details
    // and associates go as updates, and every document goes once.
    let mut fixed = desk.get_draft(&draft).unwrap().draft;
    fixed.company.description = "Coffee roasting and retail".into();
    desk.save_draft(&draft, &fixed).unwrap();
    let again = desk.submit(&draft, &fixed).unwrap();
    assert_eq!(again.state, "waiting");
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(bvnk_customers(&world).await, 1, "the customer is reused");
    assert_eq!(world.successes("PUT /platform/v1/customers/{id}").await, 1);
    assert_eq!(world.successes("/associates").await, 1);
    assert_eq!(world.stats().await["documents"]["bvnk"], 5);
    let verified = decided(&desk, &draft).await;
    assert_eq!(verified.state, "approved");
}

#[tokio::test]
async fn a_reviewers_approval_reaches_bvnk_once_across_lost_answers_and_a_restart() {
    use branchdesk_engine::people::{self, Person};
    use branchdesk_engine::review::{Decision, DecisionKind, Reason};
    use branchdesk_vault::Role;

    let world = World::new().await;
    let first = desk(&world);
    // The sandbox keeps a company called "Review" PENDING until someone decides.
    let (draft, body) = company_draft(&world, &first, "Review", "Owner");
    first.submit(&draft, &body).unwrap();
    first.run_draft(id(&draft)).await.unwrap();
    first.confirm_terms(&draft, "Dana Reyes").unwrap();
    first.run_draft(id(&draft)).await.unwrap();
    let mut status = None;
    for _ in 0..20 {
        status = first
            .submission_status(&draft)
            .await
            .unwrap()
            .bvnk
            .unwrap()
            .status;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status.as_deref(), Some("PENDING"), "no decision by itself");
    let queue = first.review_queue().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].reason, Reason::BvnkPending);

    let vault = first.vault();
    people::add(vault, None, "Ana", Role::Admin, "1111").unwrap();
    let ana = first.sign_in("Ana", "1111").unwrap();
    people::add(vault, Some(&ana), "Ben", Role::Reviewer, "2222").unwrap();
    let ben: Person = first.sign_in("Ben", "2222").unwrap();
    first.open_case(&draft, &ben).unwrap();

    // BVNK applies the status but every answer this desk waits for is lost.
    world
        .faults(json!([{
            "endpoint": "PUT /platform/v1/customers/{id}/status",
            "kind": "fail_after_commit",
            "times": 3
        }]))
        .await;
    let approve = Decision {
        kind: DecisionKind::Approve,
        because: "documents_verified".into(),
        note: "Certificate and both licences checked.".into(),
        marks: Vec::new(),
    };
    first.decide_case(&draft, &approve, &ben).unwrap();
    assert!(
        first.review_queue().unwrap().is_empty(),
        "decided: out of the queue"
    );
    let _ = first.run_draft(id(&draft)).await;
    drop(first);
    world.faults(json!([])).await;

    // After a restart the step goes again under its one key; BVNK replays its answer.
    let second = desk(&world);
    second.run_draft(id(&draft)).await.unwrap();
    let verified = decided(&second, &draft).await;
    assert_eq!(verified.state, "approved");
    assert_eq!(verified.bvnk.unwrap().status.as_deref(), Some("VERIFIED"));
    let stats = world.stats().await;
    assert_eq!(stats["status_changes"]["bvnk"], 1, "{stats}");
    assert!(
        stats["idempotent_replays"].as_u64().unwrap() >= 1,
        "{stats}"
    );

    let audit = second
        .vault()
        .list_audit(&AuditFilter {
            draft_id: Some(id(&draft)),
            outcome: None,
        })
        .unwrap();
    let by = |action: &str| {
        audit
            .iter()
            .filter(|e| e.record.action == action)
            .map(|e| e.record.actor.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(by("review.approve"), ["Ben"]);
    let sent: Vec<_> = audit
        .iter()
        .filter(|e| e.record.action == "bvnk.decision_sent")
        .map(|e| e.record.outcome)
        .collect();
    assert_eq!(
        sent.iter()
            .filter(|o| **o == branchdesk_vault::AuditOutcome::Success)
            .count(),
        1,
        "one decision applied: {sent:?}"
    );
}
