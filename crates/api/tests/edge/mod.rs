//! What the HTTP-edge tests share: clients on short timeouts against the sandbox, fault
//! rules, unique customers, and a listener that records every byte sent to it.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::fin::{FinClient, FinConfig};
use branchdesk_api::{RetryPolicy, Timeouts};
use branchdesk_domain::cos::personal_customer;
use branchdesk_domain::draft::Person;
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::Sandbox;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

pub fn retries(max_attempts: usize) -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_attempts,
    }
}

/// Short limits, so a stalled exchange fails within the test's time.
pub fn short(idle: Duration) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        idle,
        request: Duration::from_secs(20),
    }
}

pub fn cos_client(sandbox: &Sandbox, retry: RetryPolicy, timeouts: Timeouts) -> CosClient {
    let credentials = sandbox.credentials().cos.clone();
    CosClient::new(
        branchdesk_api::http_client(&timeouts).unwrap(),
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

/// A Fin.com client for the sandbox's credentials at `base_url` (the sandbox, or a proxy
/// in front of it).
pub fn fin_client(
    sandbox: &Sandbox,
    base_url: &str,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> FinClient {
    let credentials = sandbox.credentials().fin.clone();
    let mut config = FinConfig::new(
        base_url,
        credentials.client_id,
        Sensitive::new(credentials.client_secret),
    );
    config.retry = retry;
    config.timeouts = timeouts;
    // Room for the scans of the upload tests, which must outgrow the sockets' buffers.
    config.upload_limit_bytes = 30 * 1024 * 1024;
    FinClient::new(branchdesk_api::http_client(&timeouts).unwrap(), config).unwrap()
}

pub async fn set_faults(sandbox: &Sandbox, rules: Value) {
    let answer = reqwest::Client::new()
        .put(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&json!({ "rules": rules }))
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_success(),
        "{}",
        answer.text().await.unwrap()
    );
}

pub async fn stats(sandbox: &Sandbox) -> Value {
    reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// How many requests reached `endpoint`, whatever their answer.
pub fn hits(stats: &Value, endpoint: &str) -> u64 {
    stats["requests"][endpoint]
        .as_object()
        .map(|by_status| by_status.values().map(|n| n.as_u64().unwrap()).sum())
        .unwrap_or(0)
}

fn unique() -> u128 {
    uuid::Uuid::new_v4().as_u128()
}

/// A COS Personal customer with a tax id of its own, and the tax id.
pub fn cos_person(partner_id: &str) -> (Vec<u8>, String) {
    let n = unique();
    let ssn = format!(
        "{:03}-{:02}-{:04}",
        100 + n % 600,
        10 + (n >> 16) % 89,
        1000 + (n >> 32) % 8999
    );
    let person = Person {
        first_name: "Peter".into(),
        last_name: "Griffin".into(),
        birth_date: "1953-09-22".into(),
        ssn: ssn.clone(),
        citizenship_country: "US".into(),
    };
    let body = serde_json::to_vec(&personal_customer(partner_id, &person).unwrap()).unwrap();
    (body, ssn)
}

/// The sample Fin.com individual with a tax id and reference of its own, and the tax id.
pub fn fin_person() -> (Value, String) {
    let path = format!(
        "{}/tests/fixtures/fin_individual.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut body: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let n = unique();
    let tax_id = format!(
        "{:03}-{:02}-{:04}",
        n % 1000,
        (n >> 16) % 100,
        (n >> 32) % 10_000
    );
    body["basic_info"]["tax_info"][0]["document_id"] = json!(tax_id);
    body["meta_data"]["reference"] = json!(uuid::Uuid::new_v4().to_string());
    (body, tax_id)
}

/// A listener on another port that keeps every byte any connection sends it and never
/// answers: where a followed redirect would deliver the request.
pub struct Recorder {
    pub url: String,
    received: Arc<Mutex<Vec<u8>>>,
    connections: Arc<AtomicUsize>,
}

impl Recorder {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let recorder = Self {
            url: format!("http://{}/collect", listener.local_addr().unwrap()),
            received: Arc::default(),
            connections: Arc::default(),
        };
        let (received, connections) = (recorder.received.clone(), recorder.connections.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                connections.fetch_add(1, Ordering::SeqCst);
                let received = received.clone();
                tokio::spawn(async move {
                    let mut buffer = vec![0; 16 * 1024];
                    while let Ok(n) = stream.read(&mut buffer).await {
                        if n == 0 {
                            break;
                        }
                        received.lock().unwrap().extend_from_slice(&buffer[..n]);
                    }
                });
            }
        });
        recorder
    }

    /// Waits a moment for anything still on its way, then says what arrived.
    pub async fn received(&self) -> (usize, Vec<u8>) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        (
            self.connections.load(Ordering::SeqCst),
            self.received.lock().unwrap().clone(),
        )
    }
}
