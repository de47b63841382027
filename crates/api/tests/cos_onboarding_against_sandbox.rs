//! Why one file (about 650 lines): these onboardings share one sandbox per test and the
//! helpers that build a draft and read back what COS holds; each test is one whole story.
//!
//! Whole COS onboardings, from a draft, against the provider sandbox over real HTTP on
//! loopback: Personal with every sub-record, Business with owners, profile updates,
//! rejections placed on draft fields, and every injected fault recovered without a
//! duplicate.
//!
//! Why one file (about 640 lines): each integration test file is a binary of its own,
//! linked against the client, the domain and the sandbox; the onboardings share their
//! helpers here, and COS's plain calls have `cos_against_sandbox.rs`.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::{Error, RetryPolicy, Timeouts};
use branchdesk_domain::cos::{onboarding, profile_update, CosOnboarding, CosStep, ScanStatus};
use branchdesk_domain::draft::{
    Address, CompanyDetails, CosBeneficialOwner, CosSection, Draft, Email, IdentityDocument, Names,
    PartyKind, PersonDetails, Phone, TaxId,
};
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use chrono::NaiveDate;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_attempts: 5,
    }
}

fn client_for(sandbox: &Sandbox, http: reqwest::Client, retry: RetryPolicy) -> CosClient {
    client_with(sandbox, http, retry, Timeouts::default())
}

fn client_with(
    sandbox: &Sandbox,
    http: reqwest::Client,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> CosClient {
    let credentials = sandbox.credentials().cos.clone();
    CosClient::new(
        http,
        CosConfig {
            base_url: sandbox.url(),
            token_url: format!("{}/connect/token", sandbox.url()),
            client_id: credentials.client_id,
            client_secret: Sensitive::new(credentials.client_secret),
            audience: AUDIENCE.to_owned(),
            retry,
            timeouts,
        },
    )
    .unwrap()
}

async fn sandbox(config: SandboxConfig) -> (Sandbox, CosClient) {
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = client_for(&sandbox, reqwest::Client::new(), quick_retries());
    (sandbox, client)
}

fn partner(sandbox: &Sandbox) -> String {
    sandbox.credentials().cos.partner_id.clone()
}

fn person(first: &str, last: &str, ssn: &str) -> Draft {
    Draft {
        kind: PartyKind::Person,
        name: Names {
            first: first.into(),
            last: last.into(),
            ..Names::default()
        },
        person: PersonDetails {
            birth_date: "1953-09-22".into(),
            citizenship_country: "US".into(),
            ..PersonDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ssn".into(),
            number: ssn.into(),
            country: "US".into(),
        }],
        cos: CosSection {
            risk_rating: "Low".into(),
            ..CosSection::default()
        },
        ..Draft::default()
    }
}

fn peter_in_full() -> Draft {
    Draft {
        addresses: vec![Address {
            address_type: "Home".into(),
            classification: "Residential".into(),
            is_primary: true,
            street1: "31 Spooner Street".into(),
            city: "Quahog".into(),
            state: "RI".into(),
            postal_code: "02903".into(),
            country: "US".into(),
            ..Address::default()
        }],
        phones: vec![Phone {
            phone_type: "Mobile".into(),
            is_primary: true,
            number: "(201) 555-2345".into(),
            ..Phone::default()
        }],
        emails: vec![Email {
            email_type: "Personal".into(),
            is_primary: true,
            address: "peter@example.com".into(),
        }],
        identity_documents: vec![IdentityDocument {
            id_type: "DriversLicense".into(),
            is_primary: true,
            number: "123 456 789".into(),
            issued_date: "2022-07-15".into(),
            expiry_date: "2099-07-14".into(),
            issuing_authority: "New York DMV".into(),
            issuing_state_or_province: "NY".into(),
            issuing_country: "US".into(),
            scan_ids: vec!["scan-front".into(), "scan-back".into()],
            ..IdentityDocument::default()
        }],
        cos: CosSection {
            risk_rating: "Low".into(),
            client_identifier: "branch-7-000123".into(),
            ..CosSection::default()
        },
        ..person("Peter", "Griffin", "119-98-8776")
    }
}

