//! The outbox end to end: a real vault on disk, the real COS client, and the provider
//! sandbox over loopback. "Restarting" is dropping the desk and opening the vault again.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::draft::{Draft, PartyKind};
use branchdesk_domain::Sensitive;
use branchdesk_engine::drafts::template;
use branchdesk_engine::{Desk, Environment};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use branchdesk_vault::{DraftId, MemoryStore, StepStatus, Vault};
use serde_json::{json, Value};

struct World {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    secrets: MemoryStore,
}

impl World {
    async fn new() -> World {
        let sandbox = Sandbox::start(SandboxConfig {
            compliance_delay: Duration::from_millis(100),
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        World {
            sandbox,
            dir: tempfile::tempdir().unwrap(),
            secrets: MemoryStore::default(),
        }
    }

    /// A desk on the world's vault, as the app builds it at start-up.
    fn desk(&self) -> Desk {
        let vault = Arc::new(Vault::open(self.dir.path(), &self.secrets).unwrap());
        let credentials = self.sandbox.credentials().cos.clone();
        let cos = CosClient::new(
            reqwest::Client::new(),
            CosConfig {
                base_url: self.sandbox.url(),
                token_url: format!("{}/connect/token", self.sandbox.url()),
                client_id: credentials.client_id,
                client_secret: Sensitive::new(credentials.client_secret),
                audience: AUDIENCE.to_owned(),
                retry: RetryPolicy {
                    min_delay: Duration::from_millis(5),
                    max_delay: Duration::from_millis(20),
                    max_attempts: 3,
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
            self.sandbox.url(),
        )
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
}

fn peter() -> Draft {
    let mut draft = template(PartyKind::Person);
    draft.name.first = "Peter".into();
    draft.name.last = "Griffin".into();
    draft.person.birth_date = "1953-09-22".into();
    draft.person.citizenship_country = "US".into();
    draft.tax_ids[0].number = "119-98-8776".into();
    draft.addresses[0].street1 = "123 Any St".into();
    draft.addresses[0].city = "Anywhere".into();
    draft.addresses[0].state = "NY".into();
    draft.addresses[0].postal_code = "12345".into();
    draft.phones[0].number = "(201) 555-2345".into();
    draft.emails[0].address = "peter@example.com".into();
    draft.identity_documents.clear();
    draft
}

fn id_of(record: &branchdesk_engine::records::DraftRecord) -> DraftId {
    DraftId(uuid::Uuid::parse_str(&record.id).unwrap())
}

fn successes(stats: &Value, endpoint: &str) -> u64 {
    let counts = &stats["requests"][endpoint];
    counts["200"].as_u64().unwrap_or(0) + counts["201"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn a_submission_interrupted_by_the_network_resumes_after_a_restart_without_duplicates() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.save_draft(&record.id, &peter()).unwrap();
    desk.submit(&record.id, &peter()).unwrap();

    // Phones keep failing: the runner stops there, the draft waits for the network.
    world.faults(json!([{"endpoint": "POST /core/v1/cm/customers/{id}/phones", "kind": "status", "status": 503}])).await;
    assert!(desk.run_draft(id_of(&record)).await.is_err());
    let waiting = desk.submission_status(&record.id).await.unwrap();
    assert_eq!(waiting.state, "waiting");
    assert_eq!(
        waiting.done_steps, 2,
        "customer and address done, phone not"
    );
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    let phone = plan
        .steps
        .iter()
        .find(|s| s.kind.starts_with("cos.phone"))
        .unwrap();
    assert_eq!(
        phone.status,
        StepStatus::Sent,
        "kept to be resent, never skipped"
    );
    let key = phone.idempotency_key.clone();
    drop(desk);

    // The app restarts; the network is back.
    world.faults(json!([])).await;
    let desk = world.desk();
    let pending = desk.vault().drafts_with_pending_work().unwrap();
    assert_eq!(pending, vec![id_of(&record)]);
    desk.run_draft(id_of(&record)).await.unwrap();
    let done = desk.submission_status(&record.id).await.unwrap();
    assert_eq!(done.state, "submitted");
    assert_eq!(done.done_steps, done.total_steps);
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    let phone = plan
        .steps
        .iter()
        .find(|s| s.kind.starts_with("cos.phone"))
        .unwrap();
    assert_eq!(
        phone.idempotency_key, key,
        "the resend used the key fixed at planning"
    );

    let stats = world.stats().await;
    assert_eq!(stats["duplicates"], 0, "{stats}");
    assert_eq!(
        successes(&stats, "POST /core/v1/cm/customers"),
        1,
        "{stats}"
    );
    assert_eq!(
        successes(&stats, "POST /core/v1/cm/customers/{id}/phones"),
        1,
        "{stats}"
    );
}

#[tokio::test]
async fn a_create_that_reached_the_provider_before_a_crash_is_not_created_twice() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter()).unwrap();
    // The create is applied by COS but its answer is lost, and the process dies right then.
    world.faults(json!([{"endpoint": "POST /core/v1/cm/customers", "kind": "fail_after_commit", "times": 1}])).await;
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    let create = &plan.steps[0];
    desk.vault().mark_step_sent(create.id).unwrap();
    let sent = reqwest::Client::new()
        .post(format!("{}/core/v1/cm/customers", world.sandbox.url()))
        .bearer_auth(token(&world).await)
        .header("idempotency-Key", &create.idempotency_key)
        .header("content-type", "application/json")
        .body(create.body.clone())
        .send()
        .await;
    assert!(sent.is_err(), "the answer was lost");
    drop(desk);

    let desk = world.desk();
    desk.run_draft(id_of(&record)).await.unwrap();
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    eprintln!(
        "{:?}",
        plan.steps
            .iter()
            .map(|s| (&s.kind, s.status, &s.last_error))
            .collect::<Vec<_>>()
    );
    eprintln!("{:?}", desk.submission_status(&record.id).await.unwrap());
    let stats = world.stats().await;
    assert_eq!(stats["customers"]["cos"], 1, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
    assert!(
        stats["idempotent_replays"].as_u64().unwrap() >= 1,
        "the resend was a replay: {stats}"
    );
}

#[tokio::test]
async fn a_rejection_parks_the_draft_and_the_fix_resends_only_what_changed() {
    let world = World::new().await;
    let desk = world.desk();
    let owner = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&owner.id, &peter()).unwrap();
    desk.run_draft(id_of(&owner)).await.unwrap();
    let owner_id = desk.cos_customers().unwrap()[0].customer_id.clone();

    let mut business = template(PartyKind::Company);
    business.company.legal_name = "Pawtucket Brewery LLC".into();
    business.company.date_formed = "2001-05-01".into();
    business.company.entity_type = "LLC".into();
    business.company.ownership_type = "Private".into();
    business.tax_ids[0].number = "12-3456789".into();
    business.cos.primary_owner_customer_id = owner_id.clone();
    business.cos.beneficial_owners[0].owner_customer_id = uuid::Uuid::new_v4().to_string();
    business.cos.beneficial_owners[0].title = "Managing member".into();
    business.cos.beneficial_owners[0].ownership_percentage = "100".into();
    business.addresses[0].street1 = "1 Brewery Rd".into();
    business.addresses[0].city = "Quahog".into();
    business.addresses[0].state = "RI".into();
    business.addresses[0].postal_code = "02860".into();
    let record = desk.create_draft(PartyKind::Company).unwrap();
    desk.submit(&record.id, &business).unwrap();
    assert!(desk.run_draft(id_of(&record)).await.is_err());
    let parked = desk.submission_status(&record.id).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    let problem = parked.error.unwrap();
    assert_eq!(problem.code, "rejected");
    assert_eq!(
        problem.field.as_deref(),
        Some("cos.beneficialOwners[0].ownerCustomerId")
    );

    // Staff fix the owner and resubmit: the business and its address are not sent again.
    business.cos.beneficial_owners[0].owner_customer_id = owner_id;
    desk.save_draft(&record.id, &business).unwrap();
    desk.submit(&record.id, &business).unwrap();
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    let kinds: Vec<&str> = plan.steps.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["cos.known_customer[0]", "cos.beneficial_owner[0]"]);
    desk.run_draft(id_of(&record)).await.unwrap();
    assert_eq!(
        desk.submission_status(&record.id).await.unwrap().state,
        "submitted"
    );

    let stats = world.stats().await;
    assert_eq!(
        stats["customers"]["cos"], 2,
        "one person, one business: {stats}"
    );
    assert_eq!(
        successes(&stats, "POST /core/v1/cm/customers/{id}/addresses"),
        2,
        "{stats}"
    );
    assert_eq!(
        successes(&stats, "POST /core/v1/cm/customers/{id}/beneficial-owners"),
        1
    );
}

#[tokio::test]
async fn a_submitted_draft_is_frozen_and_drafts_are_listed_with_masked_tax_ids() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.save_draft(&record.id, &peter()).unwrap();
    let listed = desk.list_drafts("grif", "").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].display_name, "Peter Griffin");
    let masked = listed[0].masked_tax_id.clone().unwrap();
    assert!(
        masked.ends_with("8776") && !masked.contains("119"),
        "{masked}"
    );
    assert!(desk.list_drafts("nobody", "").unwrap().is_empty());

