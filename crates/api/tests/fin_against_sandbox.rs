//! Why one file (about 1,000 lines): every test logs into one process-wide capture that
//! the last test reads for secrets, so they must live in one test binary.
//!
//! The Fin.com client against the sandbox over loopback HTTP: tokens, create, streamed
//! upload, attach and the review that follows. Every test logs into one process-wide
//! capture, which the last test reads for secrets.
//!
//! Why one file (about 1,000 lines): the last test reads the log capture every other test
//! in this binary wrote to, so they must share one process; the rules are exercised
//! through the client in `fin_rules_through_client.rs`.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use branchdesk_api::fin::{
    AttachPrecondition, CancellationToken, CustomerDetails, CustomerStatus, FinClient, FinConfig,
    ProgressFn, UploadFile, UploadProgress, UploadReader,
};
use branchdesk_api::{Error, RetryPolicy};
use branchdesk_domain::Sensitive;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};

const SECRET: &str = "fin-training-secret";
const MB: u64 = 1024 * 1024;

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

/// Installs the capture once for the whole test binary; every test calls it first.
fn logs() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
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
                // The client and the HTTP stack under it at every level; the sandbox's own
                // logs are the provider's side.
                .with(
                    Targets::new()
                        .with_default(LevelFilter::TRACE)
                        .with_target("branchdesk_sandbox", LevelFilter::OFF),
                );
            tracing::subscriber::set_global_default(subscriber).unwrap();
            captured
        })
        .clone()
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The sample individual, with its own tax id so the sandbox sees no duplicate.
fn individual(last_name: &str) -> Value {
    let mut body = fixture("fin_individual.json");
    let n = uuid::Uuid::new_v4().as_u128() % 1_000_000_000;
    body["basic_info"]["last_name"] = json!(last_name);
    body["basic_info"]["tax_info"][0]["document_id"] = json!(format!(
        "{:03}-{:02}-{:04}",
        n / 1_000_000,
        n / 10_000 % 100,
        n % 10_000
    ));
    body["meta_data"]["reference"] = json!(uuid::Uuid::new_v4().to_string());
    body
}

fn quick() -> SandboxConfig {
    SandboxConfig {
        compliance_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    }
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_attempts: 4,
    }
}

fn client_for(sandbox: &Sandbox, retry: RetryPolicy) -> FinClient {
    let credentials = sandbox.credentials().fin.clone();
    let mut config = FinConfig::new(
        sandbox.url(),
        credentials.client_id,
        Sensitive::new(credentials.client_secret),
    );
    config.retry = retry;
    FinClient::new(reqwest::Client::new(), config).unwrap()
}

async fn start(config: SandboxConfig) -> (Sandbox, FinClient) {
    logs();
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = client_for(&sandbox, fast_retry());
    (sandbox, client)
}

async fn set_faults(sandbox: &Sandbox, rules: Value) {
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

/// How many answers of `status` the sandbox gave to `endpoint` ("POST /v1/oauth/token").
async fn answered(sandbox: &Sandbox, endpoint: &str, status: &str) -> u64 {
    let stats: Value = reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stats["requests"][endpoint][status].as_u64().unwrap_or(0)
}

const PDF_HEAD: &[u8] = b"%PDF-1.4\n";

/// A PDF-looking document made up as it is read, keeping count of how it was read.
struct Generated {
    length: u64,
    position: u64,
    stats: Arc<ReadStats>,
}

#[derive(Default)]
struct ReadStats {
    reads: AtomicUsize,
    largest_read: AtomicUsize,
    bytes: AtomicU64,
    opened: AtomicUsize,
    /// Cancel this token once this many bytes have been read (0: never).
    cancel_after: AtomicU64,
    cancel: Mutex<Option<CancellationToken>>,
}

impl AsyncRead for Generated {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let left = self.length - self.position;
        let n = (buf.remaining() as u64).min(left) as usize;
        let start = self.position;
        let bytes: Vec<u8> = (0..n as u64)
            .map(|i| {
                let at = start + i;
                PDF_HEAD
                    .get(at as usize)
                    .copied()
                    .unwrap_or((at * 31 % 251) as u8)
            })
            .collect();
        buf.put_slice(&bytes);
        self.position += n as u64;
        let stats = &self.stats;
        stats.reads.fetch_add(1, Ordering::Relaxed);
        stats.largest_read.fetch_max(n, Ordering::Relaxed);
        let total = stats.bytes.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        let after = stats.cancel_after.load(Ordering::Relaxed);
        if after > 0 && total >= after {
            if let Some(token) = stats.cancel.lock().unwrap().as_ref() {
                token.cancel();
            }
        }
        Poll::Ready(Ok(()))
    }
}

