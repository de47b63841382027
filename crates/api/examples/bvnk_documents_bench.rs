//! The BVNK documents figures of `cargo xtask bench` (see xtask/src/bench/bvnk.rs). Every
//! mode that talks to BVNK reads the Hawk id and key from stdin, one per line.
//!
//! - `sandbox [--port N]`: the sandbox, standalone, its ready line on stdout. Its default
//!   configuration already takes the 34 MB body (the documents route allows 48 MiB).
//! - `setup URL`: a signed agreement session and a COMPANY customer with two associates
//!   (one controls and signs), made with `BvnkClient`; prints `{"reference": …}`. Sent only
//!   company documents it stays INFO_REQUIRED, so it takes documents run after run.
//! - `hawk URL METHOD PATH`: a fresh `Authorization` value for curl, signed as the client
//!   signs (no hash, no ext, the address's port or 443, path with query, a new nonce).
//! - `body FILE OUT`: the exact body `add_documents` sends for FILE as one COMPANY_DOC,
//!   captured from the client itself, written to OUT for curl's `--data-binary @OUT`.
//! - `documents URL REFERENCE FILE`: one `BvnkClient::add_documents` of FILE, timed from
//!   connecting to the 202, printing one JSON line with the wall and CPU time and how much
//!   this process's resident memory grew meanwhile.

use std::io::BufRead;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use branchdesk_api::bvnk::{BvnkClient, BvnkConfig, BvnkDocument};
use branchdesk_api::fin::{CancellationToken, ProgressFn, UploadFile};
use branchdesk_domain::bvnk::{CustomerStatus, DocumentMeta};
use branchdesk_domain::Sensitive;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[path = "common/measure.rs"]
mod measure;

use measure::{cpu_ns, status_kib};

type Failure = Box<dyn std::error::Error>;

const USAGE: &str = "usage: bvnk_documents_bench sandbox [--port N] | setup URL | \
                     hawk URL METHOD PATH | body FILE OUT | documents URL REFERENCE FILE";

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Runtime::new()?;
    match args.first().map(String::as_str) {
        Some("sandbox") => {
            let port = args
                .iter()
                .position(|a| a == "--port")
                .and_then(|i| args.get(i + 1))
                .map(|p| p.parse())
                .transpose()?
                .unwrap_or(0);
            let config = branchdesk_sandbox::SandboxConfig {
                port,
                ..Default::default()
            };
            runtime.block_on(branchdesk_sandbox::serve_standalone(config))?;
            Ok(())
        }
        Some("setup") if args.len() == 2 => runtime.block_on(setup(&args[1])),
        Some("hawk") if args.len() == 4 => hawk_header(&args[1], &args[2], &args[3]),
        Some("body") if args.len() == 3 => runtime.block_on(body(&args[1], &args[2])),
        Some("documents") if args.len() == 4 => {
            runtime.block_on(documents(&args[1], &args[2], &args[3]))
        }
        _ => Err(USAGE.into()),
    }
}

/// The Hawk id and key, one per line on stdin (never on the command line, where `ps` shows
/// them).
fn hawk_credentials() -> Result<(String, String), Failure> {
    let mut lines = std::io::stdin().lock().lines();
    let id = lines.next().ok_or("no Hawk id on stdin")??;
    let key = lines.next().ok_or("no Hawk key on stdin")??;
    Ok((id, key))
}

