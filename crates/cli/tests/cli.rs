//! The CLI as a script would use it: the real binary, real files, real stdout.
//!
//! Why one file (about 600 lines): one test binary, so the CLI is built and found once for
//! every script-like check that needs no keyring.

// Test helpers outside #[test] functions fail loudly by design.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_branchdesk-cli"))
}

#[test]
fn check_reports_each_draft_and_fails_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &good,
        r#"{"firstName":"Peter","lastName":"Griffin","birthDate":"1953-09-22","ssn":"119-98-8776","citizenshipCountry":"US"}"#,
    )
    .unwrap();
    std::fs::write(&bad, r#"{"firstName":"Peter","ssn":"000-12-3456"}"#).unwrap();

    let out = cli().args(["draft", "check"]).arg(&good).output().unwrap();
    assert!(out.status.success());
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["issues"], serde_json::json!([]));

    let out = cli()
        .args(["draft", "check"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let second: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    let codes: Vec<&str> = second["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"ssn_area") && codes.contains(&"required"),
        "{codes:?}"
    );
}

#[test]
fn a_missing_file_is_a_clear_error_not_a_panic() {
    let out = cli()
        .args(["draft", "check", "/nonexistent/draft.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("reading /nonexistent/draft.json"), "{err}");
}

#[test]
fn sandbox_prints_one_ready_line_and_serves() {
    let mut child = cli()
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
    let url = ready["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    for key in ["client_id", "client_secret", "partner_id"] {
        assert!(
            ready["credentials"]["cos"][key].is_string(),
            "{key} in {ready}"
        );
    }
    assert!(ready["credentials"]["bvnk"]["hawk_key"].is_string());

    // It answers on that URL: a bad token request is refused, not ignored.
    let host = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /core/v1/cm/customers/x HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn scan_check_gives_a_verdict_per_file_and_fails_on_any_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("licence-front.png");
    // A 1600×1000 card-like picture with sharp edges: acceptable.
    let image = image::RgbImage::from_fn(1600, 1000, |x, y| {
        if (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([235, 235, 235])
        }
    });
    image.save(&photo).unwrap();
    let zip = dir.path().join("scan.jpg");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest-of-a-zip").unwrap();
    let empty = dir.path().join("empty.pdf");
    std::fs::write(&empty, b"").unwrap();

    let out = cli().args(["scan", "check"]).arg(&photo).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("acceptable") && text.contains("1600×1000"),
        "{text}"
    );

    let out = cli()
        .args(["scan", "check", "--json", "--provider", "fin"])
        .arg(&photo)
        .arg(&zip)
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let reports: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[0]["acceptable"], true);
    assert_eq!(reports[0]["format"], "png");
    for refused in &reports[1..] {
        assert_eq!(refused["acceptable"], false, "{refused}");
        assert!(
            !refused["errors"].as_array().unwrap().is_empty(),
            "{refused}"
        );
    }
}

#[test]
fn scan_check_of_a_missing_file_is_a_refusal_not_a_panic() {
    let out = cli()
        .args(["scan", "check", "/nonexistent/front.jpg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("refused"), "{text}");
}

// What follows is refused before the vault or the keyring is touched, so it runs anywhere;
// everything that opens the vault is in tests/secret_service.rs.

#[test]
fn connection_add_refuses_plain_http_to_another_machine() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "connection",
            "add",
            "cos",
            "--base-url",
            "http://cos.example.com",
            "--client-id",
            "me",
            "--partner-id",
            "6e80b097-693c-4592-8440-02f345335bbf",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--base-url must be an https:// URL"), "{err}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing was written"
    );

    let out = cli()
        .args([
            "connection",
            "add",
            "cos",
            "--base-url",
            "https://cos.example.com",
        ])
        .args([
            "--client-id",
            "me",
            "--environment",
            "sandbox",
            "--partner-id",
            "not-a-guid",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--partner-id `not-a-guid` is not a GUID"),
        "{err}"
    );

    // A production URL must say which environment it is.
    let out = cli()
        .args([
            "connection",
            "add",
            "bvnk",
            "--base-url",
            "https://api.bvnk.com",
        ])
        .args(["--hawk-id", "me"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--environment sandbox or --environment production"),
        "{err}"
    );
}

#[test]
fn only_a_fin_connection_can_require_a_selfie() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "connection",
            "add",
            "cos",
            "--base-url",
            "https://cos.example.com",
            "--environment",
            "sandbox",
            "--client-id",
            "me",
            "--partner-id",
            "6e80b097-693c-4592-8440-02f345335bbf",
            "--selfie-required",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--selfie-required is for Fin.com connections only"),
        "{err}"
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing was written"
    );
}

#[test]
fn argument_mistakes_are_usage_errors() {
    for args in [
        &["submit", "--concurrency", "0"][..],
        &["connection", "add", "cos", "--client-id", "x"],
        &["connection", "add", "paypal", "--base-url", "https://x"],
        &["draft", "import"],
        &["audit"],
    ] {
        let out = cli().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("Usage") || err.contains("--help"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_malformed_import_file_is_a_clear_error_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cases = [
        (
            "broken.json",
            r#"[{"kind": "person", "name": "#,
            "is not JSON",
        ),
        (
            "number.json",
            r#"[{"kind": "person"}, 42]"#,
            "draft 2 is not a JSON object",
        ),
        (
            "kind.json",
            r#"{"kind": "robot"}"#,
            "draft 1 is not a draft",
        ),
        ("empty.json", "[]", "holds no drafts"),
        (
            "ref.json",
            r#"[{"kind": "company", "cos": {"primaryOwnerCustomerId": "@lois"}}]"#,
            "`@lois` names no draft in this file",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = cli()
            .arg("--data-dir")
            .arg(&data)
            .args(["draft", "import"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(expected) && err.contains(name),
            "{name}: {err}"
        );
    }
    assert!(!data.exists(), "no vault was opened");
}

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/drafts")
}

#[test]
fn the_example_drafts_are_valid_json_drafts() {
    let mut seen = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let mut item = item;
            let object = item.as_object_mut().unwrap();
            object.remove("ref");
            // Every scan an example names is committed beside it, a BVNK associate's too.
            let mut named = Vec::new();
            named.extend(object.remove("scanFiles"));
            for associate in object
                .get_mut("associates")
                .and_then(|a| a.as_array_mut())
                .into_iter()
                .flatten()
            {
                named.extend(associate.as_object_mut().unwrap().remove("scanFiles"));
            }
            for files in named {
                for file in files.as_object().unwrap().values() {
                    let scan = path.parent().unwrap().join(file.as_str().unwrap());
                    assert!(scan.is_file(), "{}: {}", path.display(), scan.display());
                }
            }
            let _: branchdesk_domain::draft::Draft = serde_json::from_value(item).unwrap();
            seen += 1;
        }
    }
    assert!(seen >= 11, "{seen}");
}

/// The scans the Fin.com examples name, by example file.
fn fin_example_scans() -> Vec<(String, Vec<std::path::PathBuf>)> {
    [
        "fin-drivers-licence.json",
        "fin-passport.json",
        "fin-national-id.json",
    ]
    .iter()
    .map(|name| {
        let path = examples().join(name);
        let draft: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(draft["provider"], "fin", "{name}");
        let scans = draft["scanFiles"]
            .as_object()
            .unwrap()
            .values()
            .map(|f| examples().join(f.as_str().unwrap()))
            .collect();
        ((*name).to_owned(), scans)
    })
    .collect()
}

#[test]
fn the_fin_example_scans_pass_every_check_small_and_without_a_warning() {
    for (example, scans) in fin_example_scans() {
        assert!(scans.len() >= 3, "{example}");
        for scan in scans {
            assert!(
                std::fs::metadata(&scan).unwrap().len() < 200 * 1024,
                "{}",
                scan.display()
            );
            let out = cli()
                .args(["scan", "check", "--json", "--provider", "fin"])
                .arg(&scan)
                .output()
                .unwrap();
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(out.status.success(), "{report}");
            assert_eq!(report["acceptable"], true, "{report}");
            // A warning would hold the Fin.com submission back until kept with a reason.
            for check in report["checks"].as_array().unwrap() {
                assert_eq!(check["outcome"], "ok", "{}: {check}", scan.display());
            }
        }
    }
}

#[test]
fn an_import_naming_a_missing_or_hostile_scan_is_refused_with_the_file_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(
        dir.path().join("front.jpg"),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest-of-a-zip",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.pdf"), b"").unwrap();
    let good = examples().join("scans/dl-back.jpg");
    let draft = |files: serde_json::Value| {
        let mut draft: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(examples().join("fin-drivers-licence.json")).unwrap(),
        )
        .unwrap();
        draft["scanFiles"] = files;
        draft
    };
    let cases = [
        (
            serde_json::json!({"FRONT": good, "BACK": "missing-back.jpg"}),
            "missing-back.jpg",
        ),
        (
            serde_json::json!({"FRONT": "front.jpg", "BACK": good}),
            "front.jpg",
        ),
        (
            serde_json::json!({"FRONT": good, "PROOF_OF_ADDRESS": "empty.pdf"}),
            "empty.pdf",
        ),
        (
            serde_json::json!({"FRONT": good, "BACK": dir.path()}),
            "BACK scan",
        ),
        (
            serde_json::json!({"SIDE": good}),
            "`SIDE` is not a scan slot",
        ),
        (
            serde_json::json!(["front.jpg"]),
            "must map scan slots to files",
        ),
    ];
    for (n, (files, expected)) in cases.into_iter().enumerate() {
        let file = dir.path().join(format!("draft-{n}.json"));
        // The refused draft comes second: the first, good one must not be stored either.
        let good_draft = draft(serde_json::json!({}));
        std::fs::write(
            &file,
            serde_json::json!([good_draft, draft(files)]).to_string(),
        )
        .unwrap();
        let out = cli()
            .arg("--data-dir")
            .arg(&data)
            .args(["draft", "import"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "case {n}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(expected) && err.contains("draft 2"),
            "case {n}: {err}"
        );
    }
    assert!(!data.exists(), "no vault was opened");
}

