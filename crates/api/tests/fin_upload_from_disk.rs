//! `UploadFile::from_path` and `UploadFile::from_chunks` against a loopback server that
//! keeps every upload body as it arrived, so the bytes can be compared with the file's:
//! the sandbox keeps only each file's size and type.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use branchdesk_api::fin::{
    CancellationToken, FinClient, FinConfig, ProgressFn, UploadChunks, UploadFile, UploadProgress,
    UploadReader,
};
use branchdesk_api::{Error, RetryPolicy};
use branchdesk_domain::Sensitive;
use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const CUSTOMER: &str = "5b1f3c2e-8d4a-4f6b-9c7e-2a1d0e9f8b7c";

/// A Fin.com stand-in on loopback: a token for anyone, and each upload body kept whole.
struct Capture {
    url: String,
    uploads: Arc<Mutex<Vec<Vec<u8>>>>,
    /// Upload requests refused with a 503 before any is taken.
    refuse: Arc<AtomicUsize>,
    /// Upload requests seen, taken or not.
    upload_requests: Arc<AtomicUsize>,
}

impl Capture {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let capture = Self {
            url: format!("http://{}", listener.local_addr().unwrap()),
            uploads: Arc::default(),
            refuse: Arc::default(),
            upload_requests: Arc::default(),
        };
        let (uploads, refuse, requests) = (
            capture.uploads.clone(),
            capture.refuse.clone(),
            capture.upload_requests.clone(),
        );
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(
                    stream,
                    uploads.clone(),
                    refuse.clone(),
                    requests.clone(),
                ));
            }
        });
        capture
    }

    fn client(&self) -> FinClient {
        let mut config = FinConfig::new(&self.url, "branchdesk", Sensitive::new("s".to_owned()));
        config.retry = RetryPolicy {
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_attempts: 4,
        };
        FinClient::new(reqwest::Client::new(), config).unwrap()
    }

    fn last_upload(&self) -> Vec<u8> {
        self.uploads.lock().unwrap().last().cloned().unwrap()
    }
}

