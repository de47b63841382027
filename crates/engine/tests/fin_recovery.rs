//! Fin.com onboarding when an answer is lost: a create that went out before a crash, or
//! whose answer never came, is never sent again until a person has checked at Fin.com and
//! said what they found; an attach whose answer was lost counts as attached once Fin.com
//! has moved on. Against the sandbox over loopback, with its fault injection.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::fin::{FinClient, FinConfig};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::draft::{
    Address, Draft, DueDiligence, Email, FinSection, IdentityDocument, Names, PartyKind,
    PersonDetails, Phone, ProviderChoice, TaxId,
};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::Sensitive;
use branchdesk_engine::desk::Submission;
use branchdesk_engine::fin::{FinDesk, CUSTOMER_CHECKED};
use branchdesk_engine::{Desk, Environment, Error};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use branchdesk_vault::{
    AuditEntry, AuditFilter, AuditOutcome, DraftId, DraftState, MemoryStore, Step, StepStatus,
    Vault,
};
use serde_json::{json, Value};

struct World {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    files: tempfile::TempDir,
    secrets: MemoryStore,
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_attempts: 3,
    }
}

impl World {
    /// The sandbox decides `compliance_delay` after an attach (REVIEWING half way).
    async fn new(compliance_delay: Duration) -> World {
        let sandbox = Sandbox::start(SandboxConfig {
            compliance_delay,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        World {
            sandbox,
            dir: tempfile::tempdir().unwrap(),
            files: tempfile::tempdir().unwrap(),
            secrets: MemoryStore::default(),
        }
    }

    fn fin_client(&self, retry: RetryPolicy) -> FinClient {
        let credentials = self.sandbox.credentials().clone();
        let mut config = FinConfig::new(
            self.sandbox.url(),
            credentials.fin.client_id,
            Sensitive::new(credentials.fin.client_secret),
        );
        config.retry = retry;
        FinClient::new(reqwest::Client::new(), config).unwrap()
    }

    /// A desk on the world's vault, as the app builds it at start-up: dropping it and
    /// building another is a restart.
    fn desk(&self) -> Desk {
        self.desk_retrying(quick())
    }

    fn desk_retrying(&self, retry: RetryPolicy) -> Desk {
        let vault = Arc::new(Vault::open(self.dir.path(), &self.secrets).unwrap());
        let credentials = self.sandbox.credentials().clone();
        let cos = CosClient::new(
            reqwest::Client::new(),
            CosConfig {
                base_url: self.sandbox.url(),
                token_url: format!("{}/connect/token", self.sandbox.url()),
                client_id: credentials.cos.client_id,
                client_secret: Sensitive::new(credentials.cos.client_secret),
                audience: AUDIENCE.to_owned(),
                retry: quick(),
            },
        )
        .unwrap();
        Desk::new(
            vault,
            cos,
            credentials.cos.partner_id,
            Environment::Training,
            self.sandbox.url(),
        )
        .with_fin(FinDesk::new(
            self.fin_client(retry),
            FinAttachConfig::default(),
        ))
    }

    async fn faults(&self, rules: Value) {
        let answer = reqwest::Client::new()
            .put(format!("{}/_sandbox/faults", self.sandbox.url()))
            .json(&json!({ "rules": rules }))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
    }

    async fn stats(&self) -> Value {
        reqwest::get(format!("{}/_sandbox/stats", self.sandbox.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Customers Fin.com holds, and how many of them repeat another.
    async fn fin_customers(&self) -> (u64, u64) {
        let stats = self.stats().await;
        (
            stats["customers"]["fin"].as_u64().unwrap_or(0),
            stats["duplicates"].as_u64().unwrap_or(0),
        )
    }

    /// Requests the sandbox answered 2xx on endpoints ending with `suffix`.
    async fn successes(&self, suffix: &str) -> u64 {
        let stats = self.stats().await;
        stats["requests"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(endpoint, _)| endpoint.ends_with(suffix))
            .flat_map(|(_, statuses)| statuses.as_object().unwrap().iter())
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(_, n)| n.as_u64().unwrap())
            .sum()
    }

    /// A card-sized picture with sharp edges: no quality warning.
    fn picture(&self, name: &str, shade: u8) -> std::path::PathBuf {
        let path = self.files.path().join(name);
        let image = image::RgbImage::from_fn(1600, 1000, |x, y| {
            if (x / 40 + y / 40) % 2 == 0 {
                image::Rgb([20, 20, shade])
            } else {
                image::Rgb([235, 235, 235])
            }
        });
        image.save(&path).unwrap();
        path
    }

    /// A draft with its licence scans attached, ready to submit.
    fn licence_draft(&self, desk: &Desk, last_name: &str) -> (String, Draft) {
        let record = desk.create_draft(PartyKind::Person).unwrap();
        desk.save_draft(&record.id, &customer(last_name)).unwrap();
        for (slot, shade) in [("FRONT", 10), ("BACK", 60), ("PROOF_OF_ADDRESS", 110)] {
            let file = self.picture(&format!("{slot}-{last_name}.png"), shade);
            desk.attach_scan(&record.id, slot, &file).unwrap();
        }
        let draft = desk.get_draft(&record.id).unwrap().draft;
        (record.id, draft)
    }
}

/// A customer as staff type her in, going to Fin.com with a US driver's licence.
fn customer(last_name: &str) -> Draft {
    Draft {
        provider: ProviderChoice::Fin,
        kind: PartyKind::Person,
        name: Names {
            first: "Maria".into(),
            last: last_name.into(),
            ..Names::default()
        },
        person: PersonDetails {
            birth_date: "1990-04-15".into(),
            citizenship_country: "US".into(),
            gender: "FEMALE".into(),
            ..PersonDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ssn".into(),
            number: "123456789".into(),
            country: "US".into(),
        }],
        addresses: vec![Address {
            address_type: "Home".into(),
            classification: "Residential".into(),
            is_primary: true,
            street1: "123 Market Street".into(),
            city: "San Francisco".into(),
            state: "CA".into(),
            postal_code: "94103".into(),
            country: "US".into(),
            ..Address::default()
        }],
        phones: vec![Phone {
            phone_type: "Mobile".into(),
            is_primary: true,
            number: "(415) 555-2671".into(),
            ..Phone::default()
        }],
        emails: vec![Email {
            email_type: "Personal".into(),
            is_primary: true,
            address: "maria@example.com".into(),
        }],
        identity_documents: vec![IdentityDocument {
            id_type: "DriversLicense".into(),
            is_primary: true,
            number: "DL987654321".into(),
            issued_date: "2019-06-01".into(),
            expiry_date: "2031-06-01".into(),
            issuing_authority: "California DMV".into(),
            issuing_state_or_province: "CA".into(),
            issuing_country: "US".into(),
            ..IdentityDocument::default()
        }],
        due_diligence: DueDiligence {
            employment_status: "EMPLOYED".into(),
            expected_monthly_volume: "5000".into(),
            ..Default::default()
        },
        fin: FinSection {
            verification_type: "STANDARD".into(),
            occupation_id: "42".into(),
            purpose_id: "3".into(),
            source_of_fund_ids: vec!["1".into()],
            address_document_type: "UTILITY_BILL".into(),
            ..FinSection::default()
        },
        ..Draft::default()
    }
}

fn id(text: &str) -> DraftId {
    DraftId(uuid::Uuid::parse_str(text).unwrap())
}

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

/// Reads the status until Fin.com decides, as the window does while it is open.
async fn decided(desk: &Desk, draft: &str) -> Submission {
    for _ in 0..100 {
        let submission = desk.submission_status(draft).await.unwrap();
        let status = submission.fin.as_ref().map(|f| f.status.clone());
        if matches!(
            status.as_deref(),
            Some("APPROVED" | "ACTION_REQUIRED" | "REJECTED")
        ) {
            return submission;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("Fin.com never decided");
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
    let world = World::new(Duration::from_millis(200)).await;
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
    let world = World::new(Duration::from_millis(200)).await;
    let (draft, body, reference, created) = {
        let desk = world.desk();
        let (draft, body) = world.licence_draft(&desk, "Garcia");
        desk.submit(&draft, &body).unwrap();
        // What the runner does before a crash: the step is marked sent, its request
        // reaches Fin.com and creates the customer, and the process dies with the answer.
        let create = first_step(&desk, &draft);
        desk.vault()
            .start_step(create.id, DraftState::Sending)
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
    let world = World::new(Duration::from_millis(200)).await;
    let (draft, reference) = {
        let desk = world.desk();
        let (draft, body) = world.licence_draft(&desk, "Nguyen");
        desk.submit(&draft, &body).unwrap();
        let create = first_step(&desk, &draft);
        desk.vault()
            .start_step(create.id, DraftState::Sending)
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
    let world = World::new(Duration::from_millis(200)).await;
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
    let world = World::new(Duration::from_millis(200)).await;
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
    let world = World::new(Duration::from_secs(1)).await;
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
    let world = World::new(Duration::from_millis(200)).await;
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
