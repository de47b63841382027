//! What comes in from outside the vault is bounded and checked before it is used: scan
//! paths (pipes, devices, folders, links out of their folder) and staff's reasons for
//! keeping a scan despite its warnings.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

mod common;

use common::offline::desk;

use branchdesk_domain::draft::{PartyKind, Provider};
use branchdesk_engine::scans::MAX_OVERRIDE_REASON_CHARS;
use branchdesk_engine::Error;
use branchdesk_vault::MemoryStore;

/// A card-sized picture, blurred flat when `sharp` is false (a warning to override).
fn picture(path: &std::path::Path, sharp: bool) {
    let image = image::RgbImage::from_fn(1600, 1000, |x, y| {
        if sharp && (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([20, 20, 20])
        } else if sharp {
            image::Rgb([235, 235, 235])
        } else {
            image::Rgb([128, 128, 128])
        }
    });
    image.save(path).unwrap();
}

#[test]
fn an_override_reason_has_a_maximum_length() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk
        .create_draft_for(PartyKind::Person, Provider::Fin)
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let blurred = files.path().join("b.png");
    picture(&blurred, false);
    desk.attach_scan(&record.id, "BACK", &blurred).unwrap();

    let long = "x".repeat(MAX_OVERRIDE_REASON_CHARS + 1);
    match desk.accept_scan_warnings(&record.id, "BACK", &long) {
        Err(Error::Invalid(issues)) => {
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].field, "scans.BACK.overrideReason");
            assert_eq!(issues[0].code, "too_long");
        }
        other => panic!("a reason over the maximum must be refused, got {other:?}"),
    }
    let stored = desk.get_draft(&record.id).unwrap().draft;
    assert!(stored.scans[0].override_reason.is_empty(), "nothing saved");

    // Exactly the maximum, counted in characters, not bytes.
    let longest = "é".repeat(MAX_OVERRIDE_REASON_CHARS);
    let scans = desk
        .accept_scan_warnings(&record.id, "BACK", &longest)
        .unwrap();
    assert_eq!(scans[0].override_reason, longest);

    // One written straight into the draft (as an autosave could) is caught by the rules.
    let mut draft = desk.get_draft(&record.id).unwrap().draft;
    draft.scans[0].override_reason = long;
    let issues = desk.validate(&draft);
    assert!(
        issues
            .iter()
            .any(|i| i.field == "scans.BACK.overrideReason" && i.code == "too_long"),
        "{issues:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_a_device_a_folder_or_a_dangling_link_is_refused_before_it_is_opened() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let files = tempfile::tempdir().unwrap();
    let fifo = files.path().join("front.jpg");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let dangling = files.path().join("gone.jpg");
    symlink(files.path().join("nothing.jpg"), &dangling).unwrap();
    for path in [
        fifo.clone(),
        std::path::PathBuf::from("/dev/zero"),
        files.path().to_path_buf(),
        dangling,
    ] {
        // A pipe opened would block here for ever; it is refused from what it is.
        match desk.attach_scan(&record.id, "FRONT", &path) {
            Err(Error::ScanPathRefused { .. }) => {}
            other => panic!("{}: expected a refusal, got {other:?}", path.display()),
        }
    }
    assert!(desk.get_draft(&record.id).unwrap().draft.scans.is_empty());

    // A link staff picked themselves is followed to the picture it names.
    let sharp = files.path().join("a.png");
    picture(&sharp, true);
    let link = files.path().join("link.png");
    symlink(&sharp, &link).unwrap();
    let scans = desk.attach_scan(&record.id, "FRONT", &link).unwrap();
    assert_eq!(scans.len(), 1);
}

#[cfg(unix)]
#[test]
fn the_scanner_folder_refuses_a_link_out_of_it() {
    use branchdesk_engine::scanner;
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::default();
    let desk = desk(dir.path(), &secrets);
    let record = desk.create_draft(PartyKind::Person).unwrap();
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("scanner");
    std::fs::create_dir(&folder).unwrap();
    let private = root.path().join("private.png");
    picture(&private, true);
    let planted = folder.join("scan.png");
    symlink(&private, &planted).unwrap();

    match scanner::assign(&desk, &record.id, "FRONT", &planted, &mut |_| {}) {
        Err(Error::ScanPathRefused { why, .. }) => {
            assert_eq!(why, branchdesk_engine::PathRefusal::LinkOutsideFolder)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(desk.get_draft(&record.id).unwrap().draft.scans.is_empty());
    assert!(private.exists(), "the file it names is not touched");
    assert!(
        std::fs::symlink_metadata(&planted).is_ok(),
        "the link stays for staff to see"
    );

    // A real file in the folder is attached and leaves the folder.
    let real = folder.join("real.png");
    picture(&real, true);
    let assigned = scanner::assign(&desk, &record.id, "FRONT", &real, &mut |_| {}).unwrap();
    assert_eq!(assigned.scans.len(), 1);
    assert!(assigned.removed && !real.exists());
}
