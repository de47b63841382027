//! The review: maker-checker holds a plan until someone other than its maker approves it
//! exactly as submitted; a send-back reopens the draft with its marks; a change voids a
//! check; the queue holds every kind of case; claims keep two reviewers off one case.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use branchdesk_engine::people::{self, Person};
use branchdesk_engine::review::{Decision, DecisionKind, Reason};
use branchdesk_engine::{Desk, Environment, Error};
use branchdesk_vault::{AuditFilter, DraftInput, DraftState, Role};
use serde_json::json;

mod common;
use common::{id, World};

struct People {
    ana: Person,
    ben: Person,
    carl: Person,
    dee: Person,
}

/// Ana (admin) makes; Ben and Carl review; Dee is staff.
fn people(desk: &Desk) -> People {
    let vault = desk.vault();
    people::add(vault, None, "Ana", Role::Admin, "1111").unwrap();
    let ana = desk.sign_in("Ana", "1111").unwrap();
    people::add(vault, Some(&ana), "Ben", Role::Reviewer, "2222").unwrap();
    people::add(vault, Some(&ana), "Carl", Role::Reviewer, "3333").unwrap();
    people::add(vault, Some(&ana), "Dee", Role::Staff, "4444").unwrap();
    people::set_maker_checker(vault, &ana, Environment::Training, true).unwrap();
    People {
        ben: desk.sign_in("Ben", "2222").unwrap(),
        carl: desk.sign_in("Carl", "3333").unwrap(),
        dee: desk.sign_in("Dee", "4444").unwrap(),
        ana,
    }
}

fn approve() -> Decision {
    Decision {
        kind: DecisionKind::Approve,
        because: "documents_verified".into(),
        note: String::new(),
        marks: Vec::new(),
    }
}

fn actions(desk: &Desk) -> Vec<(String, String)> {
    desk.vault()
        .list_audit(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| (e.record.action, e.record.actor.as_str().to_owned()))
        .collect()
}

async fn creates(world: &World) -> u64 {
    world.successes("/v2/customers/individual").await
}

#[tokio::test]
async fn a_held_plan_is_sent_only_after_someone_other_than_its_maker_approves_it() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    let (draft, body) = world.licence_draft(&desk, "Holder");

    let submitted = desk.submit_as(&draft, &body, &p.ana).unwrap();
    assert_eq!(submitted.state, "awaiting_check");
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(creates(&world).await, 0, "nothing leaves before the check");
    assert!(matches!(
        desk.submit_as(&draft, &body, &p.ana),
        Err(Error::Frozen)
    ));

    let queue = desk.review_queue().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].reason, Reason::AwaitingCheck);
    assert_eq!(queue[0].detail, ["Ana"]);

    assert!(matches!(
        desk.decide_case(&draft, &approve(), &p.ana),
        Err(Error::MakerCannotApprove)
    ));
    assert!(matches!(
        desk.decide_case(&draft, &approve(), &p.dee),
        Err(Error::RoleNeeded { .. })
    ));
    let case = desk.open_case(&draft, &p.ben).unwrap();
    assert_eq!(case.summary.claimed_by.as_deref(), Some("Ben"));
    assert!(case.can_decide);
    let seen_by_carl = desk.open_case(&draft, &p.carl).unwrap();
    assert_eq!(seen_by_carl.summary.claimed_by.as_deref(), Some("Ben"));
    assert!(!seen_by_carl.can_decide);
    assert!(desk.decide_case(&draft, &approve(), &p.carl).is_err());

    desk.decide_case(&draft, &approve(), &p.ben).unwrap();
    assert_eq!(desk.get_draft(&draft).unwrap().state, DraftState::Waiting);
    assert!(desk.review_queue().unwrap().is_empty());
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(creates(&world).await, 1, "sent once, as checked");

    let log = actions(&desk);
    for expected in [
        ("submit.for_check", "Ana"),
        ("review.claimed", "Ben"),
        ("review.approve", "Ben"),
    ] {
        assert!(
            log.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {log:?}"
        );
    }
    assert!(desk.vault().verify_audit().unwrap().is_intact());
}