fn generated(name: &str, length: u64, stats: Arc<ReadStats>) -> UploadFile {
    UploadFile::new(name, "application/pdf", length, move || {
        let stats = stats.clone();
        async move {
            stats.opened.fetch_add(1, Ordering::Relaxed);
            Ok(Box::new(Generated {
                length,
                position: 0,
                stats,
            }) as UploadReader)
        }
    })
}

fn recorder() -> (ProgressFn, Arc<Mutex<Vec<UploadProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let progress: ProgressFn = Arc::new(move |p| sink.lock().unwrap().push(p));
    (progress, seen)
}

/// Three small documents for a driver's licence (front, back) and a bank statement.
async fn upload_three(client: &FinClient, customer_id: &str) -> Vec<String> {
    let files: Vec<UploadFile> = ["front.pdf", "back.pdf", "statement.pdf"]
        .iter()
        .map(|name| generated(name, 2048, Arc::default()))
        .collect();
    let (progress, _) = recorder();
    client
        .upload(customer_id, &files, progress, &CancellationToken::new())
        .await
        .unwrap()
}

fn attach_body(uris: &[String], tos: &str) -> Value {
    json!({
        "identifying_documents": [{
            "type": "DRIVERS_LICENSE", "number": "DL987654321", "country": "USA", "state": "US-CA",
            "issue_date": "2019-06-01", "expiry_date": "2099-06-01",
            "files": [{"side": "FRONT", "uri": uris[0]}, {"side": "BACK", "uri": uris[1]}]
        }],
        "address_documents": [{"type": "BANK_STATEMENT", "country": "USA", "files": [{"uri": uris[2]}]}],
        "tos_policies_value": tos,
    })
}

/// Creates a customer and uploads its three documents; answers its id and attach body.
async fn ready_to_attach(client: &FinClient, last_name: &str) -> (String, Value) {
    let created = client
        .create_individual(&individual(last_name))
        .await
        .unwrap();
    let uris = upload_three(client, &created.customer_id).await;
    let tos = created.tos_policies_value.unwrap();
    (created.customer_id, attach_body(&uris, &tos))
}

