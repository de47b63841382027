//! A 25 MB scan sent to BVNK as base64 inside JSON: the body that arrives is exactly the
//! file's base64 in its element, and the process's resident memory grows by less than
//! 16 MB while it is sent (neither the file nor its 34 MB of base64 is ever whole in
//! memory). Alone in its binary so no other test's allocations blur the measurement; the
//! receiving end is a plain loopback server that hashes what it reads and keeps nothing.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use branchdesk_api::bvnk::{BvnkClient, BvnkConfig, BvnkDocument};
use branchdesk_api::fin::{CancellationToken, ProgressFn, UploadFile};
use branchdesk_domain::bvnk::DocumentMeta;
use branchdesk_domain::Sensitive;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const MB: u64 = 1024 * 1024;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// Serves one request: reads its head and `Content-Length` bytes of body into a hash,
/// answers 202. Gives back the body's length and digest.
async fn receive_one(listener: tokio::net::TcpListener) -> (u64, Vec<u8>) {
    let (socket, _) = listener.accept().await.unwrap();
    let mut reader = BufReader::new(socket);
    let mut length = 0u64;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut hash = Sha256::new();
    let mut left = length;
    let mut buffer = vec![0u8; 64 * 1024];
    while left > 0 {
        let want = buffer.len().min(left as usize);
        let n = reader.read(&mut buffer[..want]).await.unwrap();
        assert!(n > 0, "the body ended {left} bytes early");
        hash.update(&buffer[..n]);
        left -= n as u64;
    }
    let answer = b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
    reader.get_mut().write_all(answer).await.unwrap();
    (length, hash.finalize().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_25_mb_scan_goes_as_base64_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("licence-front.jpg");
    let size = 25 * MB;
    {
        let mut file = std::fs::File::create(&path).unwrap();
        let block: Vec<u8> = (0..MB).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..25 {
            file.write_all(&block).unwrap();
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(receive_one(listener));
    let config = BvnkConfig::new(
        format!("http://127.0.0.1:{port}"),
        "branchdesk-training",
        Sensitive::new("bvnk-training-hawk-key".to_owned()),
    );
    let http = branchdesk_api::http_client(&config.timeouts).unwrap();
    let client = BvnkClient::new(http, config).unwrap();
    let meta = DocumentMeta {
        customer_person_reference: Some("911685b0-acaa-418d-bd91-ed80b96c62cf".into()),
        kind: "DRIVER_LICENSE".into(),
        sub_type: Some("FRONT_SIDE".into()),
        name: "licence-front.jpg".into(),
        description: "Driver's licence, front".into(),
        country_code: "US".into(),
        external_reference: "d1-a0-front".into(),
    };
    let documents = [BvnkDocument {
        meta: meta.clone(),
        file: UploadFile::from_path(&path, "image/jpeg").await.unwrap(),
    }];

    // Warm up the client and the runtime before the baseline.
    let _ = resident_bytes();
    let before = resident_bytes();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(resident_bytes(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let last = Arc::new(Mutex::new(0u64));
    let heard = last.clone();
    let progress: ProgressFn = Arc::new(move |p| *heard.lock().unwrap() = p.sent);
    client
        .add_documents(
            "8a0e1da2-2af3-4b9e-a221-e74db4e01b06",
            &documents,
            "0b3ed172-e24f-43f5-a901-4f7b6d138ebe",
            progress,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let growth = peak.load(Ordering::Relaxed).saturating_sub(before);
    eprintln!(
        "resident memory growth sending a 25 MB scan: {:.1} MB",
        growth as f64 / MB as f64
    );
    assert_eq!(
        *last.lock().unwrap(),
        size,
        "progress reached the whole file"
    );
    assert!(
        growth < 16 * MB,
        "resident memory grew {:.1} MB sending a 25 MB scan",
        growth as f64 / MB as f64
    );

    // What arrived is the element with the file's base64 as its content, byte for byte.
    let (length, digest) = server.await.unwrap();
    let mut element = serde_json::to_string(&meta).unwrap();
    element.pop();
    let opening = format!("[{element},\"content\":\"");
    let mut expected = Sha256::new();
    expected.update(opening.as_bytes());
    // Whole groups of three bytes per piece, so only the last piece is padded.
    let bytes = std::fs::read(&path).unwrap();
    let mut encoded = 0u64;
    for piece in bytes.chunks(3 * 65536) {
        let text = base64::engine::general_purpose::STANDARD.encode(piece);
        encoded += text.len() as u64;
        expected.update(text.as_bytes());
    }
    expected.update(b"\"}]");
    assert_eq!(encoded, size.div_ceil(3) * 4);
    assert_eq!(length, opening.len() as u64 + encoded + 3);
    assert_eq!(digest, expected.finalize().to_vec());
}
