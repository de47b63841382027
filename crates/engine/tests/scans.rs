//! Scans attached to a draft: checked, stored encrypted, shown only as a thumbnail.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod common;

use common::offline::desk;

use branchdesk_domain::draft::PartyKind;
use branchdesk_engine::Error;
use branchdesk_vault::{DraftId, MemoryStore};

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

/// Staff see the checks and the thumbnail before the upload copy is made and stored, and
/// the stored slot says the same.
#[test]
fn the_preview_arrives_before_anything_is_stored_and_matches_the_slot() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let draft_id = DraftId(uuid::Uuid::parse_str(&record.id).unwrap());
    let files = tempfile::tempdir().unwrap();
    let blurred = files.path().join("licence-back.png");
    picture(&blurred, false);

    let mut previews = Vec::new();
    let scans = desk
        .attach_scan_with(&record.id, "BACK", &blurred, &mut |preview| {
            let stored = desk.vault().list_scans(draft_id).unwrap().len();
            previews.push((preview, stored));
        })
        .unwrap();
    assert_eq!(previews.len(), 1);
    let (preview, stored_then) = &previews[0];
    assert_eq!(
        *stored_then, 0,
        "the preview comes before the scan is stored"
    );
    assert_eq!(
        (
            preview.slot.as_str(),
            preview.file_name.as_str(),
            preview.format.as_str()
        ),
        ("BACK", "licence-back.png", "PNG")
    );
    assert_eq!(
        (preview.width, preview.height),
        (scans[0].width, scans[0].height)
    );
    assert_eq!(preview.checks, scans[0].checks);
    assert!(preview.checks.iter().any(|c| c.check == "blur" && !c.ok));
    assert!(preview.thumbnail.starts_with("data:image/jpeg;base64,"));
    assert!(
        preview.thumbnail.len() < 60_000,
        "a small thumbnail, not the scan"
    );
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
        Err(error @ Error::ScanRefused(_)) => {
            let message = error.to_string();
            assert!(message.contains("ZIP"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(desk.get_draft(&record.id).unwrap().draft.scans.is_empty());
    assert!(matches!(
        desk.attach_scan(&record.id, "ELBOW", &zip),
        Err(Error::UnknownSlot(_))
    ));
}

#[test]
fn a_scan_turned_a_quarter_is_stored_turned_and_the_old_file_wiped() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let files = tempfile::tempdir().unwrap();
    // Wider than tall, so a quarter turn shows in its size.
    let path = files.path().join("front.png");
    picture(&path, true);
    let before = desk.attach_scan(&record.id, "FRONT", &path).unwrap();
    assert_eq!(
        (before[0].width, before[0].height),
        (Some(1600), Some(1000))
    );

    let after = desk.rotate_scan(&record.id, "FRONT", 1).unwrap();
    assert_eq!((after[0].width, after[0].height), (Some(1000), Some(1600)));
    assert_eq!(after[0].file_name, "front.png");
    let draft: DraftId = record.id.parse().unwrap();
    let stored = desk.vault().list_scans(draft).unwrap();
    assert_eq!(
        stored.len(),
        2,
        "the turned scan and its thumbnail, nothing left over"
    );
    assert!(stored.iter().all(|s| s.id.to_string() != before[0].scan_id));

    let back = desk.rotate_scan(&record.id, "FRONT", -1).unwrap();
    assert_eq!((back[0].width, back[0].height), (Some(1600), Some(1000)));
    assert!(matches!(
        desk.rotate_scan(&record.id, "BACK", 1),
        Err(Error::NotFound)
    ));
}

#[test]
fn warnings_are_kept_only_with_a_reason_and_the_decision_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let files = tempfile::tempdir().unwrap();
    let (sharp, blurred) = (files.path().join("a.png"), files.path().join("b.png"));
    picture(&sharp, true);
    picture(&blurred, false);
    desk.attach_scan(&record.id, "FRONT", &sharp).unwrap();
    desk.attach_scan(&record.id, "BACK", &blurred).unwrap();

    match desk.accept_scan_warnings(&record.id, "BACK", "  ") {
        Err(Error::Invalid(issues)) => assert_eq!(issues[0].field, "scans.BACK.overrideReason"),
        other => panic!("a blank reason must be refused, got {other:?}"),
    }
    assert!(
        matches!(
            desk.accept_scan_warnings(&record.id, "FRONT", "looks fine"),
            Err(Error::NoWarningsToAccept)
        ),
        "a scan without warnings has nothing to accept"
    );
    let scans = desk
        .accept_scan_warnings(&record.id, "BACK", "customer's only copy")
        .unwrap();
    let back = scans.iter().find(|s| s.slot == "BACK").unwrap();
    assert_eq!(back.override_reason, "customer's only copy");
    assert_eq!(
        desk.get_draft(&record.id).unwrap().draft.scans,
        scans,
        "the decision is saved with the draft"
    );

    let activity = desk.activity(Some(&record.id), "").unwrap();
    let entry = activity
        .entries
        .iter()
        .find(|e| e.action == "scan.warnings_accepted")
        .expect("the decision is in the audit log");
    assert_ne!(entry.actor, "system");
    let audit = desk
        .vault()
        .list_audit(&branchdesk_vault::AuditFilter::default())
        .unwrap();
    let details = &audit
        .iter()
        .find(|e| e.record.action == "scan.warnings_accepted")
        .unwrap()
        .record
        .provider_ids;
    assert_eq!(details["slot"], "BACK");
    assert!(details["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "blur"));
    assert_eq!(details["reason"], "customer's only copy");
    assert!(desk.vault().verify_audit().unwrap().is_intact());

    // A new file in the slot is a new decision.
    let scans = desk.attach_scan(&record.id, "BACK", &blurred).unwrap();
    assert!(scans.iter().all(|s| s.override_reason.is_empty()));
}

#[test]
fn a_fin_draft_keeps_its_scans_within_the_upload_limit() {
    use branchdesk_domain::draft::Provider;
    use branchdesk_engine::scans::upload_limit;
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    // Noise barely compresses: a phone-sized photo of it is well over 10 MB as JPEG.
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("noisy.jpg");
    let mut seed = 0x2545_f491_u32;
    let noise = image::RgbImage::from_fn(3000, 2000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [r, g, b, _] = seed.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 98)
        .encode_image(&noise)
        .unwrap();
    drop(out);
    let limit = upload_limit(Provider::Fin).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > limit);

    let cos = desk.create_draft(PartyKind::Person).unwrap();
    let kept = desk.attach_scan(&cos.id, "FRONT", &path).unwrap();
    assert!(kept[0].bytes > limit, "COS takes no scans: nothing to fit");

    let fin = desk.create_draft(PartyKind::Person).unwrap();
    let mut draft = fin.draft.clone();
    draft.provider = Provider::Fin;
    desk.save_draft(&fin.id, &draft).unwrap();
    let fitted = desk.attach_scan(&fin.id, "FRONT", &path).unwrap();
    assert!(fitted[0].bytes <= limit, "{} > {limit}", fitted[0].bytes);
    assert!(
        fitted[0].width.unwrap().max(fitted[0].height.unwrap()) >= 1000,
        "still legible"
    );
}

#[test]
fn an_autosave_from_before_an_attach_keeps_the_scan_it_did_not_know_of() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let files = tempfile::tempdir().unwrap();
    let front = files.path().join("front.png");
    picture(&front, true);

    // The form's copy is taken, a scan is attached, then the form's autosave lands.
    let mut on_screen = desk.get_draft(&record.id).unwrap().draft;
    let scans = desk.attach_scan(&record.id, "FRONT", &front).unwrap();
    on_screen.name.first = "Ana".into();
    desk.save_draft(&record.id, &on_screen).unwrap();

    let stored = desk.get_draft(&record.id).unwrap().draft;
    assert_eq!(stored.name.first, "Ana", "the typed change is saved");
    assert_eq!(stored.scans, scans, "and the attached scan is still there");
}