    desk.submit(&record.id, &peter()).unwrap();
    assert!(matches!(
        desk.save_draft(&record.id, &peter()),
        Err(branchdesk_engine::Error::Frozen)
    ));
    assert!(matches!(
        desk.submit(&record.id, &peter()),
        Err(branchdesk_engine::Error::Frozen)
    ));

    let copy = desk.duplicate_draft(&record.id).unwrap();
    assert_ne!(copy.id, record.id);
    assert_eq!(copy.draft.name.last, "Griffin");
    desk.delete_draft(&copy.id).unwrap();
    assert!(matches!(
        desk.get_draft(&copy.id),
        Err(branchdesk_engine::Error::NotFound)
    ));
}

#[tokio::test]
async fn an_invalid_draft_is_refused_before_anything_is_planned() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let mut draft = peter();
    draft.tax_ids[0].number = "666-12-3456".into();
    match desk.submit(&record.id, &draft) {
        Err(branchdesk_engine::Error::Invalid(issues)) => {
            assert!(
                issues.iter().any(|i| i.field == "taxIds[0].number"),
                "{issues:?}"
            );
        }
        other => panic!("expected the draft to be refused, got {other:?}"),
    }
    assert!(desk.vault().latest_plan(id_of(&record)).unwrap().is_none());
    // Blank optional rows are not errors: an untouched email row is simply not sent.
    let mut draft = peter();
    draft.emails[0].address.clear();
    assert!(desk
        .validate(&draft)
        .iter()
        .all(|i| !i.field.starts_with("emails")));
}

