//! What the COS client logs during a whole onboarding, captured from a real run against
//! the sandbox. Alone in its own test binary: a process-wide subscriber sees every thread,
//! where a scoped one can miss events that other tests' threads got to first.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::cos::onboarding;
use branchdesk_domain::draft::{
    Address, CosSection, Draft, Email, IdentityDocument, Names, PartyKind, PersonDetails, Phone,
    TaxId,
};
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

const SECRET: &str = "cos-training-secret";

fn peter() -> Draft {
    Draft {
        kind: PartyKind::Person,
        name: Names {
            first: "Peter".into(),
            last: "Griffin".into(),
            ..Names::default()
        },
        person: PersonDetails {
            birth_date: "1953-09-22".into(),
            citizenship_country: "US".into(),
            ..PersonDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ssn".into(),
            number: "119-98-8776".into(),
            country: "US".into(),
        }],
        addresses: vec![Address {
            address_type: "Home".into(),
            street1: "31 Spooner Street".into(),
            city: "Quahog".into(),
            state: "RI".into(),
            postal_code: "02903".into(),
            country: "US".into(),
            ..Address::default()
        }],
        phones: vec![Phone {
            phone_type: "Mobile".into(),
            number: "(201) 555-2345".into(),
            ..Phone::default()
        }],
        emails: vec![Email {
            address: "peter@example.com".into(),
            ..Email::default()
        }],
        identity_documents: vec![IdentityDocument {
            id_type: "Passport".into(),
            number: "X1234567".into(),
            expiry_date: "2099-01-01".into(),
            issuing_authority: "U.S. Department of State".into(),
            issuing_country: "US".into(),
            ..IdentityDocument::default()
        }],
        cos: CosSection {
            risk_rating: "Low".into(),
            ..CosSection::default()
        },
        ..Draft::default()
    }
}

/// A `Write` into a shared buffer, for capturing what the client logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_carry_the_authorization_the_secret_or_the_tax_id() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false),
        )
        // Everything the client and the HTTP stack under it say, at every level; the
        // sandbox's own logs are the provider's side, not ours.
        .with(
            Targets::new()
                .with_default(LevelFilter::TRACE)
                .with_target("branchdesk_sandbox", LevelFilter::OFF),
        );
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let credentials = sandbox.credentials().cos.clone();
    let client = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: sandbox.url(),
            token_url: format!("{}/connect/token", sandbox.url()),
            client_id: credentials.client_id,
            client_secret: Sensitive::new(credentials.client_secret),
            audience: AUDIENCE.to_owned(),
            retry: RetryPolicy {
                min_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                max_attempts: 5,
            },
            timeouts: Default::default(),
        },
    )
    .unwrap();
    // A retried request too, so the retry path's logs are covered.
    let faults = json!({"rules": [{"endpoint": "POST /core/v1/cm/customers", "kind": "status", "status": 503, "times": 1}]});
    let answer = reqwest::Client::new()
        .put(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let today = chrono::Local::now().date_naive();
    let plan = onboarding(&sandbox.credentials().cos.partner_id, &peter(), today).unwrap();
    let key = || uuid::Uuid::new_v4().to_string();
    let customer = client
        .create_customer(&serde_json::to_vec(&plan.customer).unwrap(), &key())
        .await
        .unwrap();
    let id = customer.id;
    client
        .add_address(
            &id,
            &serde_json::to_vec(&plan.addresses[0]).unwrap(),
            &key(),
        )
        .await
        .unwrap();
    client
        .add_phone(&id, &serde_json::to_vec(&plan.phones[0]).unwrap(), &key())
        .await
        .unwrap();
    client
        .add_email(&id, &serde_json::to_vec(&plan.emails[0]).unwrap(), &key())
        .await
        .unwrap();
    client
        .add_identification(
            &id,
            &serde_json::to_vec(&plan.identifications[0]).unwrap(),
            &key(),
        )
        .await
        .unwrap();
    client.get_customer(&id).await.unwrap();
    client.check_credentials().await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("COS answered"), "the capture works: {logs}");
    assert!(logs.contains("will be retried"), "{logs}");
    let lower = logs.to_lowercase();
    for needle in [
        "119988776",
        "119-98-8776",
        SECRET,
        "bearer",
        "authorization",
    ] {
        assert!(
            !lower.contains(&needle.to_lowercase()),
            "{needle:?} appears in the logs:\n{logs}"
        );
    }
}
