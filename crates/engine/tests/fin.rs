//! Fin.com onboarding through the outbox, against the sandbox over loopback: create, the
//! customer's terms, uploads streamed from the encrypted vault, the attach, and the status.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::fin::{FinClient, FinConfig};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::draft::{
    Address, Draft, Email, FinSection, IdentityDocument, Names, PartyKind, PersonDetails, Phone,
    ProviderChoice, TaxId,
};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::Sensitive;
use branchdesk_engine::fin::FinDesk;
use branchdesk_engine::{Desk, Environment, Error};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use branchdesk_vault::{AuditFilter, DraftId, MemoryStore, Vault};
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
    async fn new() -> World {
        let sandbox = Sandbox::start(SandboxConfig {
            compliance_delay: Duration::from_millis(200),
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

    /// A desk on the world's vault, as the app builds it at start-up: dropping it and
    /// building another is a restart.
    fn desk(&self) -> Desk {
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
        let mut config = FinConfig::new(
            self.sandbox.url(),
            credentials.fin.client_id,
            Sensitive::new(credentials.fin.client_secret),
        );
        config.retry = quick();
        let fin = FinClient::new(reqwest::Client::new(), config).unwrap();
        Desk::new(
            vault,
            cos,
            credentials.cos.partner_id,
            Environment::Training,
            self.sandbox.url(),
        )
        .with_fin(FinDesk::new(fin, FinAttachConfig::default()))
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

    /// Requests the sandbox answered 2xx on endpoints ending with `suffix`.
    async fn successes(&self, suffix: &str) -> u64 {
        let stats: Value = reqwest::get(format!("{}/_sandbox/stats", self.sandbox.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
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
        due_diligence: branchdesk_domain::draft::DueDiligence {
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

/// Reads the status until Fin.com decides, as the window does while it is open.
async fn decided(desk: &Desk, draft: &str) -> branchdesk_engine::desk::Submission {
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
