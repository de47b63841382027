//! The document reader's process (`branchdesk_documents::worker`) as the real CLI starts
//! it: a reader that crashes or runs out of its memory cap ends as a clear refusal of that
//! one file, and the CLI (like the app) carries on with the next. The crashes are the
//! reader's test hook (`BRANCHDESK_FAILPOINT=reader_abort` / `reader_hog`), so this target
//! needs the `failpoints` feature.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn cli() -> Command {
    let mut cli = Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"));
    cli.env_remove("BRANCHDESK_FAILPOINT");
    cli
}

/// A sharp, card-like picture every check accepts.
fn card(dir: &Path) -> std::path::PathBuf {
    let photo = dir.join("licence-front.png");
    image::RgbImage::from_fn(1600, 1000, |x, y| {
        if (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([235, 235, 235])
        }
    })
    .save(&photo)
    .unwrap();
    photo
}

fn verdict(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().next().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_reader_that_crashes_refuses_that_file_clearly_and_the_next_read_works() {
    let dir = tempfile::tempdir().unwrap();
    let photo = card(dir.path());

    let crashed = cli()
        .args(["scan", "check", "--json"])
        .arg(&photo)
        .env("BRANCHDESK_FAILPOINT", "reader_abort")
        .output()
        .unwrap();
    assert_eq!(crashed.status.code(), Some(1), "a refusal, not a crash");
    let refused = verdict(&crashed);
    assert_eq!(refused["acceptable"], false);
    assert_eq!(refused["errors"][0]["code"], "reader_stopped", "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("scan or photograph the document again"),
        "says what to do: {message}"
    );

    // The same file without the crash: the reader is started afresh and accepts it.
    let read = cli()
        .args(["scan", "check", "--json"])
        .arg(&photo)
        .output()
        .unwrap();
    assert!(read.status.success(), "{read:?}");
    assert_eq!(verdict(&read)["acceptable"], true);
}

/// The reader caps its own address space: reserving ever more of it (never touched, so
/// without the cap Linux's default overcommit grants all 64 GB of it) is refused at the
/// cap, and the reader ends instead of the computer swapping.
#[cfg(target_os = "linux")]
#[test]
fn a_reader_that_asks_for_ever_more_memory_is_stopped_at_its_cap() {
    let dir = tempfile::tempdir().unwrap();
    let photo = card(dir.path());
    let out = cli()
        .args(["scan", "check", "--json"])
        .arg(&photo)
        .env("BRANCHDESK_FAILPOINT", "reader_hog")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        verdict(&out)["errors"][0]["code"],
        "reader_stopped",
        "{out:?}"
    );
}

#[test]
fn a_licence_back_is_read_through_the_reader() {
    let back = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/licence-back.jpg"
    );
    let out = cli().args(["scan", "read"]).arg(back).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("birthDate: 1986-06-14"));

    let crashed = cli()
        .args(["scan", "read"])
        .arg(back)
        .env("BRANCHDESK_FAILPOINT", "reader_abort")
        .output()
        .unwrap();
    assert!(!crashed.status.success());
    let said = String::from_utf8_lossy(&crashed.stdout).into_owned()
        + &String::from_utf8_lossy(&crashed.stderr);
    assert!(
        said.contains("The document reader stopped before it finished"),
        "{said}"
    );
}
