//! Scans attached to a draft: checked, stored encrypted, shown only as a thumbnail.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use branchdesk_api::cos::{CosClient, CosConfig, AUDIENCE};
use branchdesk_api::RetryPolicy;
use branchdesk_domain::draft::PartyKind;
use branchdesk_domain::Sensitive;
use branchdesk_engine::{Desk, Environment, Error};
use branchdesk_vault::{DraftId, MemoryStore, Vault};

fn desk(dir: &std::path::Path, secrets: &MemoryStore) -> Desk {
    let vault = Arc::new(Vault::open(dir, secrets).unwrap());
    // No request is made in these tests: the client only has to exist.
    let cos = CosClient::new(
        reqwest::Client::new(),
        CosConfig {
            base_url: "http://127.0.0.1:9".into(),
            token_url: "http://127.0.0.1:9/connect/token".into(),
            client_id: "x".into(),
            client_secret: Sensitive::new("y".into()),
            audience: AUDIENCE.into(),
            retry: RetryPolicy::default(),
        },
    )
    .unwrap();
    Desk::new(
        vault,
        cos,
        String::new(),
        Environment::Training,
        "http://127.0.0.1:9".into(),
    )
}

/// A card-sized picture with sharp edges, or the same blurred flat.
fn picture(path: &std::path::Path, sharp: bool) {
    let image = image::RgbImage::from_fn(1600, 1000, |x, y| {
        if !sharp {
            return image::Rgb([128, 128, 128]);
        }
        if (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([235, 235, 235])
        }
    });
    image.save(path).unwrap();
}

#[test]
fn a_scan_is_checked_stored_encrypted_and_replaced_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let files = tempfile::tempdir().unwrap();
    let front = files.path().join("front.png");
    picture(&front, true);

    let scans = desk.attach_scan(&record.id, "FRONT", &front).unwrap();
    assert_eq!(scans.len(), 1);
    let slot = &scans[0];
    assert_eq!(
        (slot.slot.as_str(), slot.file_name.as_str()),
        ("FRONT", "front.png")
    );
    assert_eq!((slot.width, slot.height), (Some(1600), Some(1000)));
    assert!(
        slot.checks.iter().any(|c| c.check == "blur" && c.ok),
        "{:?}",
        slot.checks
    );
    // Stored with the draft, so it survives a restart.
    assert_eq!(desk.get_draft(&record.id).unwrap().draft.scans, scans);
    let thumbnail = desk.thumbnail(&slot.thumbnail_id).unwrap();
    assert!(thumbnail.starts_with("data:image/jpeg;base64,"));
    assert!(thumbnail.len() < 60_000, "a small thumbnail, not the scan");

    // Encrypted at rest: the PNG's signature appears in no stored file.
    let draft_id = DraftId(uuid::Uuid::parse_str(&record.id).unwrap());
    assert_eq!(
        desk.vault().list_scans(draft_id).unwrap().len(),
        2,
        "scan and thumbnail"
    );
    for entry in std::fs::read_dir(dir.path().join("scans")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"\x89PNG"),
            "plaintext image on disk"
        );
    }

    // A blurred replacement takes the slot, warns, and the old files are wiped.
    let blurred = files.path().join("front-again.png");
    picture(&blurred, false);
    let scans = desk.attach_scan(&record.id, "FRONT", &blurred).unwrap();
    assert_eq!(scans.len(), 1);
    assert!(
        scans[0].checks.iter().any(|c| c.check == "blur" && !c.ok),
        "{:?}",
        scans[0].checks
    );
    assert_eq!(desk.vault().list_scans(draft_id).unwrap().len(), 2);

    assert!(desk.remove_scan(&record.id, "FRONT").unwrap().is_empty());
    assert!(desk.vault().list_scans(draft_id).unwrap().is_empty());
}

#[test]
fn a_file_that_is_not_a_document_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let files = tempfile::tempdir().unwrap();
    let zip = files.path().join("licence.jpg");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00not a picture").unwrap();
    match desk.attach_scan(&record.id, "FRONT", &zip) {
        Err(Error::ScanRefused(message)) => assert!(message.contains("ZIP"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(desk.get_draft(&record.id).unwrap().draft.scans.is_empty());
    assert!(matches!(
        desk.attach_scan(&record.id, "ELBOW", &zip),
        Err(Error::Encode(_))
    ));
}
