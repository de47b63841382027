//! What the Fin.com engine tests share: a sandbox over loopback, a vault beside it, desks
//! built on them as the app builds its own, and a customer with her licence scans.

// Each test file uses its own part of these.
#![allow(dead_code)]
// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used)]

pub mod offline;

use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::fin::{FinClient, FinConfig};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::draft::{
    Address, Draft, DueDiligence, Email, FinSection, IdentityDocument, Names, PartyKind,
    PersonDetails, Phone, Provider, TaxId,
};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::Sensitive;
use branchdesk_engine::records::Submission;
use branchdesk_engine::FinConnection;
use branchdesk_engine::{Desk, Environment};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use branchdesk_vault::{DraftId, MemoryStore, Vault};
use serde_json::{json, Value};

pub struct World {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    pub files: tempfile::TempDir,
    pub secrets: MemoryStore,
}

pub fn quick() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_attempts: 3,
    }
}

impl World {
    /// The sandbox decides 200 ms after an attach (REVIEWING half way).
    pub async fn new() -> World {
        Self::delayed(Duration::from_millis(200)).await
    }

    /// The sandbox decides `compliance_delay` after an attach (REVIEWING half way).
    pub async fn delayed(compliance_delay: Duration) -> World {
        Self::start(SandboxConfig {
            compliance_delay,
            ..SandboxConfig::default()
        })
        .await
    }

    pub async fn start(config: SandboxConfig) -> World {
        let sandbox = Sandbox::start(config).await.unwrap();
        World {
            sandbox,
            dir: tempfile::tempdir().unwrap(),
            files: tempfile::tempdir().unwrap(),
            secrets: MemoryStore::default(),
        }
    }

    pub fn fin_client(&self, retry: RetryPolicy) -> FinClient {
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
    pub fn desk(&self) -> Desk {
        self.desk_retrying(quick())
    }

    pub fn desk_retrying(&self, retry: RetryPolicy) -> Desk {
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
                timeouts: Default::default(),
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
        .with_fin(FinConnection::new(
            self.fin_client(retry),
            FinAttachConfig::default(),
        ))
    }

    pub async fn faults(&self, rules: Value) {
        let answer = reqwest::Client::new()
            .put(format!("{}/_sandbox/faults", self.sandbox.url()))
            .json(&json!({ "rules": rules }))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
    }

    pub async fn stats(&self) -> Value {
        reqwest::get(format!("{}/_sandbox/stats", self.sandbox.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Customers Fin.com holds, and how many of them repeat another.
    pub async fn fin_customers(&self) -> (u64, u64) {
        let stats = self.stats().await;
        (
            stats["customers"]["fin"].as_u64().unwrap_or(0),
            stats["duplicates"].as_u64().unwrap_or(0),
        )
    }

    /// Requests the sandbox answered 2xx on endpoints ending with `suffix`.
    pub async fn successes(&self, suffix: &str) -> u64 {
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
    pub fn picture(&self, name: &str, shade: u8) -> std::path::PathBuf {
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
    pub fn licence_draft(&self, desk: &Desk, last_name: &str) -> (String, Draft) {
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
pub fn customer(last_name: &str) -> Draft {
    Draft {
        provider: Provider::Fin,
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

pub fn id(text: &str) -> DraftId {
    DraftId(uuid::Uuid::parse_str(text).unwrap())
}

/// Reads the status until Fin.com decides, as the window does while it is open.
pub async fn decided(desk: &Desk, draft: &str) -> Submission {
    for _ in 0..100 {
        let submission = desk.submission_status(draft).await.unwrap();
        let status = submission
            .fin
            .as_ref()
            .map(|f| f.status.as_str().to_owned());
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
