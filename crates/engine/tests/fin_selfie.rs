//! A configured Fin.com connection whose client configuration asks for a selfie with every
//! set of documents: the desk the app starts on it checks for the selfie before anything is
//! sent, against the sandbox configured the same way over loopback.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_domain::draft::{
    Address, Draft, DueDiligence, Email, FinSection, IdentityDocument, Names, PartyKind,
    PersonDetails, Phone, ProviderChoice, TaxId,
};
use branchdesk_engine::setup::{self, ConnectionInput, Settings};
use branchdesk_engine::{Desk, Error};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use branchdesk_vault::{DraftId, MemoryStore, Vault};
use serde_json::Value;

struct World {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    files: tempfile::TempDir,
    secrets: MemoryStore,
}

impl World {
    /// The sandbox's Fin.com asks for a selfie exactly when `selfie_required`.
    async fn new(selfie_required: bool) -> World {
        let sandbox = Sandbox::start(SandboxConfig {
            compliance_delay: Duration::from_millis(200),
            fin_selfie_required: selfie_required,
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

    /// The desk the app starts with Training off, after staff saved the sandbox's COS and
    /// Fin.com connections in Settings, the selfie box as given.
    async fn configured_desk(&self, selfie_required: bool) -> Arc<Desk> {
        let vault = Arc::new(Vault::open(self.dir.path(), &self.secrets).unwrap());
        let credentials = self.sandbox.credentials().clone();
        let sandbox = |provider: &str| ConnectionInput {
            provider: provider.into(),
            environment: "SANDBOX".into(),
            base_url: self.sandbox.url(),
            ..ConnectionInput::default()
        };
        setup::add_connection(
            &vault,
            &self.secrets,
            &ConnectionInput {
                client_id: credentials.cos.client_id,
                partner_id: credentials.cos.partner_id,
                secret: credentials.cos.client_secret,
                ..sandbox("cos")
            },
        )
        .unwrap();
        let fin = setup::add_connection(
            &vault,
            &self.secrets,
            &ConnectionInput {
                client_id: credentials.fin.client_id,
                secret: credentials.fin.client_secret,
                fin_selfie_required: selfie_required,
                ..sandbox("fin")
            },
        )
        .unwrap();
        assert_eq!(fin.fin_selfie_required, selfie_required);
        let settings = Settings {
            training: false,
            ..Settings::default()
        };
        let started = setup::start(self.dir.path(), vault, &self.secrets, &settings)
            .await
            .unwrap();
        assert!(started.training.is_none(), "{:?}", started.problem);
        assert_eq!(started.problem, None);
        started.desk
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

    /// A draft with its licence and proof of address attached, and no selfie.
    fn draft_without_selfie(&self, desk: &Desk) -> (String, Draft) {
        let record = desk.create_draft(PartyKind::Person).unwrap();
        desk.save_draft(&record.id, &customer()).unwrap();
        for (slot, shade) in [("FRONT", 10), ("BACK", 60), ("PROOF_OF_ADDRESS", 110)] {
            let file = self.picture(&format!("{slot}.png"), shade);
            desk.attach_scan(&record.id, slot, &file).unwrap();
        }
        let draft = desk.get_draft(&record.id).unwrap().draft;
        (record.id, draft)
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
}

/// A customer going to Fin.com with a US driver's licence.
fn customer() -> Draft {
    Draft {
        provider: ProviderChoice::Fin,
        kind: PartyKind::Person,
        name: Names {
            first: "Maria".into(),
            last: "Selfie".into(),
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
            ..DueDiligence::default()
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

#[tokio::test]
async fn a_connection_that_requires_a_selfie_refuses_a_draft_without_one_before_sending() {
    let world = World::new(true).await;
    let desk = world.configured_desk(true).await;
    let (draft, body) = world.draft_without_selfie(&desk);

    let shown = desk.validate(&body);
    assert!(
        shown
            .iter()
            .any(|i| i.field == "scans.SELFIE" && i.is_error()),
        "{shown:?}"
    );
    match desk.submit(&draft, &body) {
        Err(Error::Invalid(issues)) => {
            let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
            assert_eq!(fields, ["scans.SELFIE"], "{issues:?}");
        }
        other => panic!("expected a local refusal naming the selfie, got {other:?}"),
    }
    assert_eq!(
        world.successes("/v2/customers/individual").await,
        0,
        "nothing reached Fin.com"
    );

    // With a selfie it goes all the way: the sandbox's Fin.com takes the attach.
    let selfie = world.picture("selfie.png", 160);
    let scans = desk.attach_scan(&draft, "SELFIE", &selfie).unwrap();
    assert!(scans.iter().any(|s| s.slot == "SELFIE"));
    let body = desk.get_draft(&draft).unwrap().draft;
    assert!(
        !desk.validate(&body).iter().any(|i| i.is_error()),
        "{:?}",
        desk.validate(&body)
    );
    desk.submit(&draft, &body).unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    desk.confirm_terms(&draft, "Dana Reyes").unwrap();
    desk.run_draft(id(&draft)).await.unwrap();
    assert_eq!(world.successes("/v1/customers/upload").await, 4);
    assert_eq!(world.successes("/individual/attach").await, 1);
}

#[tokio::test]
async fn a_connection_without_the_setting_leaves_the_selfie_optional() {
    let world = World::new(false).await;
    let desk = world.configured_desk(false).await;
    let (_, body) = world.draft_without_selfie(&desk);
    let shown = desk.validate(&body);
    assert!(
        !shown.iter().any(|i| i.field == "scans.SELFIE"),
        "{shown:?}"
    );
    assert!(!shown.iter().any(|i| i.is_error()), "{shown:?}");
}