#[tokio::test]
async fn a_send_back_reopens_the_draft_for_its_maker_with_the_marks() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    let (draft, body) = world.licence_draft(&desk, "Marks");
    desk.submit_as(&draft, &body, &p.ana).unwrap();
    desk.open_case(&draft, &p.ben).unwrap();

    let mut back = Decision {
        kind: DecisionKind::SendBack,
        because: "document_unreadable".into(),
        note: String::new(),
        marks: vec!["name.first".into(), "scan:FRONT".into()],
    };
    assert!(matches!(
        desk.decide_case(&draft, &back, &p.ben),
        Err(Error::ReasonNeeded(_))
    ));
    back.note = "The FRONT is cut off; check the first name's spelling.".into();
    let unmarked = Decision {
        marks: Vec::new(),
        ..back.clone()
    };
    assert!(matches!(
        desk.decide_case(&draft, &unmarked, &p.ben),
        Err(Error::MarksNeeded)
    ));
    desk.decide_case(&draft, &back, &p.ben).unwrap();

    let reopened = desk.get_draft(&draft).unwrap();
    assert_eq!(reopened.state, DraftState::Draft);
    let decision = reopened.decision.unwrap();
    assert_eq!(decision.decision, "send_back");
    assert_eq!(decision.reviewer, "Ben");
    assert_eq!(decision.marks, ["name.first", "scan:FRONT"]);
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(creates(&world).await, 0, "a sent-back plan is never sent");

    // The maker fixes it and submits again: a new check.
    desk.save_draft_as(&draft, &reopened.draft, &p.ana).unwrap();
    assert_eq!(
        desk.submit_as(&draft, &reopened.draft, &p.ana)
            .unwrap()
            .state,
        "awaiting_check"
    );
    assert_eq!(desk.review_queue().unwrap().len(), 1);
}

#[tokio::test]
async fn a_change_to_a_draft_awaiting_its_check_voids_the_check() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    let (draft, mut body) = world.licence_draft(&desk, "Change");
    desk.submit_as(&draft, &body, &p.ana).unwrap();

    body.name.first = "Mariana".into();
    desk.save_draft_as(&draft, &body, &p.ana).unwrap();
    assert_eq!(desk.get_draft(&draft).unwrap().state, DraftState::Draft);
    assert!(desk.review_queue().unwrap().is_empty());
    assert!(matches!(
        desk.decide_case(&draft, &approve(), &p.ben),
        Err(Error::NotInQueue)
    ));
    assert!(actions(&desk).contains(&("check.voided".to_owned(), "Ana".to_owned())));

    // A body changed behind the desk's back is not what was checked either.
    desk.submit_as(&draft, &body, &p.ana).unwrap();
    let stored = desk.vault().get_draft(id(&draft)).unwrap().unwrap();
    let mut changed = stored.body.clone();
    changed["name"]["first"] = json!("Someone Else");
    desk.vault()
        .save_draft(
            id(&draft),
            &DraftInput {
                provider: stored.summary.provider,
                kind: stored.summary.kind,
                display_name: stored.summary.display_name,
                masked_tax_id: stored.summary.masked_tax_id,
                state: DraftState::AwaitingCheck,
                body: changed,
            },
        )
        .unwrap();
    desk.open_case(&draft, &p.ben).unwrap();
    assert!(matches!(
        desk.decide_case(&draft, &approve(), &p.ben),
        Err(Error::CheckVoided)
    ));
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(creates(&world).await, 0);
}

#[tokio::test]
async fn an_admin_releases_a_claim_and_another_reviewer_takes_the_case() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    let (draft, body) = world.licence_draft(&desk, "Claim");
    desk.submit_as(&draft, &body, &p.dee).unwrap();
    desk.open_case(&draft, &p.ben).unwrap();
    assert!(matches!(
        desk.release_case(&draft, &p.carl),
        Err(Error::RoleNeeded { .. })
    ));
    assert!(desk.release_case(&draft, &p.ana).unwrap());
    assert_eq!(
        desk.open_case(&draft, &p.carl)
            .unwrap()
            .summary
            .claimed_by
            .as_deref(),
        Some("Carl")
    );
    desk.decide_case(&draft, &approve(), &p.carl).unwrap();
    assert!(actions(&desk).contains(&("review.released".to_owned(), "Ana".to_owned())));
}