fn company(owner: &str, owners: &[(&str, &str, &str)]) -> Draft {
    Draft {
        kind: PartyKind::Company,
        company: CompanyDetails {
            legal_name: "Pawtucket Brewery LLC".into(),
            date_formed: "1998-04-01".into(),
            entity_type: "LLC".into(),
            ownership_type: "Private".into(),
            ..CompanyDetails::default()
        },
        tax_ids: vec![TaxId {
            id_type: "Ein".into(),
            number: "12-3456789".into(),
            country: "US".into(),
        }],
        cos: CosSection {
            risk_rating: "Medium".into(),
            primary_owner_customer_id: owner.into(),
            beneficial_owners: owners
                .iter()
                .map(|(id, title, share)| CosBeneficialOwner {
                    owner_customer_id: (*id).into(),
                    title: (*title).into(),
                    ownership_percentage: (*share).into(),
                })
                .collect(),
            ..CosSection::default()
        },
        ..Draft::default()
    }
}

fn bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Sends every request of a plan in order; each body and key is frozen before sending.
async fn run(client: &CosClient, plan: &CosOnboarding) -> Result<String, Error> {
    let customer = client
        .create_customer(&bytes(&plan.customer), &key())
        .await?;
    let id = customer.id;
    for address in &plan.addresses {
        client.add_address(&id, &bytes(address), &key()).await?;
    }
    for phone in &plan.phones {
        client.add_phone(&id, &bytes(phone), &key()).await?;
    }
    for email in &plan.emails {
        client.add_email(&id, &bytes(email), &key()).await?;
    }
    for identification in &plan.identifications {
        client
            .add_identification(&id, &bytes(identification), &key())
            .await?;
    }
    for owner in &plan.beneficial_owners {
        client
            .add_beneficial_owner(&id, &bytes(owner), &key())
            .await?;
    }
    Ok(id)
}