async fn token(world: &World) -> String {
    let credentials = world.sandbox.credentials().cos.clone();
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/connect/token", world.sandbox.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", credentials.client_id.as_str()),
            ("client_secret", credentials.client_secret.as_str()),
            ("audience", AUDIENCE),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_request_of_unknown_fate_is_not_resent_past_the_providers_key_retention() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter()).unwrap();
    // The create went out and the process died before any answer.
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    desk.vault().mark_step_sent(plan.steps[0].id).unwrap();
    drop(desk);

    // Restarted after COS has forgotten the key (a zero retention stands in for 7 days).
    let desk = world.desk().with_key_retention(Duration::ZERO);
    desk.run_draft(id_of(&record)).await.unwrap();
    let parked = desk.submission_status(&record.id).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    let problem = parked.error.unwrap();
    assert_eq!(problem.code, "unknown_outcome");
    assert!(
        problem.message.contains("check the customer"),
        "{}",
        problem.message
    );
    let stats = world.stats().await;
    assert!(
        stats["requests"]
            .get("POST /core/v1/cm/customers")
            .is_none(),
        "nothing resent: {stats}"
    );
    // Not planned again until a person has looked; staff find no customer at COS, and the
    // create is sent once, under a key of its own.
    let stored = desk.get_draft(&record.id).unwrap().draft;
    assert!(
        desk.submit(&record.id, &stored).is_err(),
        "refused before the check"
    );
    let resolved = desk
        .resolve_unknown_cos_customer(&record.id, None, "Dana Reyes")
        .await
        .unwrap();
    assert_eq!(resolved.state, "waiting");
    let replanned = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    assert_ne!(
        replanned.steps[0].idempotency_key, plan.steps[0].idempotency_key,
        "the forgotten key is not used again"
    );
    drop(desk);
    // The new create is fresh, well within any retention.
    let desk = world.desk();
    desk.run_draft(id_of(&record)).await.unwrap();
    let stats = world.stats().await;
    assert_eq!(stats["customers"]["cos"], 1, "{stats}");
    assert_eq!(
        desk.submission_status(&record.id).await.unwrap().state,
        "submitted"
    );

    // Within the retention the same situation is simply resent under the same key.
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let mut other = peter();
    other.tax_ids[0].number = "219-09-9998".into();
    desk.submit(&record.id, &other).unwrap();
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    desk.vault().mark_step_sent(plan.steps[0].id).unwrap();
    world.desk().run_draft(id_of(&record)).await.unwrap();
    assert_eq!(
        world
            .desk()
            .submission_status(&record.id)
            .await
            .unwrap()
            .state,
        "submitted"
    );
}

#[tokio::test]
async fn a_step_whose_sent_mark_never_reached_the_disk_counts_as_possibly_sent() {
    let world = World::new().await;
    let desk = world.desk();
    let record = desk.create_draft(PartyKind::Person).unwrap();
    desk.submit(&record.id, &peter()).unwrap();
    // The runner sends without waiting for a step's `sent` mark: a crash can leave a step
    // that went out still `pending` on disk, as this one is.
    let plan = desk.vault().latest_plan(id_of(&record)).unwrap().unwrap();
    assert_eq!(plan.steps[0].status, StepStatus::Pending);
    drop(desk);

    let desk = world.desk().with_key_retention(Duration::ZERO);
    desk.run_draft(id_of(&record)).await.unwrap();
    let parked = desk.submission_status(&record.id).await.unwrap();
    assert_eq!(parked.state, "needs_attention");
    assert_eq!(parked.error.unwrap().code, "unknown_outcome");
    let stats = world.stats().await;
    assert!(
        stats["requests"]
            .get("POST /core/v1/cm/customers")
            .is_none(),
        "nothing sent past the key's retention: {stats}"
    );
}
