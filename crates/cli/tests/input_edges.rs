//! `draft import` bounds what it reads: the import file's size and kind, and the scan files
//! it names (no pipes, devices or links out of the import file's folder).

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"))
}

/// Runs the import, failing the test (not hanging it) if the CLI blocks on a read.
fn import(data: &std::path::Path, file: &std::path::Path) -> Output {
    let mut child = cli()
        .arg("--data-dir")
        .arg(data)
        .args(["draft", "import"])
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the import of {} blocked", file.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/drafts")
}

#[test]
fn an_import_file_over_a_mebibyte_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("huge.json");
    // Valid JSON, so only its size can be what is refused.
    let padding = " ".repeat(1024 * 1024);
    std::fs::write(&file, format!("[{padding}]")).unwrap();
    let out = import(&data, &file);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("huge.json") && err.contains("at most 1048576 bytes (1 MiB)"),
        "{err}"
    );
    assert!(!data.exists(), "no vault was opened");
}

#[cfg(unix)]
#[test]
fn an_import_file_that_is_a_pipe_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fifo = dir.path().join("drafts.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = import(&data, &fifo);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn scan_files_that_are_pipes_or_links_out_of_the_folder_are_refused() {
    use std::os::unix::fs::symlink;
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let folder = root.path().join("batch");
    std::fs::create_dir(&folder).unwrap();
    let good = examples().join("scans/dl-back.jpg");
    std::fs::copy(&good, folder.join("back.jpg")).unwrap();
    // A picture that passes every check, but lives outside the batch's folder.
    symlink(&good, folder.join("front-link.jpg")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(folder.join("pipe.jpg"))
        .status()
        .unwrap()
        .success());
    let draft = |files: serde_json::Value| {
        let mut draft: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(examples().join("fin-drivers-licence.json")).unwrap(),
        )
        .unwrap();
        draft["scanFiles"] = files;
        draft
    };
    for (n, (files, expected)) in [
        (
            serde_json::json!({"FRONT": "front-link.jpg", "BACK": "back.jpg"}),
            "outside its folder",
        ),
        (
            serde_json::json!({"FRONT": "pipe.jpg", "BACK": "back.jpg"}),
            "named pipe",
        ),
        (
            serde_json::json!({"FRONT": "/dev/zero", "BACK": "back.jpg"}),
            "device",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let file = folder.join(format!("draft-{n}.json"));
        std::fs::write(&file, draft(files).to_string()).unwrap();
        let out = import(&data, &file);
        assert_eq!(out.status.code(), Some(2), "case {n}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "case {n}: {err}");
    }
    assert!(!data.exists(), "no vault was opened");
}

/// `draft import` with extra arguments, failing the test if the CLI blocks on a read.
fn import_with(data: &std::path::Path, file: &std::path::Path, flag: &str) -> Output {
    let out = cli()
        .arg("--data-dir")
        .arg(data)
        .args(["draft", "import", flag])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    out
}

#[cfg(unix)]
#[test]
fn a_customers_csv_that_cannot_be_read_is_refused_before_the_vault_opens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let write = |name: &str, text: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        file
    };
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(50 * 1024 * 1024 + 1)
        .unwrap();
    let fifo = dir.path().join("pipe.csv");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for (file, expected) in [
        (
            write("unknown.csv", "name.first,surname,ssn\nPeter,Griffin,1\n"),
            "names columns a draft does not have: `surname`, `ssn`",
        ),
        (big, "at most 52428800 bytes (50 MiB)"),
        (fifo, "not a regular file"),
        (write("empty.CSV", ""), "is empty"),
    ] {
        let out = import(&data, &file);
        assert_eq!(out.status.code(), Some(2), "{}", file.display());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(expected) && err.contains(&file.display().to_string()),
            "{err}"
        );
    }
    // --valid-rows chooses among a CSV's rows; a JSON file imports whole or not at all.
    let out = import_with(&data, &examples().join("personal.json"), "--valid-rows");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--valid-rows is for CSV files"), "{err}");
    assert!(!data.exists(), "no vault was opened");
}