#[tokio::test]
async fn notes_are_kept_and_a_reveal_of_a_masked_number_is_audited() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    let (draft, body) = world.licence_draft(&desk, "Notes");
    desk.submit_as(&draft, &body, &p.ana).unwrap();
    let case = desk.open_case(&draft, &p.ben).unwrap();
    let tax = case
        .fields
        .iter()
        .find(|f| f.path == "taxIds[0].number")
        .unwrap();
    assert!(tax.sensitive);
    assert_eq!(tax.value, "•••••6789");
    assert_eq!(
        desk.reveal_field(&draft, "taxIds[0].number", &p.ben)
            .unwrap(),
        "123456789"
    );
    assert!(desk
        .reveal_field(&draft, "taxIds[0].number", &p.dee)
        .is_err());
    assert!(matches!(
        desk.add_case_note(&draft, "  ", &p.ben),
        Err(Error::EmptyNote)
    ));
    desk.add_case_note(&draft, "Called the branch about the licence.", &p.ben)
        .unwrap();
    let case = desk.view_case(&draft, &p.ben).unwrap();
    assert_eq!(case.notes.len(), 1);
    assert_eq!(case.notes[0].author, "Ben");
    let log = actions(&desk);
    assert!(log.contains(&("review.revealed".to_owned(), "Ben".to_owned())));
    assert!(log.contains(&("review.note".to_owned(), "Ben".to_owned())));
    // The log names the field revealed, never its value.
    let entries = desk.vault().list_audit(&AuditFilter::default()).unwrap();
    assert!(!serde_json::to_string(&entries)
        .unwrap()
        .contains("123456789"));
}

#[tokio::test]
async fn fin_reviewing_and_an_unknown_outcome_are_cases() {
    // Fin.com is REVIEWING from half way through its decision's delay.
    let world = World::delayed(Duration::from_secs(4)).await;
    let desk = world.desk();
    let p = people(&desk);
    people::set_maker_checker(desk.vault(), &p.ana, Environment::Training, false).unwrap();

    let (reviewing, body) = world.licence_draft(&desk, "Reviewing");
    desk.submit_as(&reviewing, &body, &p.dee).unwrap();
    desk.run_draft(id(&reviewing)).await.unwrap();
    desk.confirm_terms(&reviewing, "Dee").unwrap();
    desk.run_draft(id(&reviewing)).await.unwrap();
    let mut status = desk.submission_status(&reviewing).await.unwrap();
    for _ in 0..50 {
        if status.fin.as_ref().is_some_and(|f| f.status == "REVIEWING") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = desk.submission_status(&reviewing).await.unwrap();
    }
    assert_eq!(status.fin.unwrap().status, "REVIEWING");

    let (unknown, body) = world.licence_draft(&desk, "Unknown");
    world
        .faults(json!([{"endpoint": "POST /v2/customers/individual", "kind": "garbled_2xx"}]))
        .await;
    desk.submit_as(&unknown, &body, &p.dee).unwrap();
    assert!(desk.run_draft(id(&unknown)).await.is_err());
    world.faults(json!([])).await;

    let queue = desk.review_queue().unwrap();
    let reason_of = |draft: &str| queue.iter().find(|c| c.draft_id == draft).map(|c| c.reason);
    assert_eq!(reason_of(&reviewing), Some(Reason::FinReviewing));
    assert_eq!(reason_of(&unknown), Some(Reason::UnknownOutcome));
    // An unknown outcome is resolved at the provider, not decided here.
    desk.open_case(&unknown, &p.ben).unwrap();
    assert!(matches!(
        desk.decide_case(&unknown, &approve(), &p.ben),
        Err(Error::DecisionNotAllowed(_))
    ));
    // A Fin.com decision is Branchdesk's own record: the case leaves the queue.
    desk.open_case(&reviewing, &p.ben).unwrap();
    desk.decide_case(&reviewing, &approve(), &p.ben).unwrap();
    assert_eq!(
        desk.get_draft(&reviewing).unwrap().state,
        DraftState::Approved
    );
    assert_eq!(reason_of(&reviewing), Some(Reason::FinReviewing));
    assert!(desk
        .review_queue()
        .unwrap()
        .iter()
        .all(|c| c.draft_id != reviewing));
}

#[tokio::test]
async fn fin_action_required_is_a_case_and_a_rejection_needs_a_reason() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    people::set_maker_checker(desk.vault(), &p.ana, Environment::Training, false).unwrap();
    // The sandbox sends a customer named "Reject" back with reasons.
    let (draft, body) = world.licence_draft(&desk, "Reject");
    desk.submit_as(&draft, &body, &p.dee).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dee").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    let back = common::decided(&desk, &draft).await;
    assert_eq!(back.fin.unwrap().status, "ACTION_REQUIRED");
    let queue = desk.review_queue().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].reason, Reason::FinActionRequired);

    desk.open_case(&draft, &p.ben).unwrap();
    let reject = Decision {
        kind: DecisionKind::Reject,
        because: "document_expired".into(),
        note: String::new(),
        marks: Vec::new(),
    };
    assert!(matches!(
        desk.decide_case(&draft, &reject, &p.ben),
        Err(Error::ReasonNeeded(_))
    ));
    let reject = Decision {
        note: "The licence expired before the application.".into(),
        ..reject
    };
    desk.decide_case(&draft, &reject, &p.ben).unwrap();
    let record = desk.get_draft(&draft).unwrap();
    assert_eq!(record.state, DraftState::Rejected);
    let decision = record.decision.unwrap();
    assert_eq!(
        (decision.reviewer.as_str(), decision.because.as_str()),
        ("Ben", "document_expired")
    );
    assert!(desk.review_queue().unwrap().is_empty());
}