async fn admin_get(sandbox: &Sandbox, what: &str) -> Value {
    reqwest::get(format!("{}/_sandbox/{what}", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn set_faults(sandbox: &Sandbox, faults: Value) {
    let answer = reqwest::Client::new()
        .put(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "faults accepted: {faults}");
}

/// How many events of this name COS recorded for the customer.
async fn events(sandbox: &Sandbox, name: &str, customer_id: &str) -> usize {
    let events = admin_get(sandbox, "events").await;
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["eventName"] == name)
        .filter(|e| {
            e["resources"][0]
                .as_str()
                .is_some_and(|r| r.ends_with(customer_id))
        })
        .count()
}

#[tokio::test]
async fn a_personal_customer_is_onboarded_in_full() {
    let (sandbox, client) = sandbox(SandboxConfig {
        compliance_delay: Duration::from_millis(200),
        ..Default::default()
    })
    .await;
    let plan = onboarding(&partner(&sandbox), &peter_in_full(), today()).unwrap();
    let id = run(&client, &plan).await.unwrap();

    tokio::time::sleep(Duration::from_millis(400)).await;
    let customer = client.get_customer(&id).await.unwrap();
    assert_eq!(customer.ofac, Some(ScanStatus::Clear));
    assert_eq!(
        customer.client_identifier.as_deref(),
        Some("branch-7-000123")
    );
    assert_eq!(customer.primary_address.unwrap()["postalCode"], "02903");
    assert_eq!(customer.primary_phone.unwrap()["phoneNumber"], "2015552345");
    assert_eq!(
        customer.primary_email.unwrap()["emailAddress"],
        "peter@example.com"
    );
    assert_eq!(
        customer.primary_identification.unwrap()["idType"],
        "DriversLicense"
    );
    for event in [
        "Core.Customer.Onboarded",
        "Core.Customer.Address.Added",
        "Core.Customer.Phone.Added",
        "Core.Customer.Email.Added",
        "Core.Customer.Identification.Added",
    ] {
        assert_eq!(events(&sandbox, event, &id).await, 1, "{event}");
    }
    let stats = admin_get(&sandbox, "stats").await;
    assert_eq!(stats["duplicates"], 0, "{stats}");
}

#[tokio::test]
async fn the_records_come_back_as_cos_wrote_them() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let plan = onboarding(&partner(&sandbox), &peter_in_full(), today()).unwrap();
    let customer = client
        .create_customer(&bytes(&plan.customer), &key())
        .await
        .unwrap();
    let address = client
        .add_address(&customer.id, &bytes(&plan.addresses[0]), &key())
        .await
        .unwrap();
    assert_eq!(address.customer_id.as_deref(), Some(customer.id.as_str()));
    assert_eq!(address.status.as_deref(), Some("Active"));
    assert_eq!(address.fields, plan.addresses[0]);
    let identification = client
        .add_identification(&customer.id, &bytes(&plan.identifications[0]), &key())
        .await
        .unwrap();
    assert_eq!(identification.fields, plan.identifications[0]);

    let mut renewed = plan.identifications[0].clone();
    renewed.exp_date = Some("2100-01-01".into());
    let replaced = client
        .update_identification(&customer.id, &identification.id, &bytes(&renewed), &key())
        .await
        .unwrap();
    assert_eq!(replaced.id, identification.id);
    assert_eq!(replaced.fields.exp_date.as_deref(), Some("2100-01-01"));
}

#[tokio::test]
async fn a_business_is_onboarded_with_its_owner_and_beneficial_owners() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let partner = partner(&sandbox);
    let peter = run(
        &client,
        &onboarding(
            &partner,
            &person("Peter", "Griffin", "119-98-8776"),
            today(),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let lois = run(
        &client,
        &onboarding(&partner, &person("Lois", "Griffin", "219-09-9999"), today()).unwrap(),
    )
    .await
    .unwrap();
    let draft = company(&peter, &[(&peter, "CEO", "60"), (&lois, "CFO", "40 %")]);
    let plan = onboarding(&partner, &draft, today()).unwrap();
    assert_eq!(plan.beneficial_owners.len(), 2);
    let business = run(&client, &plan).await.unwrap();

    let record = client.get_customer(&business).await.unwrap();
    assert_eq!(
        record.classification,
        branchdesk_domain::cos::Classification::Business
    );
    assert_eq!(
        record.name.unwrap().entity_name.as_deref(),
        Some("Pawtucket Brewery LLC")
    );
    let profile = record.profile.unwrap();
    assert_eq!(
        profile.primary_owner_customer_id.as_deref(),
        Some(peter.as_str())
    );
    assert_eq!(profile.entity_type.as_deref(), Some("LLC"));
    let stats = admin_get(&sandbox, "stats").await;
    assert_eq!(
        stats["requests"]["POST /core/v1/cm/customers/{id}/beneficial-owners"]["201"], 2,
        "{stats}"
    );
    assert_eq!(stats["customers"]["cos"], 3, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
}

#[tokio::test]
async fn a_profile_update_changes_the_record() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let mut draft = person("Peter", "Griffin", "119-98-8776");
    let id = run(
        &client,
        &onboarding(&partner(&sandbox), &draft, today()).unwrap(),
    )
    .await
    .unwrap();
    draft.cos.risk_rating = "High".into();
    draft.cos.politically_exposed_person = true;
    draft.cos.enable_backup_withholding = true;
    draft.cos.backup_withholding_percent = "24".into();
    let body = bytes(&profile_update(&draft, today()).unwrap());
    let key = key();
    let updated = client.update_profile(&id, &body, &key).await.unwrap();
    let profile = updated.profile.unwrap();
    assert_eq!(
        profile.risk_rating,
        Some(branchdesk_domain::cos::RiskRating::High)
    );
    assert_eq!(profile.politically_exposed_person, Some(true));
    assert_eq!(profile.backup_withholding_percent, Some(24.0));
    // The same update resent with its key is the same update, answered again.
    let again = client.update_profile(&id, &body, &key).await.unwrap();
    assert_eq!(again.profile, Some(profile));
    assert_eq!(
        events(&sandbox, "Core.Customer.Profile.Changed", &id).await,
        1
    );
}

#[tokio::test]
async fn a_pep_hit_shows_as_positive_once_scanned() {
    let (sandbox, client) = sandbox(SandboxConfig {
        compliance_delay: Duration::from_millis(200),
        ..Default::default()
    })
    .await;
    let plan = onboarding(
        &partner(&sandbox),
        &person("Vladimir", "Putin", "123-45-6789"),
        today(),
    )
    .unwrap();
    let id = run(&client, &plan).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let customer = client.get_customer(&id).await.unwrap();
    assert_eq!(customer.pep_scan, Some(ScanStatus::Positive));
    assert_eq!(customer.ofac, Some(ScanStatus::Clear));
}

#[tokio::test]
async fn a_rejection_lands_on_the_draft_field_it_concerns() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let partner = partner(&sandbox);
    // Well-formed ids of customers that do not exist: only COS can tell.
    let ghost = "0f6a2c1e-93b4-4f4e-9d57-2b1c9e8a7d10";
    let plan = onboarding(&partner, &company(ghost, &[]), today()).unwrap();
    let error = client
        .create_customer(&bytes(&plan.customer), &key())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Rejected { status: 400, .. }),
        "{error:?}"
    );
    let issues = error.cos_issues(CosStep::Create {
        tax_id: plan.tax_id_index,
    });
    assert_eq!(issues[0].field, "cos.primaryOwnerCustomerId", "{issues:?}");
    assert_eq!(issues[0].code, "cos_2001");

    let owner = run(
        &client,
        &onboarding(
            &partner,
            &person("Peter", "Griffin", "119-98-8776"),
            today(),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let plan = onboarding(
        &partner,
        &company(&owner, &[(&owner, "CEO", "50"), (ghost, "CFO", "10")]),
        today(),
    )
    .unwrap();
    let error = run(&client, &plan).await.unwrap_err();
    let issues = error.cos_issues(CosStep::BeneficialOwner(1));
    assert_eq!(
        issues[0].field, "cos.beneficialOwners[1].ownerCustomerId",
        "{issues:?}"
    );

    // A body COS reads differently from our rules: its message names the field.
    let mut body: Value = serde_json::to_value(
        &onboarding(
            &partner,
            &person("Peter", "Griffin", "119-98-8776"),
            today(),
        )
        .unwrap()
        .customer,
    )
    .unwrap();
    body["name"].as_object_mut().unwrap().remove("lastName");
    body["profile"]["taxId"] = json!("11998877");
    let error = client
        .create_customer(&serde_json::to_vec(&body).unwrap(), &key())
        .await
        .unwrap_err();
    let fields: Vec<String> = error
        .cos_issues(CosStep::Create { tax_id: 0 })
        .into_iter()
        .map(|i| i.field)
        .collect();
    assert!(fields.contains(&"name.last".to_owned()), "{fields:?}");
    assert!(
        fields.contains(&"taxIds[0].number".to_owned()),
        "{fields:?}"
    );
}

#[tokio::test]
async fn malformed_ids_and_keys_are_refused_before_sending() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let error = client
        .add_phone("../../connect/token", b"{}", &key())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let error = client
        .create_customer(b"{}", &"k".repeat(51))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let stats = admin_get(&sandbox, "stats").await;
    assert_eq!(stats["requests"], json!({}), "nothing reached COS: {stats}");
}

