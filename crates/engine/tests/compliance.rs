//! COS compliance results after the customer exists: kept in the vault once settled, so a
//! COS that forgets the customer (the Training sandbox restarted on a new port) neither
//! turns a Positive back into Pending nor keeps the page asking.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::cos::ScanStatus;
use branchdesk_domain::draft::PartyKind;
use branchdesk_domain::owners::OwnerStanding;
use branchdesk_domain::Sensitive;
use branchdesk_engine::drafts::template;
use branchdesk_engine::flows::cos::compliance::CHECKS_RECEIVED;
use branchdesk_engine::{Desk, Environment};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use branchdesk_vault::{AuditFilter, DraftId, MemoryStore, Vault};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        compliance_delay: Duration::from_millis(50),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A desk on the vault in `dir`, talking to `sandbox`, as the app builds it at start-up.
fn desk(dir: &std::path::Path, secrets: &MemoryStore, sandbox: &Sandbox) -> Desk {
    let vault = Arc::new(Vault::open(dir, secrets).unwrap());
    let credentials = sandbox.credentials().cos.clone();
    let cos = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: sandbox.url(),
            token_url: format!("{}/connect/token", sandbox.url()),
            client_id: credentials.client_id,
            client_secret: Sensitive::new(credentials.client_secret),
            audience: AUDIENCE.to_owned(),
            retry: RetryPolicy {
                min_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
                max_attempts: 2,
            },
            timeouts: Default::default(),
        },
    )
    .unwrap();
    Desk::new(
        vault,
        cos,
        credentials.partner_id,
        Environment::Training,
        sandbox.url(),
    )
}

fn pep_hit() -> branchdesk_domain::draft::Draft {
    let mut draft = template(PartyKind::Person);
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
async fn a_settled_result_is_kept_when_the_training_sandbox_forgets_the_customer() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let first = sandbox().await;
    let desk1 = desk(dir.path(), &secrets, &first);
    let record = desk1.create_draft(PartyKind::Person).unwrap();
    desk1.save_draft(&record.id, &pep_hit()).unwrap();
    desk1.submit(&record.id, &pep_hit()).unwrap();
    let id = DraftId(uuid::Uuid::parse_str(&record.id).unwrap());
    desk1.run_draft(id).await.unwrap();

    // The page asks until the checks settle.
    let mut settled = None;
    for _ in 0..100 {
        let now = desk1.submission_status(&record.id).await.unwrap();
        let outcome = now.outcome.unwrap();
        if outcome.settled {
            settled = Some(outcome);
            break;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let settled = settled.expect("the sandbox settles the checks");
    assert_eq!(settled.pep_scan, Some(ScanStatus::Positive));
    assert!(settled.received.pep_scan.is_some(), "{settled:?}");
    assert!(!settled.unknown_to_provider);
    // The owner pickers show the person by name with the result kept, flagged as a hit.
    let listed = desk1.cos_customers().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].name, "Vladimir Putin");
    assert_eq!(listed[0].customer_id, settled.customer_id);
    assert_eq!(listed[0].cif_number, settled.cif_number);
    assert_eq!(listed[0].pep_scan, Some(ScanStatus::Positive));
    assert_eq!(listed[0].received.pep_scan, settled.received.pep_scan);
    assert_eq!(listed[0].standing, OwnerStanding::Hit);
    let audit = desk1.vault().list_audit(&AuditFilter::default()).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.record.action == CHECKS_RECEIVED)
            .count(),
        1,
        "one entry for the results received, none for asking again"
    );
    drop(desk1);
    drop(first);

    // Training is switched off and on: a new sandbox on a new port, without the customer.
    let second = sandbox().await;
    let desk2 = desk(dir.path(), &secrets, &second);
    let now = desk2.submission_status(&record.id).await.unwrap();
    let outcome = now.outcome.unwrap();
    assert_eq!(outcome.pep_scan, Some(ScanStatus::Positive), "{outcome:?}");
    assert_eq!(outcome.ofac, settled.ofac);
    assert_eq!(outcome.received, settled.received);
    assert!(outcome.settled, "nothing left to ask: the page stops");
    // The pickers read what is kept: the hit stays flagged though COS forgot the person.
    let listed = desk2.cos_customers().unwrap();
    assert_eq!(listed[0].standing, OwnerStanding::Hit, "{listed:?}");
}

#[tokio::test]
async fn a_customer_cos_no_longer_knows_is_said_so_while_checks_are_pending() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    // Checks that take an hour: still Pending when the sandbox restarts.
    let first = Sandbox::start(SandboxConfig {
        compliance_delay: Duration::from_secs(3600),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let desk1 = desk(dir.path(), &secrets, &first);
    let record = desk1.create_draft(PartyKind::Person).unwrap();
    desk1.save_draft(&record.id, &pep_hit()).unwrap();
    desk1.submit(&record.id, &pep_hit()).unwrap();
    let id = DraftId(uuid::Uuid::parse_str(&record.id).unwrap());
    desk1.run_draft(id).await.unwrap();
    let pending = desk1.submission_status(&record.id).await.unwrap();
    assert!(!pending.outcome.unwrap().unknown_to_provider);
    // Nothing received yet: the pickers say so rather than calling the person clear.
    let listed = desk1.cos_customers().unwrap();
    assert_eq!(listed[0].standing, OwnerStanding::Pending, "{listed:?}");
    assert_eq!(listed[0].pep_scan, Some(ScanStatus::Pending));
    drop(desk1);
    drop(first);

    let second = sandbox().await;
    let desk2 = desk(dir.path(), &secrets, &second);
    let outcome = desk2
        .submission_status(&record.id)
        .await
        .unwrap()
        .outcome
        .unwrap();
    assert!(outcome.unknown_to_provider, "{outcome:?}");
    assert!(!outcome.settled);
}