/// A person the COS sandbox finds on the PEP list.
fn pep_hit() -> branchdesk_domain::draft::Draft {
    let mut draft =
        branchdesk_engine::drafts::template(branchdesk_domain::draft::PartyKind::Person);
    draft.name.first = "Vladimir".into();
    draft.name.last = "Putin".into();
    draft.person.birth_date = "1952-10-07".into();
    draft.person.citizenship_country = "US".into();
    draft.tax_ids[0].number = "119-98-8776".into();
    draft.addresses[0].street1 = "123 Any St".into();
    draft.addresses[0].city = "Anywhere".into();
    draft.addresses[0].state = "NY".into();
    draft.addresses[0].postal_code = "12345".into();
    draft.phones[0].number = "(201) 555-2345".into();
    draft.emails[0].address = "v@example.com".into();
    draft.identity_documents.clear();
    draft
}

#[tokio::test]
async fn a_cos_compliance_hit_is_a_case_until_a_reviewer_decides() {
    let world = World::new().await;
    let desk = world.desk();
    let p = people(&desk);
    people::set_maker_checker(desk.vault(), &p.ana, Environment::Training, false).unwrap();
    let record = desk
        .create_draft(branchdesk_domain::draft::PartyKind::Person)
        .unwrap();
    desk.save_draft_as(&record.id, &pep_hit(), &p.dee).unwrap();
    desk.submit_as(&record.id, &pep_hit(), &p.dee).unwrap();
    desk.run_draft(id(&record.id)).await.unwrap();
    let mut settled = false;
    for _ in 0..50 {
        let now = desk.submission_status(&record.id).await.unwrap();
        if now.outcome.as_ref().is_some_and(|o| o.settled) {
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(settled, "COS settled its checks");
    let queue = desk.review_queue().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].reason, Reason::Compliance);
    assert!(
        queue[0].detail.contains(&"pepScan:Positive".to_owned()),
        "{:?}",
        queue[0].detail
    );
    desk.open_case(&record.id, &p.ben).unwrap();
    desk.decide_case(
        &record.id,
        &Decision {
            kind: DecisionKind::Approve,
            because: "false_positive".into(),
            note: "Different birth date from the listed person.".into(),
            marks: Vec::new(),
        },
        &p.ben,
    )
    .unwrap();
    assert!(desk.review_queue().unwrap().is_empty());
    let decided = desk.get_draft(&record.id).unwrap();
    assert_eq!(decided.state, DraftState::Approved);
    assert_eq!(decided.decision.unwrap().because, "false_positive");
}

#[tokio::test]
async fn four_eyes_start_with_the_first_profile_and_reasons_come_from_the_list() {
    let world = World::new().await;
    let desk = world.desk();
    // Switched on before anyone has a profile: nobody could check, so nothing is held.
    people::set_maker_checker(
        desk.vault(),
        &Person::trainee(),
        Environment::Training,
        true,
    )
    .unwrap();
    assert!(!desk.maker_checker().unwrap());
    let (first, body) = world.licence_draft(&desk, "Early");
    assert_eq!(desk.submit(&first, &body).unwrap().state, "waiting");

    let p = people(&desk);
    assert!(desk.maker_checker().unwrap());
    let (held, body) = world.licence_draft(&desk, "Later");
    assert_eq!(
        desk.submit_as(&held, &body, &p.ana).unwrap().state,
        "awaiting_check"
    );
    desk.open_case(&held, &p.ben).unwrap();
    let made_up = Decision {
        because: "looked_fine".into(),
        ..approve()
    };
    match desk.decide_case(&held, &made_up, &p.ben) {
        Err(Error::UnknownReason(code)) => assert_eq!(code, "looked_fine"),
        other => panic!("expected an unknown reason, got {other:?}"),
    }
}