/// Injects one fault on the create and one on the phone, then onboards a person with a
/// phone: both must succeed, once.
async fn recovers_from(fault: Value, client_timeout: Option<Duration>, retry: RetryPolicy) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut timeouts = Timeouts::default();
    if let Some(timeout) = client_timeout {
        timeouts.request = timeout;
    }
    let http = branchdesk_api::http_client(&timeouts).unwrap();
    let client = client_with(&sandbox, http, retry, timeouts);
    let mut rules = Vec::new();
    for endpoint in [
        "POST /core/v1/cm/customers",
        "POST /core/v1/cm/customers/{id}/phones",
    ] {
        let mut rule = fault.clone();
        rule["endpoint"] = json!(endpoint);
        rule["times"] = json!(1);
        rules.push(rule);
    }
    set_faults(&sandbox, json!({ "rules": rules })).await;

    let mut draft = person("Peter", "Griffin", "119-98-8776");
    draft.phones = peter_in_full().phones;
    let plan = onboarding(&partner(&sandbox), &draft, today()).unwrap();
    let id = run(&client, &plan)
        .await
        .unwrap_or_else(|e| panic!("{fault}: {e:?}"));

    let stats = admin_get(&sandbox, "stats").await;
    assert_eq!(stats["customers"]["cos"], 1, "{fault}: {stats}");
    assert_eq!(stats["duplicates"], 0, "{fault}: {stats}");
    assert_eq!(
        events(&sandbox, "Core.Customer.Phone.Added", &id).await,
        1,
        "{fault}: one phone, {stats}"
    );
    let injected: u64 = stats["faults_injected"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert!(injected >= 2, "{fault}: both faults fired: {stats}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn recovers_from_server_errors() {
    recovers_from(
        json!({"kind": "status", "status": 503}),
        None,
        quick_retries(),
    )
    .await;
    recovers_from(
        json!({"kind": "status", "status": 500}),
        None,
        quick_retries(),
    )
    .await;
}

#[tokio::test]
async fn recovers_from_rate_limits_honouring_retry_after() {
    let started = std::time::Instant::now();
    recovers_from(
        json!({"kind": "rate_limit", "retry_after": 1}),
        None,
        quick_retries(),
    )
    .await;
    // Two 429s, each asking for a second: the client waited rather than hammering.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn recovers_from_request_timeouts() {
    recovers_from(json!({"kind": "timeout"}), None, quick_retries()).await;
}

#[tokio::test]
async fn recovers_from_a_reset_before_the_request_is_applied() {
    recovers_from(json!({"kind": "reset_request"}), None, quick_retries()).await;
}

#[tokio::test]
async fn recovers_from_a_reset_in_the_middle_of_the_answer() {
    recovers_from(json!({"kind": "reset_response"}), None, quick_retries()).await;
}

#[tokio::test]
async fn recovers_from_an_answer_lost_after_commit() {
    recovers_from(json!({"kind": "fail_after_commit"}), None, quick_retries()).await;
}

#[tokio::test]
async fn recovers_from_latency() {
    recovers_from(json!({"kind": "latency", "ms": 300}), None, quick_retries()).await;
}

#[tokio::test]
async fn recovers_from_a_slow_body() {
    recovers_from(
        json!({"kind": "slow_body", "chunk_bytes": 64, "chunk_delay_ms": 5}),
        None,
        quick_retries(),
    )
    .await;
}

#[tokio::test]
async fn recovers_from_a_stall_longer_than_the_client_waits() {
    // The stalled original is still being handled when the resend arrives (409, "in
    // progress"), so the retries must outlast it.
    recovers_from(
        json!({"kind": "stall", "ms": 800}),
        Some(Duration::from_millis(400)),
        RetryPolicy {
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_millis(500),
            max_attempts: 8,
        },
    )
    .await;
}
