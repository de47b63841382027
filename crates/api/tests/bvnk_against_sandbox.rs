//! The BVNK client against the sandbox over loopback HTTP: Hawk (skew included), the
//! agreement session, create with `X-Idempotency-Key`, reads, updates, streamed documents,
//! and every fault kind on the create.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use branchdesk_api::bvnk::{BvnkClient, BvnkConfig, BvnkDocument};
use branchdesk_api::fin::{CancellationToken, ProgressFn, UploadFile, UploadProgress};
use branchdesk_api::{Error, RetryPolicy};
use branchdesk_domain::bvnk::wire::Customer;
use branchdesk_domain::bvnk::{CustomerStatus, DocumentMeta, SubType};
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        compliance_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn config(sandbox: &Sandbox) -> BvnkConfig {
    let c = &sandbox.credentials().bvnk;
    let mut config = BvnkConfig::new(
        sandbox.url(),
        c.hawk_id.clone(),
        Sensitive::new(c.hawk_key.clone()),
    );
    config.retry = RetryPolicy {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_attempts: 3,
    };
    config
}

fn client(config: BvnkConfig) -> BvnkClient {
    let http = branchdesk_api::http_client(&config.timeouts).unwrap();
    BvnkClient::new(http, config).unwrap()
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn set_faults(sandbox: &Sandbox, faults: Value) {
    let answer = reqwest::Client::new()
        .put(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "faults accepted");
}

async fn stats(sandbox: &Sandbox) -> Value {
    reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A signed agreement session for `customer_type`, as the flow obtains one.
async fn signed_session(client: &BvnkClient, customer_type: &str) -> String {
    let body = json!({"customerType": customer_type, "countryCode": "US", "useCase": "EMBEDDED_FIAT_ACCOUNTS"});
    let session = client
        .create_agreement_session(body.to_string().as_bytes(), &key())
        .await
        .unwrap();
    assert_eq!(session.status, "PENDING");
    client
        .update_agreement_session(&session.reference, "SIGNED", &key())
        .await
        .unwrap();
    session.reference
}

fn associate(first: &str, last: &str, signer: bool) -> Value {
    json!({
        "person": {
            "firstName": first, "lastName": last, "dateOfBirth": "1980-04-12",
            "address": {"addressLine1": "101 West Broadway", "city": "San Diego",
                        "postalCode": "92101", "countryCode": "US", "country": "United States"}
        },
        "details": {
            "birthCountryCode": "US",
            "contactInfo": {"emailAddress": "owner@example.com", "phoneNumber": "+14155550100"},
            "documentInfo": {"number": "D1234567", "type": "DRIVERS_LICENSE", "issuingCountryCode": "US"},
            "taxIdentification": {"number": "914764628", "taxResidenceCountryCode": "US"}
        },
        "title": if signer { "CEO" } else { "Owner" },
        "riskScore": "LOW",
        "controls": {"hasOwnership": true, "hasControl": signer, "isSigner": signer}
    })
}

fn company(session: &str, name: &str, registration: &str) -> Vec<u8> {
    json!({
        "type": "COMPANY",
        "signedAgreementSessionReference": session,
        "externalReference": uuid::Uuid::new_v4().to_string(),
        "company": {
            "name": name,
            "description": "Coffee roasting",
            "taxResidenceCountryCode": "US",
            "registrationNumber": registration,
            "address": {"addressLine1": "1 Market St", "city": "San Francisco",
                        "postalCode": "94105", "countryCode": "US", "country": "United States"},
            "associates": [associate("Ana", "Owner", true), associate("Ben", "Holder", false)]
        }
    })
    .to_string()
    .into_bytes()
}

fn document(
    person: Option<&str>,
    kind: &str,
    side: Option<SubType>,
    bytes: Vec<u8>,
) -> BvnkDocument {
    let length = bytes.len() as u64;
    let bytes = Arc::new(bytes);
    BvnkDocument {
        meta: DocumentMeta {
            customer_person_reference: person.map(str::to_owned),
            kind: kind.to_owned(),
            sub_type: side.map(|s| s.as_str().to_owned()),
            name: format!("{kind}.jpg"),
            description: "scan".to_owned(),
            country_code: "US".to_owned(),
            external_reference: key(),
        },
        file: UploadFile::new("scan.jpg", "image/jpeg", length, move || {
            let bytes = bytes.clone();
            async move {
                let reader: branchdesk_api::fin::UploadReader =
                    Box::new(std::io::Cursor::new(bytes.to_vec()));
                Ok(reader)
            }
        }),
    }
}

fn quiet() -> ProgressFn {
    Arc::new(|_| {})
}

async fn created_company(client: &BvnkClient, name: &str) -> Customer {
    let session = signed_session(client, "COMPANY").await;
    client
        .create_customer(&company(&session, name, &key()[..8]), &key())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_company_goes_from_create_through_documents_to_verified() {
    let sandbox = sandbox().await;
    let client = client(config(&sandbox));
    client.check_credentials().await.unwrap();
    let created = created_company(&client, "Roastery Ltd").await;
    assert_eq!(created.status, CustomerStatus::InfoRequired);
    let people: Vec<String> = created
        .associate_references()
        .into_iter()
        .map(|r| r.unwrap().to_owned())
        .collect();
    assert_eq!(people.len(), 2);
    let mut documents = vec![document(None, "COMPANY_DOC", None, vec![1; 2000])];
    for person in &people {
        documents.push(document(
            Some(person),
            "DRIVER_LICENSE",
            Some(SubType::FrontSide),
            vec![2; 3001],
        ));
        documents.push(document(
            Some(person),
            "DRIVER_LICENSE",
            Some(SubType::BackSide),
            vec![3; 3002],
        ));
    }
    let heard = Arc::new(Mutex::new(Vec::<UploadProgress>::new()));
    let sink = heard.clone();
    let progress: ProgressFn = Arc::new(move |p| sink.lock().unwrap().push(p));
    client
        .add_documents(
            &created.reference,
            &documents,
            &key(),
            progress,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let last = *heard.lock().unwrap().last().unwrap();
    assert_eq!(last.sent, last.total);
    assert_eq!(last.total, 2000 + 2 * (3001 + 3002));
    let read = client.get_customer(&created.reference).await.unwrap();
    assert_eq!(read.status, CustomerStatus::Pending);
    // Documents are taken only while INFO_REQUIRED: the same call now is refused.
    let again = client
        .add_documents(
            &created.reference,
            &documents[..1],
            &key(),
            quiet(),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Refused { status: 409, .. }),
        "{again:?}"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let decided = client.get_customer(&created.reference).await.unwrap();
    assert_eq!(decided.status, CustomerStatus::Verified);
    assert!(decided.verification().is_some());
}

#[tokio::test]
async fn the_create_key_replays_and_never_makes_a_second_customer() {
    let sandbox = sandbox().await;
    let client = client(config(&sandbox));
    let session = signed_session(&client, "COMPANY").await;
    let body = company(&session, "Keyed Ltd", "REG-1");
    let create_key = key();
    let first = client.create_customer(&body, &create_key).await.unwrap();
    let second = client.create_customer(&body, &create_key).await.unwrap();
    assert_eq!(first.reference, second.reference);
    let stats = stats(&sandbox).await;
    assert_eq!(stats["customers"]["bvnk"], 1, "{stats}");
    assert!(stats["idempotent_replays"].as_u64().unwrap() >= 1);
    // A different body under the same key is a refusal, not a second customer.
    let other = company(&session, "Other Ltd", "REG-2");
    let refused = client
        .create_customer(&other, &create_key)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::Invalid { status: 400, .. }),
        "{refused:?}"
    );
    assert_eq!(stats_customers(&sandbox).await, 1);
}

async fn stats_customers(sandbox: &Sandbox) -> u64 {
    // Absent until the first BVNK customer is made.
    stats(sandbox).await["customers"]["bvnk"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn every_fault_on_the_create_is_a_customer_or_an_unknown_outcome() {
    // Faults the keyed retry gets past leave one customer; those whose answer cannot be
    // read after the last attempt are unknown — never a refusal staff would resend.
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"kind": "status", "status": 503, "times": 1}),
            "customer",
        ),
        (
            json!({"kind": "rate_limit", "retry_after": 0, "times": 1}),
            "customer",
        ),
        (json!({"kind": "timeout", "times": 1}), "customer"),
        (json!({"kind": "reset_request", "times": 1}), "customer"),
        (json!({"kind": "reset_response", "times": 1}), "customer"),
        (json!({"kind": "fail_after_commit", "times": 1}), "customer"),
        (json!({"kind": "garbled_2xx"}), "unknown"),
        (json!({"kind": "truncated_2xx"}), "unknown"),
        (
            json!({"kind": "redirect", "location": "http://127.0.0.1:9/steal"}),
            "unknown",
        ),
        (
            json!({"kind": "huge_body", "bytes": 64 * 1024 * 1024}),
            "unknown",
        ),
    ];
    for (fault, expected) in cases {
        let sandbox = sandbox().await;
        let client = client(config(&sandbox));
        let session = signed_session(&client, "COMPANY").await;
        let mut rule = fault.clone();
        rule["endpoint"] = json!("POST /platform/v1/customers");
        set_faults(&sandbox, json!({"rules": [rule]})).await;
        let outcome = client
            .create_customer(&company(&session, "Fault Ltd", "REG-F"), &key())
            .await;
        match (expected, &outcome) {
            ("customer", Ok(customer)) => {
                assert_eq!(customer.status, CustomerStatus::InfoRequired, "{fault}")
            }
            ("unknown", Err(Error::OutcomeUnknown { .. })) => {}
            _ => panic!("{fault}: {outcome:?}"),
        }
        assert!(stats_customers(&sandbox).await <= 1, "{fault}");
    }
}