/// Polls until the status is final or ACTION_REQUIRED; answers every status seen.
async fn review(client: &FinClient, customer_id: &str) -> (Vec<CustomerStatus>, CustomerDetails) {
    let mut seen: Vec<CustomerStatus> = Vec::new();
    for _ in 0..200 {
        let customer = client.get_customer(customer_id).await.unwrap();
        if seen.last() != Some(&customer.customer_status) {
            seen.push(customer.customer_status.clone());
        }
        if customer.customer_status.is_final()
            || customer.customer_status == CustomerStatus::ActionRequired
        {
            return (seen, customer);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no decision; seen {seen:?}");
}

/// A one-route-per-path HTTP server answering fixed bodies, for answer shapes the sandbox
/// does not produce.
async fn stub(routes: Vec<(&'static str, Value)>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).to_string();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let length: usize = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() < end + 4 + length {
                        continue;
                    }
                    let path = text.split_whitespace().nth(1).unwrap_or("").to_owned();
                    let body = routes
                        .iter()
                        .find(|(prefix, _)| path.starts_with(prefix))
                        .map(|(_, body)| body.to_string());
                    let (status, body) = match body {
                        Some(body) => ("200 OK", body),
                        None => ("404 Not Found", r#"{"message":"Not found"}"#.to_owned()),
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    request.clear();
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn token_answers_are_read_with_or_without_data() {
    logs();
    for shape in ["fin_token_wrapped.json", "fin_token_bare.json"] {
        let url = stub(vec![
            ("/v1/oauth/token", fixture(shape)),
            (
                "/v2/customers/",
                fixture("fin_customer_action_required.json"),
            ),
        ])
        .await;
        let client = FinClient::new(
            reqwest::Client::new(),
            FinConfig::new(url, "id", Sensitive::new("secret".to_owned())),
        )
        .unwrap();
        client.check_credentials().await.unwrap();
        // The documented example of a customer sent back for more documents.
        let customer = client
            .get_customer("1f45e58d-0420-4ad8-a790-413169bfab28")
            .await
            .unwrap();
        assert_eq!(customer.customer_status, CustomerStatus::ActionRequired);
        let reason = customer.rejection_reason.unwrap();
        assert_eq!(
            reason.applicant.unwrap().reject_labels,
            ["EXPIRATION_DATE", "PROBLEMATIC_APPLICANT_DATA"]
        );
        assert_eq!(reason.documents[0].category, "PROOF_OF_IDENTITY");
        assert_eq!(reason.documents[0].reject_labels, ["EXPIRATION_DATE"]);
        let rfi = &customer.request_for_information[0];
        assert_eq!(rfi.categories[0].document_type, "PASSPORT");
        let files = &rfi.categories[0].fields[1];
        assert_eq!(
            (files.field_name.as_str(), files.status.as_str()),
            ("files", "INVALID")
        );
        assert!(files.reason.as_deref().unwrap().starts_with("Expired"));
    }
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error() {
    logs();
    let sandbox = Sandbox::start(quick()).await.unwrap();
    let client = FinClient::new(
        reqwest::Client::new(),
        FinConfig::new(
            sandbox.url(),
            "branchdesk-training",
            Sensitive::new("not-the-secret".to_owned()),
        ),
    )
    .unwrap();
    assert!(matches!(
        client.check_credentials().await,
        Err(Error::Auth { status: 401 })
    ));
    let (_running, good) = start(quick()).await;
    good.check_credentials().await.unwrap();
}

/// A connection whose tokens come from an authentication host of its own asks that host,
/// never the API's, and the secret is never sent there over plain HTTP.
#[tokio::test]
async fn a_custom_token_url_is_where_tokens_are_asked_for() {
    logs();
    let sandbox = Sandbox::start(quick()).await.unwrap();
    let credentials = sandbox.credentials().fin.clone();
    let with_token_url = |token_url: &str| {
        let mut config = FinConfig::new(
            sandbox.url(),
            credentials.client_id.clone(),
            Sensitive::new(credentials.client_secret.clone()),
        );
        config.token_url = Some(token_url.to_owned());
        config.retry = fast_retry();
        FinClient::new(reqwest::Client::new(), config)
    };
    // The API host is up, but the token host named is not: no token.
    let elsewhere = with_token_url("http://127.0.0.1:9/auth/v1/oauth/token").unwrap();
    assert!(matches!(
        elsewhere.check_credentials().await,
        Err(Error::Network(_) | Error::Unavailable { .. })
    ));
    let explicit = with_token_url(&format!("{}/v1/oauth/token", sandbox.url())).unwrap();
    explicit.check_credentials().await.unwrap();
    assert!(matches!(
        with_token_url("http://auth.example.com/v1/oauth/token"),
        Err(Error::InsecureUrl(_))
    ));
}

#[tokio::test]
async fn the_token_is_renewed_with_the_refresh_token_before_it_expires() {
    let (sandbox, client) = start(SandboxConfig {
        token_ttl: Duration::from_secs(3),
        ..quick()
    })
    .await;
    let created = client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
    // Renewal is due at four fifths of the 3 s life.
    tokio::time::sleep(Duration::from_millis(2600)).await;
    client.get_customer(&created.customer_id).await.unwrap();
    assert_eq!(answered(&sandbox, "POST /v1/oauth/token", "200").await, 1);
    assert_eq!(
        answered(&sandbox, "POST /v1/oauth/refresh-token", "200").await,
        1
    );
    assert_eq!(answered(&sandbox, "GET /v2/customers/{id}", "401").await, 0);
}

#[tokio::test]
async fn a_failed_refresh_falls_back_to_the_client_credentials() {
    let (sandbox, client) = start(SandboxConfig {
        token_ttl: Duration::from_secs(3),
        ..quick()
    })
    .await;
    set_faults(
        &sandbox,
        json!([{ "endpoint": "POST /v1/oauth/refresh-token", "kind": "status", "status": 401 }]),
    )
    .await;
    let created = client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2600)).await;
    client.get_customer(&created.customer_id).await.unwrap();
    assert_eq!(
        answered(&sandbox, "POST /v1/oauth/refresh-token", "401").await,
        1
    );
    assert_eq!(answered(&sandbox, "POST /v1/oauth/token", "200").await, 2);
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_retries_once() {
    let (sandbox, client) = start(quick()).await;
    let created = client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
    set_faults(
        &sandbox,
        json!([{ "endpoint": "GET /v2/customers/{id}", "kind": "status", "status": 401, "times": 1 }]),
    )
    .await;
    client.get_customer(&created.customer_id).await.unwrap();
    assert_eq!(answered(&sandbox, "GET /v2/customers/{id}", "401").await, 1);
    assert_eq!(answered(&sandbox, "GET /v2/customers/{id}", "200").await, 1);
    assert_eq!(
        answered(&sandbox, "POST /v1/oauth/refresh-token", "200").await,
        1
    );

    // Refused again with the new token: that is an answer, not a reason to loop.
    set_faults(
        &sandbox,
        json!([{ "endpoint": "GET /v2/customers/{id}", "kind": "status", "status": 401 }]),
    )
    .await;
    assert!(matches!(
        client.get_customer(&created.customer_id).await,
        Err(Error::Auth { status: 401 })
    ));
    assert_eq!(answered(&sandbox, "GET /v2/customers/{id}", "401").await, 3);
}

#[tokio::test]
async fn create_streamed_upload_attach_and_approval() {
    let (sandbox, client) = start(quick()).await;
    let created = client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
    assert!(uuid::Uuid::parse_str(&created.customer_id).is_ok());
    assert!(created.tos_policies_url.contains(&created.customer_id));
    let tos = created.tos_policies_value.clone().unwrap();
    assert!(uuid::Uuid::parse_str(&tos).is_ok());

    let length = 6 * MB + 12_345;
    let stats = Arc::new(ReadStats::default());
    let files = vec![
        generated("licence front.pdf", length, stats.clone()),
        generated("back.pdf", 4096, Arc::default()),
        generated("statement.pdf", 4096, Arc::default()),
    ];
    let (progress, seen) = recorder();
    let uris = client
        .upload(
            &created.customer_id,
            &files,
            progress,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(uris.len(), 3);
    assert!(uris[0].ends_with("licence-front.pdf"), "{uris:?}");
    assert!(uris[1].ends_with("back.pdf") && uris[2].ends_with("statement.pdf"));

    let seen = seen.lock().unwrap().clone();
    let total = length + 8192;
    assert!(seen.windows(2).all(|w| w[0].sent < w[1].sent), "monotonic");
    assert_eq!(seen.last().map(|p| (p.sent, p.total)), Some((total, total)));
    assert!(seen.iter().all(|p| p.attempt == 1 && p.total == total));
    // Throttled: about one report per 64 KiB, not one per read.
    assert!(
        seen.len() as u64 <= total / (64 * 1024) + 4,
        "{}",
        seen.len()
    );
    // Read in small pieces, never the whole document at once.
    assert_eq!(stats.bytes.load(Ordering::Relaxed), length);
    assert!(stats.largest_read.load(Ordering::Relaxed) <= 64 * 1024);
    assert!(stats.reads.load(Ordering::Relaxed) as u64 >= length / (64 * 1024));
    assert_eq!(stats.opened.load(Ordering::Relaxed), 1);

    client
        .attach_documents(&created.customer_id, &attach_body(&uris, &tos))
        .await
        .unwrap();
    let (statuses, customer) = review(&client, &created.customer_id).await;
    assert_eq!(
        statuses.first(),
        Some(&CustomerStatus::Processing),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.last(),
        Some(&CustomerStatus::Approved),
        "{statuses:?}"
    );
    assert_eq!(customer.rejection_reason, None);
    assert!(customer.request_for_information.is_empty());
    assert_eq!(customer.last_name.as_deref(), Some("Garcia"));
    assert_eq!(
        answered(&sandbox, "POST /v1/customers/upload", "200").await,
        1
    );
}

#[tokio::test]
async fn an_upload_can_be_cancelled_midway() {
    let (sandbox, client) = start(quick()).await;
    let created = client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let stats = Arc::new(ReadStats::default());
    stats.cancel_after.store(MB, Ordering::Relaxed);
    *stats.cancel.lock().unwrap() = Some(cancel.clone());
    let length = 8 * MB;
    let files = vec![generated("scan.pdf", length, stats.clone())];
    let (progress, _) = recorder();
    let outcome = client
        .upload(&created.customer_id, &files, progress, &cancel)
        .await;
    assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");
    assert!(stats.bytes.load(Ordering::Relaxed) < length);
    assert_eq!(stats.opened.load(Ordering::Relaxed), 1, "not retried");
    assert_eq!(
        answered(&sandbox, "POST /v1/customers/upload", "200").await,
        0
    );

    // A token cancelled before the start sends nothing at all.
    let (progress, _) = recorder();
    let outcome = client
        .upload(&created.customer_id, &files, progress, &cancel)
        .await;
    assert!(matches!(outcome, Err(Error::Cancelled)));
}

#[tokio::test]
async fn an_upload_is_retried_from_a_freshly_opened_source() {
    let (sandbox, client) = start(quick()).await;
    let created = client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
    set_faults(
        &sandbox,
        json!([{ "endpoint": "POST /v1/customers/upload", "kind": "status", "status": 503, "times": 2 }]),
    )
    .await;
    let stats = Arc::new(ReadStats::default());
    let files = vec![generated("scan.pdf", MB, stats.clone())];
    let (progress, seen) = recorder();
    let uris = client
        .upload(
            &created.customer_id,
            &files,
            progress,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(uris.len(), 1);
    assert_eq!(stats.opened.load(Ordering::Relaxed), 3);
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!((last.sent, last.attempt), (MB, 3));

    // A source shorter than promised is the source's fault, said so, and not retried.
    let short = UploadFile::new("short.pdf", "application/pdf", 4096, || async {
        Ok(Box::new(&b"%PDF-1.4\n"[..]) as UploadReader)
    });
    let (progress, _) = recorder();
    let outcome = client
        .upload(
            &created.customer_id,
            &[short],
            progress,
            &CancellationToken::new(),
        )
        .await;
    assert!(matches!(outcome, Err(Error::Source(_))), "{outcome:?}");

    // Over the configured limit: refused before anything is sent.
    let big = generated("big.pdf", 11 * MB, Arc::default());
    let (progress, _) = recorder();
    let outcome = client
        .upload(
            &created.customer_id,
            &[big],
            progress,
            &CancellationToken::new(),
        )
        .await;
    assert!(
        matches!(outcome, Err(Error::InvalidRequest(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_create_that_may_have_arrived_is_not_sent_again() {
    let (sandbox, client) = start(quick()).await;
    set_faults(
        &sandbox,
        json!([{ "endpoint": "POST /v2/customers/individual", "kind": "fail_after_commit", "times": 1 }]),
    )
    .await;
    let outcome = client.create_individual(&individual("Garcia")).await;
    assert!(
        matches!(outcome, Err(Error::OutcomeUnknown { .. })),
        "{outcome:?}"
    );
    set_faults(
        &sandbox,
        json!([{ "endpoint": "POST /v2/customers/individual", "kind": "status", "status": 503, "times": 1 }]),
    )
    .await;
    let outcome = client.create_individual(&individual("Garcia")).await;
    assert!(
        matches!(outcome, Err(Error::OutcomeUnknown { .. })),
        "{outcome:?}"
    );
    let stats: Value = reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let creates: u64 = stats["requests"]["POST /v2/customers/individual"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(creates, 2, "each sent once: {stats}");

    // Turned away before being looked at: safe to send again.
    set_faults(
        &sandbox,
        json!([{ "endpoint": "POST /v2/customers/individual", "kind": "rate_limit", "retry_after": 0, "times": 1 }]),
    )
    .await;
    client
        .create_individual(&individual("Garcia"))
        .await
        .unwrap();
}

#[tokio::test]
async fn two_attaches_at_once_the_second_waits_for_the_first() {
    logs();
    let sandbox = Sandbox::start(SandboxConfig {
        compliance_delay: Duration::from_millis(400),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    // The second attach's first retry comes after the first attach's review (400 ms).
    let client = client_for(
        &sandbox,
        RetryPolicy {
            min_delay: Duration::from_millis(600),
            max_delay: Duration::from_secs(2),
            max_attempts: 4,
        },
    );
    // "Reject" fails the first review, so the customer takes documents again after it.
    let (id, body) = ready_to_attach(&client, "Reject").await;
    let (first, second) = tokio::join!(
        client.attach_documents(&id, &body),
        client.attach_documents(&id, &body)
    );
    first.unwrap();
    second.unwrap();
    let endpoint = "POST /v2/customers/{id}/individual/attach";
    assert_eq!(answered(&sandbox, endpoint, "409").await, 1);
    assert_eq!(answered(&sandbox, endpoint, "200").await, 2);
    let (_, customer) = review(&client, &id).await;
    assert_eq!(customer.customer_status, CustomerStatus::Approved);
}

#[tokio::test]
async fn refusals_say_what_to_do() {
    let (sandbox, client) = start(quick()).await;

    let mut reliance = individual("Garcia");
    reliance["verification_type"] = json!("RELIANCE");
    let outcome = client.create_individual(&reliance).await;
    let Err(error @ Error::RelianceUnavailable { .. }) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(error.to_string().contains("STANDARD"), "{error}");

    let mut shouting = individual("Garcia");
    shouting["basic_info"]["email"] = json!("Maria@Example.com");
    let Err(Error::Invalid {
        status: 422,
        fields,
        ..
    }) = client.create_individual(&shouting).await
    else {
        panic!("not a 422");
    };
    assert_eq!(fields[0].path, "basic_info.email");

    let (id, body) = ready_to_attach(&client, "Garcia").await;
    let mut passport = body.clone();
    passport["identifying_documents"] = json!([{
        "type": "PASSPORT", "number": "X1", "country": "USA", "state": "US-CA",
        "expiry_date": "2099-01-01", "files": [{"uri": body["identifying_documents"][0]["files"][0]["uri"]}]
    }]);
    let Err(Error::Invalid { fields, .. }) = client.attach_documents(&id, &passport).await else {
        panic!("not a 422");
    };
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["identifying_documents.0.state"]);

    // Another customer's file.
    let (other, other_body) = ready_to_attach(&client, "Garcia").await;
    let mut borrowed = body.clone();
    borrowed["tos_policies_value"] = other_body["tos_policies_value"].clone();
    let outcome = client.attach_documents(&other, &borrowed).await;
    assert!(
        matches!(
            outcome,
            Err(Error::NotEligible(AttachPrecondition::FileNotOwned))
        ),
        "{outcome:?}"
    );

    // Already approved: the 403 is explained by the customer's status.
    client.attach_documents(&id, &body).await.unwrap();
    let (_, customer) = review(&client, &id).await;
    assert_eq!(customer.customer_status, CustomerStatus::Approved);
    let outcome = client.attach_documents(&id, &body).await;
    let Err(
        error @ Error::NotEligible(AttachPrecondition::CustomerStatus(CustomerStatus::Approved)),
    ) = outcome
    else {
        panic!("{outcome:?}");
    };
    assert!(
        error.to_string().contains("INCOMPLETE or ACTION_REQUIRED"),
        "{error}"
    );

    let unknown = uuid::Uuid::new_v4().to_string();
    assert!(matches!(
        client.get_customer(&unknown).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        client.get_customer("../v1/oauth/token").await,
        Err(Error::InvalidRequest(_))
    ));
    drop(sandbox);
}

/// Marks a sandbox customer as Create Individual V2 never makes one (BUSINESS, v1).
async fn mark(sandbox: &Sandbox, customer_id: &str, marks: Value) {
    let answer = reqwest::Client::new()
        .put(format!(
            "{}/_sandbox/fin/customers/{customer_id}",
            sandbox.url()
        ))
        .json(&marks)
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_success(),
        "{}",
        answer.text().await.unwrap()
    );
}

/// Fin.com answers every refused precondition with the same 403 text ("Customer is not
/// eligible for this operation"). The customer's record tells a business apart; it shows
/// no API version, so a v1 customer is explained together with another client's customer.
#[tokio::test]
async fn a_business_or_v1_customer_is_refused_in_plain_words() {
    let (sandbox, client) = start(quick()).await;

    let (business, body) = ready_to_attach(&client, "Garcia").await;
    mark(&sandbox, &business, json!({"customer_type": "BUSINESS"})).await;
    let Err(error) = client.attach_documents(&business, &body).await else {
        panic!("a business customer was attached to");
    };
    assert!(
        matches!(
            &error,
            Error::NotEligible(AttachPrecondition::NotIndividual(kind)) if kind == "BUSINESS"
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("type BUSINESS") && text.contains("INDIVIDUAL customers only"),
        "{text}"
    );

    let (v1, body) = ready_to_attach(&client, "Garcia").await;
    mark(&sandbox, &v1, json!({"api_version": "v1"})).await;
    let Err(error) = client.attach_documents(&v1, &body).await else {
        panic!("a v1 customer was attached to");
    };
    assert!(
        matches!(
            error,
            Error::NotEligible(AttachPrecondition::ApiVersionOrOwner)
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("v2 API") && text.contains("another client account"),
        "{text}"
    );

    // A refusal is definite: each attach was sent once, and neither customer changed.
    let endpoint = "POST /v2/customers/{id}/individual/attach";
    assert_eq!(answered(&sandbox, endpoint, "403").await, 2);
    assert_eq!(answered(&sandbox, endpoint, "200").await, 0);
    for id in [&business, &v1] {
        let customer = client.get_customer(id).await.unwrap();
        assert_eq!(customer.customer_status, CustomerStatus::Incomplete);
    }
}

#[tokio::test]
async fn reject_comes_back_action_required_with_reasons() {
    let (_sandbox, client) = start(quick()).await;
    let (id, body) = ready_to_attach(&client, "Reject").await;
    client.attach_documents(&id, &body).await.unwrap();
    let (statuses, customer) = review(&client, &id).await;
    assert_eq!(statuses.last(), Some(&CustomerStatus::ActionRequired));
    let reason = customer.rejection_reason.unwrap();
    assert_eq!(reason.applicant.unwrap().reject_labels, ["LOW_QUALITY"]);
    let document = &reason.documents[0];
    assert_eq!(
        document.uri,
        body["identifying_documents"][0]["files"][0]["uri"]
    );
    assert_eq!(document.category, "PROOF_OF_IDENTITY");
    assert!(document.moderation_comment.contains("good quality"));
    let rfi = &customer.request_for_information[0];
    assert_eq!(
        (rfi.scope.as_str(), rfi.section.as_str()),
        ("CUSTOMER", "identifying_documents")
    );
    assert_eq!(rfi.categories[0].document_type, "DRIVERS_LICENSE");
    assert_eq!(rfi.categories[0].fields[0].status, "INVALID");

    // Sent again after the rejection, the documents are approved.
    client.attach_documents(&id, &body).await.unwrap();
    let (_, customer) = review(&client, &id).await;
    assert_eq!(customer.customer_status, CustomerStatus::Approved);
}

/// Runs a flow with every token path (issue, refresh, 401, refresh failure) and then reads
/// everything logged by this binary so far.
#[tokio::test]
async fn logs_never_carry_the_secret_or_a_token() {
    let captured = logs();
    let (sandbox, client) = start(SandboxConfig {
        token_ttl: Duration::from_secs(2),
        ..quick()
    })
    .await;
    let (id, body) = ready_to_attach(&client, "Garcia").await;
    set_faults(
        &sandbox,
        json!([{ "endpoint": "POST /v2/customers/{id}/individual/attach", "kind": "status", "status": 401, "times": 1 }]),
    )
    .await;
    client.attach_documents(&id, &body).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1800)).await;
    client.get_customer(&id).await.unwrap();
    assert!(answered(&sandbox, "POST /v1/oauth/refresh-token", "200").await >= 2);

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("Fin.com answered"), "the capture works");
    assert!(!text.contains(SECRET));
    assert!(!text.to_ascii_lowercase().contains("bearer"));
    assert!(!text.contains("client_secret"));
    // The sandbox's tokens are 64 hex digits; nothing like one may appear.
    let longest_hex = text
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(longest_hex < 64, "something token-like was logged");
    // Nor the fixtures' tokens, nor the document bytes.
    assert!(!text.contains("wrapped-access") && !text.contains("bare-refresh"));
    assert!(!text.contains("%PDF"));
}