/// HTTP/1.1 with keep-alive, bodies by Content-Length only (what the client sends).
async fn serve(
    stream: TcpStream,
    uploads: Arc<Mutex<Vec<Vec<u8>>>>,
    refuse: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
) {
    let mut stream = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if stream.read_line(&mut request_line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut header = String::new();
            if stream.read_line(&mut header).await.unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        // A body cut short: the client gave up (cancelled).
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        let (status, answer) = if request_line.starts_with("POST /v1/oauth/token ") {
            (
                "200 OK",
                r#"{"data":{"access_token":"token","access_token_ttl":3600}}"#.to_owned(),
            )
        } else if request_line.starts_with("POST /v1/customers/upload ") {
            requests.fetch_add(1, Ordering::Relaxed);
            let refused = refuse
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok();
            if refused {
                (
                    "503 Service Unavailable",
                    r#"{"message":"busy"}"#.to_owned(),
                )
            } else {
                uploads.lock().unwrap().push(body);
                (
                    "200 OK",
                    r#"{"data":{"files":[{"file0":"fin://0"},{"file1":"fin://1"},{"file2":"fin://2"}]}}"#
                        .to_owned(),
                )
            }
        } else {
            ("404 Not Found", r#"{"message":"no such route"}"#.to_owned())
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if stream
            .get_mut()
            .write_all(response.as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// What the multipart body carries in the part named `field`.
fn part<'a>(body: &'a [u8], field: &str) -> &'a [u8] {
    let name = format!("name=\"{field}\"");
    let at = find(body, name.as_bytes()).unwrap();
    let start = at + find(&body[at..], b"\r\n\r\n").unwrap() + 4;
    let end = start + find(&body[start..], b"\r\n--").unwrap();
    &body[start..end]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A PDF header then bytes that differ from one position to the next, so a chunk sent
/// twice, out of order or from a reused buffer does not compare equal.
fn content(length: usize, seed: u64) -> Vec<u8> {
    let mut data = b"%PDF-1.4\n".to_vec();
    let mut state = seed | 1;
    while data.len() < length {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(length);
    data
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(data: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("branchdesk-{}.pdf", uuid::Uuid::new_v4()));
        std::fs::write(&path, data).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn recorder() -> (ProgressFn, Arc<Mutex<Vec<UploadProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let progress: ProgressFn = Arc::new(move |p| sink.lock().unwrap().push(p));
    (progress, seen)
}

#[tokio::test]
async fn a_file_on_disk_arrives_byte_for_byte_beside_other_sources() {
    let capture = Capture::start().await;
    let client = capture.client();
    // Several of the reader thread's chunks and a part of one; its buffers come round again.
    let on_disk = content(3 * 1024 * 1024 + 12_345, 7);
    let file = TempFile::new(&on_disk);
    let in_memory = content(100_000, 11);
    let reader_data = in_memory.clone();
    let chunked = content(70_000, 13);
    let pieces = vec![
        Bytes::copy_from_slice(&chunked[..30_000]),
        // An empty chunk is no end.
        Bytes::new(),
        Bytes::copy_from_slice(&chunked[30_000..]),
    ];
    let files = [
        UploadFile::from_path(&file.0, "application/pdf")
            .await
            .unwrap(),
        UploadFile::new(
            "memory.pdf",
            "application/pdf",
            in_memory.len() as u64,
            move || {
                let data = reader_data.clone();
                async move { Ok(Box::new(std::io::Cursor::new(data)) as UploadReader) }
            },
        ),
        UploadFile::from_chunks(
            "chunks.pdf",
            "application/pdf",
            chunked.len() as u64,
            move || {
                let pieces = pieces.clone();
                async move {
                    Ok(Box::pin(futures::stream::iter(pieces.into_iter().map(Ok))) as UploadChunks)
                }
            },
        ),
    ];
    assert_eq!(files[0].length, on_disk.len() as u64);
    let (progress, seen) = recorder();
    let uris = client
        .upload(CUSTOMER, &files, progress, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(uris, ["fin://0", "fin://1", "fin://2"]);

    let body = capture.last_upload();
    assert!(part(&body, "file0") == on_disk, "the file on disk differs");
    assert!(
        part(&body, "file1") == in_memory,
        "the reader's bytes differ"
    );
    assert!(part(&body, "file2") == chunked, "the chunks differ");
    assert_eq!(part(&body, "customer_id"), CUSTOMER.as_bytes());

    let seen = seen.lock().unwrap().clone();
    let total = (on_disk.len() + in_memory.len() + chunked.len()) as u64;
    assert!(seen.windows(2).all(|w| w[0].sent < w[1].sent), "monotonic");
    assert_eq!(seen.last().map(|p| (p.sent, p.total)), Some((total, total)));
    assert!(seen.iter().all(|p| p.attempt == 1));
}

#[tokio::test]
async fn a_retry_reads_the_file_again_from_its_start() {
    let capture = Capture::start().await;
    capture.refuse.store(2, Ordering::Relaxed);
    let on_disk = content(2 * 1024 * 1024 + 99, 17);
    let file = TempFile::new(&on_disk);
    let files = [UploadFile::from_path(&file.0, "application/pdf")
        .await
        .unwrap()];
    let (progress, seen) = recorder();
    capture
        .client()
        .upload(CUSTOMER, &files, progress, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(capture.upload_requests.load(Ordering::Relaxed), 3);
    assert!(part(&capture.last_upload(), "file0") == on_disk);
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!((last.sent, last.attempt), (on_disk.len() as u64, 3));
}

#[tokio::test]
async fn an_upload_from_disk_can_be_cancelled_midway() {
    let capture = Capture::start().await;
    let file = TempFile::new(&content(8 * 1024 * 1024, 19));
    let files = [UploadFile::from_path(&file.0, "application/pdf")
        .await
        .unwrap()];
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let furthest = Arc::new(Mutex::new(0));
    let noted = furthest.clone();
    let progress: ProgressFn = Arc::new(move |p: UploadProgress| {
        *noted.lock().unwrap() = p.sent;
        if p.sent >= 1024 * 1024 {
            trigger.cancel();
        }
    });
    let outcome = capture
        .client()
        .upload(CUSTOMER, &files, progress, &cancel)
        .await;
    assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");
    assert!(*furthest.lock().unwrap() < 8 * 1024 * 1024);
    assert_eq!(capture.upload_requests.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn a_file_that_changed_since_it_was_chosen_is_the_source_s_fault() {
    let capture = Capture::start().await;
    let client = capture.client();

    // Shorter than when it was measured: the body's promised length cannot be kept.
    let file = TempFile::new(&content(600_000, 23));
    let files = [UploadFile::from_path(&file.0, "application/pdf")
        .await
        .unwrap()];
    std::fs::write(&file.0, content(300_000, 23)).unwrap();
    let (progress, _) = recorder();
    let outcome = client
        .upload(CUSTOMER, &files, progress, &CancellationToken::new())
        .await;
    assert!(matches!(outcome, Err(Error::Source(_))), "{outcome:?}");

    // Longer.
    std::fs::write(&file.0, content(900_000, 23)).unwrap();
    let (progress, _) = recorder();
    let outcome = client
        .upload(CUSTOMER, &files, progress, &CancellationToken::new())
        .await;
    assert!(matches!(outcome, Err(Error::Source(_))), "{outcome:?}");

    // Gone: nothing is sent.
    std::fs::remove_file(&file.0).unwrap();
    let (progress, _) = recorder();
    let outcome = client
        .upload(CUSTOMER, &files, progress, &CancellationToken::new())
        .await;
    assert!(matches!(outcome, Err(Error::Source(_))), "{outcome:?}");
    // No body arrived whole, and none was sent again.
    assert_eq!(capture.upload_requests.load(Ordering::Relaxed), 0);
    assert!(capture.uploads.lock().unwrap().is_empty());
}
