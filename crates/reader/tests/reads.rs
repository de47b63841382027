//! The built `branchdesk-reader`, asked as the app asks it: a separate process that reads
//! the licence's barcode and makes the viewer's picture, and that refuses a request it
//! cannot read without answering anything.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use branchdesk_documents::barcode::{read_pdf417, BarcodeRead};
use branchdesk_documents::{view_picture, worker, CheckConfig};

const READER: &str = env!("CARGO_BIN_EXE_branchdesk-reader");

fn licence() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/licence-back.jpg"
    ))
    .unwrap()
}

#[test]
fn the_reader_reads_a_licence_and_makes_the_viewers_picture() {
    worker::isolate_in(READER.into());
    let bytes = licence();
    let BarcodeRead::Found(text) = read_pdf417(&bytes, &CheckConfig::default()).unwrap() else {
        panic!("no barcode read")
    };
    assert!(text.contains("DBB06141986"), "{text}");
    let picture = view_picture(&bytes, 400).unwrap();
    assert_eq!(picture.mime, "image/jpeg");
    assert_eq!(picture.width.max(picture.height), 400);
}

#[test]
fn a_request_it_cannot_read_gets_no_answer() {
    let mut child = Command::new(READER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A frame of eight bytes that are not a request.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&8u32.to_le_bytes()).unwrap();
    stdin.write_all(&[0xFF; 8]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unreadable request"),
        "{out:?}"
    );
}