#[test]
fn tos_confirm_needs_a_draft_id_and_a_name_before_touching_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (args, expected) in [
        (
            &["tos", "confirm", "not-a-draft", "--staff", "Ann"][..],
            "`not-a-draft` is not a draft id",
        ),
        (
            &[
                "tos",
                "confirm",
                "6e80b097-693c-4592-8440-02f345335bbf",
                "--staff",
                " ",
            ],
            "--staff NAME",
        ),
        (
            &["tos", "confirm", "6e80b097-693c-4592-8440-02f345335bbf"],
            "--staff <NAME>",
        ),
    ] {
        let out = cli()
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(!data.exists(), "no vault was opened");
}

/// Whether `needle` occurs anywhere in `haystack`.
fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_crash_test_hook_is_in_the_binary_only_with_the_failpoints_feature() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_branchdesk-cli")).unwrap();
    // Spelled in two halves so this file's own compiled test binary does not match.
    let name = ["BRANCHDESK", "_FAILPOINT"].concat();
    // The binary under test is built with the same features as this test: a build
    // without `failpoints` (what releases are) must not even contain the variable's name.
    // With the feature it must, which shows the scan finds it when it is there.
    assert_eq!(
        holds(&binary, name.as_bytes()),
        cfg!(feature = "failpoints"),
        "{} built {} the failpoints feature",
        env!("CARGO_BIN_EXE_branchdesk-cli"),
        if cfg!(feature = "failpoints") {
            "with"
        } else {
            "without"
        }
    );
}

#[test]
fn review_decide_takes_one_decision_and_a_known_reason_code_before_touching_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = "6e80b097-693c-4592-8440-02f345335bbf";
    for (args, expected) in [
        (
            &["review", "decide", id][..],
            "--approve|--reject|--send-back",
        ),
        (
            &["review", "decide", id, "--approve", "--reject"][..],
            "cannot be used with",
        ),
        (
            &["review", "decide", id, "--reject", "--because", "bored"][..],
            "documents_verified",
        ),
        (
            &["settings", "maker-checker", "maybe"][..],
            "possible values",
        ),
        (
            &["staff", "add", "Ana", "--role", "boss"][..],
            "possible values",
        ),
    ] {
        let out = cli()
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(!data.exists(), "no vault was opened");
}
