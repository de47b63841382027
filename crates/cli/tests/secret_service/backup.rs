//! `backup`, `restore` and the audit log's anchor, through the CLI on a real keyring. The
//! restore runs "on another computer": a session bus of its own with a fresh
//! gnome-keyring, so none of the first keyring's entries exist there.

use super::*;

const PASSPHRASE: &str = "a passphrase for the branch backup";

/// Runs the CLI with `input` on standard input.
fn with_input(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn backup(desk: &Desk, file: &Path) {
    let mut command = desk.cli();
    command.arg("backup").arg(file);
    let out = with_input(command, &format!("{PASSPHRASE}\n"));
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(!printed.contains(PASSPHRASE), "{printed}");
}

/// `script` (bash) in a session bus of its own with a fresh, unlocked gnome-keyring, as
/// `cargo xtask test` sets one up; `$CLI` is the binary. Its standard output.
fn on_another_computer(script: &str, env: &[(&str, &str)]) -> String {
    let mut command = branchdesk_test_support::own_keyring("other-computer", script);
    command
        .env("CLI", env!("CARGO_BIN_EXE_branchdesk-cli"))
        .env_remove("BRANCHDESK_FAILPOINT");
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{:?}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn a_backup_taken_mid_submission_restores_elsewhere_and_finishes_without_duplicates() {
    let sandbox = Sandbox::start(None);
    let desk = Desk::new();
    desk.connect(&sandbox);
    desk.import(&people(3, 140));
    // The process dies right after the provider accepted a step, before recording it: the
    // backup holds that step as sent, under the key the provider already knows.
    let out = desk
        .cli()
        .args(["submit", "--wait", "--concurrency", "1"])
        .env("BRANCHDESK_FAILPOINT", "after_provider_2xx@2")
        .output()
        .unwrap();
    assert!(killed_by_abort(&out.status), "{out:?}");
    let drafts_before = desk.ok(&["draft", "list", "--json"]);
    let archive = desk.root.path().join("branch.bdbackup");
    backup(&desk, &archive);

    let elsewhere = tempfile::tempdir().unwrap();
    let data = elsewhere.path().join("data");
    let cos = &sandbox.ready["credentials"]["cos"];
    let printed = on_another_computer(
        "printf '%s\\n' \"$PASSPHRASE\" | \"$CLI\" --data-dir \"$DATA\" restore \"$ARCHIVE\" >&2; \
         echo '---drafts'; \"$CLI\" --data-dir \"$DATA\" draft list --json; \
         printf %s \"$SECRET\" | \"$CLI\" --data-dir \"$DATA\" connection add cos \
             --base-url \"$URL\" --client-id \"$CLIENT\" --partner-id \"$PARTNER\" >&2; \
         \"$CLI\" --data-dir \"$DATA\" submit --wait --concurrency 2 >&2; \
         echo '---status'; \"$CLI\" --data-dir \"$DATA\" status --json; \
         echo '---verify'; \"$CLI\" --data-dir \"$DATA\" audit verify",
        &[
            ("PASSPHRASE", PASSPHRASE),
            ("DATA", data.to_str().unwrap()),
            ("ARCHIVE", archive.to_str().unwrap()),
            ("SECRET", &sandbox.secret()),
            ("URL", &sandbox.url),
            ("CLIENT", cos["client_id"].as_str().unwrap()),
            ("PARTNER", cos["partner_id"].as_str().unwrap()),
        ],
    );
    let section = |name: &str| {
        let start = printed.find(&format!("---{name}\n")).unwrap() + name.len() + 4;
        let rest = &printed[start..];
        rest[..rest.find("\n---").unwrap_or(rest.len())].to_owned()
    };
    let drafts_after = section("drafts");
    let parse = |text: &str| serde_json::from_str::<Value>(text.trim()).unwrap();
    assert_eq!(parse(&drafts_after), parse(&drafts_before));
    let status = parse(&section("status"));
    for draft in status.as_array().unwrap() {
        assert_eq!(draft["state"], "submitted", "{draft}");
    }
    assert!(section("verify").contains("intact"), "{printed}");
    // Every customer exactly once: the restored plan sent its steps under the keys the
    // first computer had used, and the provider answered the accepted one from its record.
    let stats = sandbox.stats();
    assert_eq!(stats["duplicates"], 0, "{stats}");
    assert_eq!(stats["customers"]["cos"], 3, "{stats}");
    assert!(
        stats["idempotent_replays"].as_u64().unwrap() >= 1,
        "{stats}"
    );
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn restore_refuses_a_wrong_passphrase_and_a_folder_in_use() {
    let desk = Desk::new();
    desk.import(&people(2, 150));
    let archive = desk.root.path().join("branch.bdbackup");
    backup(&desk, &archive);

    // Into the folder it came from: refused before any passphrase is asked for.
    let err = desk.refused(&["restore", archive.to_str().unwrap()]);
    assert!(err.contains("not empty"), "{err}");

    let elsewhere = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"));
    command
        .arg("--data-dir")
        .arg(elsewhere.path())
        .arg("restore")
        .arg(&archive)
        .env("TMPDIR", desk.tmp());
    let out = with_input(command, "not the passphrase at all\n");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("passphrase"),
        "{out:?}"
    );
    // Nothing restored: at most the folder's lock, which the restore held.
    assert!(std::fs::read_dir(elsewhere.path())
        .unwrap()
        .filter_map(Result::ok)
        .all(|e| e
            .file_name()
            .to_string_lossy()
            .starts_with("branchdesk.lock")));

    // A second backup to the same file is refused rather than overwriting the first.
    let mut command = desk.cli();
    command.arg("backup").arg(&archive);
    let out = with_input(command, &format!("{PASSPHRASE}\n"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn audit_verify_finds_a_rolled_back_database_and_checks_exports() {
    let sandbox = Sandbox::start(None);
    let desk = Desk::new();
    desk.connect(&sandbox);
    desk.import(&people(2, 160));
    desk.finish();
    let db = desk.data().join("branchdesk.db");
    let old = std::fs::read(&db).unwrap();

    desk.import(&people(1, 161));
    desk.finish();
    let export = desk.root.path().join("audit.jsonl");
    desk.ok(&["audit", "export", export.to_str().unwrap()]);
    let checked = desk.ok(&["audit", "verify", "--file", export.to_str().unwrap()]);
    assert!(checked.contains("intact"), "{checked}");
    let text = std::fs::read_to_string(&export).unwrap();
    let edited = desk.root.path().join("edited.jsonl");
    std::fs::write(
        &edited,
        text.replacen("\"outcome\":\"success\"", "\"outcome\":\"failure\"", 1),
    )
    .unwrap();
    let out = desk.run(&["audit", "verify", "--file", edited.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("was altered"));

    // The database file put back as it was before the last submission.
    std::fs::write(&db, &old).unwrap();
    for leftover in ["branchdesk.db-wal", "branchdesk.db-shm"] {
        let _ = std::fs::remove_file(desk.data().join(leftover));
    }
    let out = desk.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("rolled back"), "{printed}");
}
