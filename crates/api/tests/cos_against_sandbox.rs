//! The COS client against the provider sandbox over real HTTP on loopback.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::{Error, RetryPolicy};
use branchdesk_domain::cos::{personal_customer, ScanStatus};
use branchdesk_domain::draft::Person;
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::{Sandbox, SandboxConfig};

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_attempts: 5,
    }
}

async fn sandbox(config: SandboxConfig) -> (Sandbox, CosClient) {
    let sandbox = Sandbox::start(config).await.unwrap();
    let credentials = sandbox.credentials().cos.clone();
    let client = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: sandbox.url(),
            token_url: format!("{}/connect/token", sandbox.url()),
            client_id: credentials.client_id,
            client_secret: Sensitive::new(credentials.client_secret),
            audience: AUDIENCE.to_owned(),
            retry: quick_retries(),
            timeouts: Default::default(),
        },
    )
    .unwrap();
    (sandbox, client)
}

fn peter_body(partner_id: &str) -> Vec<u8> {
    let person = Person {
        first_name: "Peter".into(),
        last_name: "Griffin".into(),
        birth_date: "1953-09-22".into(),
        ssn: "119-98-8776".into(),
        citizenship_country: "US".into(),
    };
    serde_json::to_vec(&personal_customer(partner_id, &person).unwrap()).unwrap()
}

async fn stats(sandbox: &Sandbox) -> serde_json::Value {
    reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn set_faults(sandbox: &Sandbox, faults: serde_json::Value) {
    let answer = reqwest::Client::new()
        .put(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "faults accepted");
}

#[tokio::test]
async fn creates_then_reads_a_personal_customer() {
    let (sandbox, client) = sandbox(SandboxConfig {
        compliance_delay: Duration::from_millis(200),
        ..Default::default()
    })
    .await;
    let partner = sandbox.credentials().cos.partner_id.clone();
    let created = client
        .create_customer(&peter_body(&partner), &uuid())
        .await
        .unwrap();
    assert_eq!(created.ofac, Some(ScanStatus::Pending));
    assert!(created.cif_number.is_some());

    tokio::time::sleep(Duration::from_millis(400)).await;
    let read = client.get_customer(&created.id).await.unwrap();
    assert_eq!(read.id, created.id);
    assert_eq!(read.ofac, Some(ScanStatus::Clear));
    assert_eq!(read.pep_scan, Some(ScanStatus::Clear));
}

#[tokio::test]
async fn a_resend_with_the_same_key_creates_no_second_customer() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let partner = sandbox.credentials().cos.partner_id.clone();
    let body = peter_body(&partner);
    let key = uuid();
    let first = client.create_customer(&body, &key).await.unwrap();
    let again = client.create_customer(&body, &key).await.unwrap();
    assert_eq!(first.id, again.id);
    let stats = stats(&sandbox).await;
    assert_eq!(stats["duplicates"], 0, "{stats}");
}

#[tokio::test]
async fn server_errors_are_retried_with_the_same_key_until_they_pass() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    set_faults(
        &sandbox,
        serde_json::json!({"rules": [
            {"endpoint": "POST /core/v1/cm/customers", "kind": "status", "status": 503, "times": 2},
            {"endpoint": "POST /core/v1/cm/customers", "kind": "rate_limit", "retry_after": 0, "times": 1}
        ]}),
    )
    .await;
    let partner = sandbox.credentials().cos.partner_id.clone();
    client
        .create_customer(&peter_body(&partner), &uuid())
        .await
        .unwrap();
    let stats = stats(&sandbox).await;
    let create = &stats["requests"]["POST /core/v1/cm/customers"];
    assert_eq!(create["503"], 2, "{stats}");
    assert_eq!(create["429"], 1, "{stats}");
    assert_eq!(create["201"], 1, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
}

#[tokio::test]
async fn a_commit_whose_answer_was_lost_is_recovered_by_the_resend() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    set_faults(
        &sandbox,
        serde_json::json!({"rules": [
            {"endpoint": "POST /core/v1/cm/customers", "kind": "fail_after_commit", "times": 1}
        ]}),
    )
    .await;
    let partner = sandbox.credentials().cos.partner_id.clone();
    client
        .create_customer(&peter_body(&partner), &uuid())
        .await
        .unwrap();
    let stats = stats(&sandbox).await;
    assert_eq!(stats["duplicates"], 0, "exactly one customer: {stats}");
}

#[tokio::test]
async fn a_rejection_is_final_and_carries_the_cos_errors() {
    let (sandbox, client) = sandbox(SandboxConfig::default()).await;
    let partner = sandbox.credentials().cos.partner_id.clone();
    let mut body: serde_json::Value = serde_json::from_slice(&peter_body(&partner)).unwrap();
    body["name"].as_object_mut().unwrap().remove("firstName");
    let error = client
        .create_customer(&serde_json::to_vec(&body).unwrap(), &uuid())
        .await
        .unwrap_err();
    match error {
        Error::Rejected { status, errors } => {
            assert_eq!(status, 400);
            assert!(!errors.is_empty());
            assert!(
                (1000..2000).contains(&errors[0].code),
                "a validation code: {errors:?}"
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_credentials_are_reported_as_such() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: sandbox.url(),
            token_url: format!("{}/connect/token", sandbox.url()),
            client_id: "someone-else".into(),
            client_secret: Sensitive::new("wrong".into()),
            audience: AUDIENCE.to_owned(),
            retry: quick_retries(),
            timeouts: Default::default(),
        },
    )
    .unwrap();
    assert!(matches!(
        client.check_credentials().await,
        Err(Error::Auth { .. })
    ));
}

#[tokio::test]
async fn an_unreachable_provider_is_a_network_error_after_retries() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: format!("http://127.0.0.1:{port}"),
            token_url: format!("http://127.0.0.1:{port}/connect/token"),
            client_id: "x".into(),
            client_secret: Sensitive::new("y".into()),
            audience: AUDIENCE.to_owned(),
            retry: quick_retries(),
            timeouts: Default::default(),
        },
    )
    .unwrap();
    let error = client.create_customer(b"{}", &uuid()).await.unwrap_err();
    assert!(matches!(error, Error::Network(_)), "{error:?}");
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}