#[tokio::test]
async fn a_clock_minutes_behind_is_put_right_once_by_bvnks_signed_time() {
    let sandbox = sandbox().await;
    let mut slow = config(&sandbox);
    slow.clock = Arc::new(|| SystemTime::now() - Duration::from_secs(600));
    let client = client(slow);
    // The first request is refused as stale, retried once with BVNK's time, and works;
    // later ones are signed with the corrected time from the start.
    client.check_credentials().await.unwrap();
    let created = created_company(&client, "Skew Ltd").await;
    client.get_customer(&created.reference).await.unwrap();
    let stats = stats(&sandbox).await;
    let refused: u64 = stats["requests"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|codes| codes["401"].as_u64())
        .sum();
    assert_eq!(refused, 1, "one stale request, then none: {stats}");
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error_and_not_retried_as_skew() {
    let sandbox = sandbox().await;
    let mut wrong = config(&sandbox);
    wrong.hawk_key = Sensitive::new("not-the-key".to_owned());
    let error = client(wrong).check_credentials().await.unwrap_err();
    assert!(matches!(error, Error::Auth { status: 401 }), "{error:?}");
}

#[tokio::test]
async fn refusals_name_their_fields_and_references_stay_in_their_place() {
    let sandbox = sandbox().await;
    let client = client(config(&sandbox));
    // No agreement session: refused on that field.
    let mut body: Value = serde_json::from_slice(&company("x", "No Session Ltd", "R")).unwrap();
    body.as_object_mut()
        .unwrap()
        .remove("signedAgreementSessionReference");
    let error = client
        .create_customer(body.to_string().as_bytes(), &key())
        .await
        .unwrap_err();
    let Error::Invalid { fields, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        fields
            .iter()
            .any(|f| f.path == "signedAgreementSessionReference"),
        "{fields:?}"
    );
    // A reference that is not a UUID never reaches a URL.
    let error = client
        .get_customer("../agreement/sessions")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let error = client.get_customer(&key()).await.unwrap_err();
    assert!(matches!(error, Error::NotFound), "{error:?}");
}

#[tokio::test]
async fn details_associates_and_status_are_updated_in_place() {
    let sandbox = sandbox().await;
    let client = client(config(&sandbox));
    let created = created_company(&client, "Update Ltd").await;
    let details = json!({"name": "Update Holdings Ltd", "description": "Roasting and retail",
        "address": {"addressLine1": "2 Market St", "city": "San Francisco", "postCode": "94105",
                    "countryCode": "US", "country": "United States"}});
    let updated = client
        .update_details(&created.reference, details.to_string().as_bytes(), &key())
        .await
        .unwrap();
    let company = updated.company.unwrap();
    assert_eq!(company.name, "Update Holdings Ltd");
    let associates = json!({"associates": [associate("Cara", "Signer", true)]});
    let updated = client
        .update_associates(
            &created.reference,
            associates.to_string().as_bytes(),
            &key(),
        )
        .await
        .unwrap();
    let people = updated.company.unwrap().associates;
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].person.first_name, "Cara");
    assert!(people[0].person.reference.is_some());
    let error = client
        .update_status(&created.reference, "APPROVED", &key())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
}

#[tokio::test]
async fn a_cancelled_documents_call_stops_and_sends_nothing_more() {
    let sandbox = sandbox().await;
    let client = client(config(&sandbox));
    let created = created_company(&client, "Cancel Ltd").await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let error = client
        .add_documents(
            &created.reference,
            &[document(None, "COMPANY_DOC", None, vec![1; 100])],
            &key(),
            quiet(),
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Cancelled), "{error:?}");
    let read = client.get_customer(&created.reference).await.unwrap();
    assert_eq!(read.status, CustomerStatus::InfoRequired);
}
