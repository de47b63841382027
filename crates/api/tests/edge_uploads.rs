//! Uploads on a slow line and on a stalled one, through a loopback proxy in front of the
//! sandbox that passes what the client sends at a set rate, or stops passing it.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod edge;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use branchdesk_api::fin::{CancellationToken, ProgressFn, UploadFile, UploadProgress};
use branchdesk_api::{Error, Timeouts, MIN_UPLOAD_BYTES_PER_SEC};
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use edge::{fin_client, fin_person, retries};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy)]
enum Line {
    /// Passes the client's bytes at this many per second.
    Throttled(u64),
    /// Passes the first this many bytes of each connection, then nothing more.
    StallsAfter(usize),
}

/// A proxy to `target`; answers come back unhindered.
async fn proxy(target: SocketAddr, line: Line) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let outbound = TcpStream::connect(target).await.unwrap();
            let (mut from_client, mut to_client) = inbound.into_split();
            let (mut from_server, mut to_server) = outbound.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
            });
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8 * 1024];
                let mut passed = 0usize;
                loop {
                    if let Line::StallsAfter(limit) = line {
                        if passed >= limit {
                            // Holds the connection open and reads no more.
                            std::future::pending::<()>().await;
                        }
                    }
                    let n = match from_client.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if to_server.write_all(&buffer[..n]).await.is_err() {
                        return;
                    }
                    passed += n;
                    if let Line::Throttled(rate) = line {
                        tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
                    }
                }
            });
        }
    });
    url
}

fn sandbox_addr(sandbox: &Sandbox) -> SocketAddr {
    sandbox
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

/// A PDF-looking file of `bytes` on disk.
fn scan(bytes: usize) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(b"%PDF-1.4\n").unwrap();
    let filler: Vec<u8> = (0..bytes - 9).map(|i| (i % 251) as u8).collect();
    file.write_all(&filler).unwrap();
    file.flush().unwrap();
    file
}

fn recorder() -> (ProgressFn, Arc<Mutex<Vec<UploadProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let progress: ProgressFn = Arc::new(move |p| sink.lock().unwrap().push(p));
    (progress, seen)
}

/// Short limits: only the size-based total can let a long upload through.
fn tight(idle: Duration) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        idle,
        request: Duration::from_secs(3),
    }
}

#[tokio::test]
async fn a_scan_goes_through_at_two_megabits() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(3),
        tight(Duration::from_secs(3)),
    );
    let (body, _) = fin_person();
    let customer = direct.create_individual(&body).await.unwrap().customer_id;

    let line = proxy(
        sandbox_addr(&sandbox),
        Line::Throttled(MIN_UPLOAD_BYTES_PER_SEC),
    )
    .await;
    // One attempt: it has to get through the first time.
    let client = fin_client(&sandbox, &line, retries(1), tight(Duration::from_secs(3)));
    let size = 2 * 1024 * 1024 + 512 * 1024;
    let file = scan(size);
    let upload = UploadFile::from_path(file.path(), "application/pdf")
        .await
        .unwrap();
    let (progress, seen) = recorder();
    let started = Instant::now();
    let uris = client
        .upload(&customer, &[upload], progress, &CancellationToken::new())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(uris.len(), 1);
    // It did go at the line's pace: over the 3 s a small request is given.
    assert!(elapsed > Duration::from_secs(8), "{elapsed:?}");
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!((last.sent, last.attempt), (size as u64, 1));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_stalled_upload_fails_on_the_idle_timeout_and_is_tried_again() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = fin_client(
        &sandbox,
        &sandbox.url(),
        retries(3),
        tight(Duration::from_secs(3)),
    );
    let (body, _) = fin_person();
    let customer = direct.create_individual(&body).await.unwrap().customer_id;

    let line = proxy(sandbox_addr(&sandbox), Line::StallsAfter(128 * 1024)).await;
    let idle = Duration::from_secs(1);
    let client = fin_client(&sandbox, &line, retries(3), tight(idle));
    // Larger than the sockets between client and proxy hold (a few MiB each way on
    // loopback), so the client feels the stall while it still has bytes to send.
    let size = 24 * 1024 * 1024;
    let file = scan(size);
    let upload = UploadFile::from_path(file.path(), "application/pdf")
        .await
        .unwrap();
    let (progress, seen) = recorder();
    let started = Instant::now();
    let error = tokio::time::timeout(
        Duration::from_secs(30),
        client.upload(&customer, &[upload], progress, &CancellationToken::new()),
    )
    .await
    .expect("a stalled upload ends")
    .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Network(_)), "{error:?}");
    assert!(error.is_retryable());
    let attempts = seen
        .lock()
        .unwrap()
        .iter()
        .map(|p| p.attempt)
        .max()
        .unwrap();
    assert_eq!(attempts, 3);
    // Three idle timeouts, not the size-based total (over a minute for 16 MiB).
    assert!(elapsed >= idle * 3, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    sandbox.shutdown().await;
}