/// A client whose connections are never kept: each request connects afresh, as curl does
/// within the time it reports.
fn client(url: &str, id: String, key: String) -> Result<BvnkClient, Failure> {
    let config = BvnkConfig::new(url, id, Sensitive::new(key));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    Ok(BvnkClient::new(http, config)?)
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn associate(first: &str, last: &str, signer: bool) -> serde_json::Value {
    json!({
        "person": {"firstName": first, "lastName": last, "dateOfBirth": "1980-04-12",
                   "address": {"addressLine1": "101 West Broadway", "city": "San Diego",
                               "postalCode": "92101", "countryCode": "US"}},
        "details": {"contactInfo": {"emailAddress": "owner@example.com"}},
        "title": if signer { "CEO" } else { "Owner" },
        "controls": {"hasOwnership": true, "hasControl": signer, "isSigner": signer}
    })
}

async fn setup(url: &str) -> Result<(), Failure> {
    let (id, key) = hawk_credentials()?;
    let client = client(url, id, key)?;
    // A create must name a SIGNED session for its customer type.
    let session = json!({"customerType": "COMPANY", "countryCode": "US",
                         "useCase": "EMBEDDED_FIAT_ACCOUNTS"});
    let session = client
        .create_agreement_session(session.to_string().as_bytes(), &uuid())
        .await?;
    client
        .update_agreement_session(&session.reference, "SIGNED", &uuid())
        .await?;
    let company = json!({
        "type": "COMPANY",
        "signedAgreementSessionReference": session.reference,
        "externalReference": uuid(),
        "company": {
            "name": "Bench Roasters LLC", "description": "Coffee roasting",
            "taxResidenceCountryCode": "US", "registrationNumber": "BENCH-0001",
            "address": {"addressLine1": "1 Market St", "city": "San Francisco",
                        "postalCode": "94105", "countryCode": "US"},
            "associates": [associate("Ana", "Owner", true), associate("Ben", "Holder", false)]
        }
    });
    let customer = client
        .create_customer(company.to_string().as_bytes(), &uuid())
        .await?;
    if customer.status != CustomerStatus::InfoRequired {
        return Err(format!("the customer is {:?}, not INFO_REQUIRED", customer.status).into());
    }
    println!("{}", json!({ "reference": customer.reference }));
    Ok(())
}

/// Signed exactly as the client's own signer (crates/api/src/bvnk/hawk.rs) signs, which
/// the crate does not expose: the same `hawk` calls with the same inputs.
fn hawk_header(url: &str, method: &str, path: &str) -> Result<(), Failure> {
    let (id, key) = hawk_credentials()?;
    let url = url::Url::parse(url)?.join(path)?;
    let host = url.host_str().ok_or("no host in the address")?;
    let port = url.port().unwrap_or(443);
    let resource = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let credentials = hawk::Credentials {
        id,
        key: hawk::Key::new(key.as_bytes(), hawk::SHA256)?,
    };
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let header = hawk::RequestBuilder::new(method, host, port, &resource)
        .request()
        .make_header_full(&credentials, SystemTime::now(), &nonce)?;
    println!("Hawk {header}");
    Ok(())
}

/// The one document every run sends: a company document, so the customer, which still
/// lacks its associates' identity documents, stays INFO_REQUIRED and takes the next run.
async fn company_doc(file: &str) -> Result<[BvnkDocument; 1], Failure> {
    Ok([BvnkDocument {
        meta: DocumentMeta {
            customer_person_reference: None,
            kind: "COMPANY_DOC".into(),
            sub_type: Some("INCORPORATION_CERT".into()),
            name: "certificate-of-incorporation.pdf".into(),
            description: "Certificate of incorporation".into(),
            country_code: "US".into(),
            external_reference: "bench-incorporation-cert".into(),
        },
        file: UploadFile::from_path(file, "application/pdf").await?,
    }])
}

/// Captures what `add_documents` sends for FILE: a one-request server on loopback writes
/// the body it receives to OUT and answers 202. Taken from the client itself, curl's body
/// is the client's byte for byte, whatever the client's framing.
async fn body(file: &str, out: &str) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let out = out.to_owned();
    let server = tokio::spawn(async move { receive_one(listener, &out).await });
    // This server checks no signature: any id and key will do.
    let client = client(&url, "capture".into(), "capture-key".into())?;
    client
        .add_documents(
            &uuid(),
            &company_doc(file).await?,
            &uuid(),
            Arc::new(|_| {}),
            &CancellationToken::new(),
        )
        .await?;
    let written = server.await?.map_err(|e| e.to_string())?;
    eprintln!("bvnk_documents_bench: wrote a {written}-byte body");
    Ok(())
}

/// Reads one request's head, then `Content-Length` bytes of body into `out`; answers 202.
async fn receive_one(listener: tokio::net::TcpListener, out: &str) -> std::io::Result<u64> {
    let (socket, _) = listener.accept().await?;
    let mut reader = BufReader::new(socket);
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<u64>().ok();
            }
        }
    }
    let length = length.ok_or_else(|| std::io::Error::other("no Content-Length"))?;
    let mut file = tokio::fs::File::create(out).await?;
    let copied = tokio::io::copy(&mut (&mut reader).take(length), &mut file).await?;
    file.flush().await?;
    if copied != length {
        return Err(std::io::Error::other("the body ended early"));
    }
    let answer = "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\n\
                  content-length: 2\r\nconnection: close\r\n\r\n{}";
    reader.get_mut().write_all(answer.as_bytes()).await?;
    Ok(length)
}

async fn documents(url: &str, reference: &str, file: &str) -> Result<(), Failure> {
    let (id, key) = hawk_credentials()?;
    let client = client(url, id, key)?;
    // Start-up (the runtime, the HTTP client's first request, the signer) before the clock
    // starts; its connection is not kept, so the timed request connects afresh.
    client.check_credentials().await?;
    let documents = company_doc(file).await?;
    let length = documents[0].file.length;
    let idempotency_key = uuid();
    let reports = Arc::new(AtomicU64::new(0));
    let counted = reports.clone();
    let progress: ProgressFn = Arc::new(move |_| {
        counted.fetch_add(1, Ordering::Relaxed);
    });

    let before = status_kib("VmRSS:");
    // Restarts the peak (VmHWM) from the current resident set (Linux 4.0+).
    let peak_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let cpu_before = cpu_ns();
    let started = Instant::now();
    client
        .add_documents(
            reference,
            &documents,
            &idempotency_key,
            progress,
            &CancellationToken::new(),
        )
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_ns().saturating_sub(cpu_before) as f64 / 1e9;
    let peak = status_kib("VmHWM:");
    println!(
        "{}",
        json!({
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "bytes": length,
            "rss_before_kib": before,
            "rss_peak_kib": peak,
            "rss_growth_kib": peak.saturating_sub(before),
            "peak_reset": peak_reset,
            "progress_reports": reports.load(Ordering::Relaxed),
        })
    );
    Ok(())
}
