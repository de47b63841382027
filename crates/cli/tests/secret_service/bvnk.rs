//! BVNK through the CLI on a real keyring: the examples imported with their scans, the
//! agreements confirmed, a company with two associates and an individual to VERIFIED; and
//! crashes at each failpoint of a BVNK plan, after which there is still one customer and
//! every document reached BVNK once.

use super::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/drafts")
}

impl Desk {
    /// A BVNK connection to the sandbox, its Hawk key on standard input.
    fn connect_bvnk(&self, sandbox: &Sandbox) {
        let bvnk = &sandbox.ready["credentials"]["bvnk"];
        let key = bvnk["hawk_key"].as_str().unwrap();
        let mut child = self
            .cli()
            .args(["connection", "add", "bvnk", "--base-url", &sandbox.url])
            .args(["--hawk-id", bvnk["hawk_id"].as_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(key.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        assert!(!text.contains(key), "echoed: {text}");
    }

    /// `tos confirm` for every draft waiting for BVNK's agreements.
    fn confirm_agreements(&self) {
        for draft in self.status() {
            if draft["state"] == "awaiting_terms" {
                let id = draft["id"].as_str().unwrap();
                let out = self.ok(&["tos", "confirm", id, "--staff", "Ann Teller"]);
                assert!(out.contains("BVNK's agreements is recorded"), "{out}");
            }
        }
    }

    /// Reads `status` until every draft is decided; the last look.
    fn until_decided(&self) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let status = self.status();
            if status
                .iter()
                .all(|d| ["approved", "rejected"].contains(&d["state"].as_str().unwrap()))
            {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "not decided: {status:?}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn bvnk_examples_import_with_their_scans_wait_for_the_agreements_and_are_verified() {
    let sandbox = Sandbox::start(None);
    let desk = Desk::new();
    desk.connect_bvnk(&sandbox);
    for file in ["bvnk-company.json", "bvnk-individual.json"] {
        let out = desk.ok(&["draft", "import", examples().join(file).to_str().unwrap()]);
        assert!(out.contains("  ready  "), "{file}: {out}");
    }
    // The agreements are prepared, then each draft waits for its customer.
    let out = desk.run(&["submit", "--wait"]);
    assert!(out.status.success(), "{out:?}");
    let status = desk.status();
    assert_eq!(status.len(), 2);
    for draft in &status {
        assert_eq!(draft["state"], "awaiting_terms", "{draft}");
        assert_eq!(draft["provider"], "bvnk", "{draft}");
        assert_eq!(draft["bvnk"]["agreementAccepted"], false, "{draft}");
        assert!(draft["bvnk"]["reference"].is_null(), "{draft}");
    }
    let text = desk.ok(&["status"]);
    assert!(
        text.contains("show the customer BVNK's agreements: http://127.0.0.1:"),
        "{text}"
    );
    assert_eq!(sandbox.stats()["customers"]["bvnk"], Value::Null);

    desk.confirm_agreements();
    desk.finish();
    let decided = desk.until_decided();
    for draft in &decided {
        assert_eq!(draft["state"], "approved", "{draft}");
        assert_eq!(draft["bvnk"]["status"], "VERIFIED", "{draft}");
        assert!(draft["bvnk"]["reference"].is_string(), "{draft}");
        assert_eq!(draft["doneSteps"], draft["totalSteps"], "{draft}");
    }
    let company = decided.iter().find(|d| d["kind"] == "company").unwrap();
    let associates = company["bvnk"]["associates"].as_array().unwrap();
    assert_eq!(associates.len(), 2);
    assert!(associates.iter().all(Value::is_string), "{company}");
    let text = desk.ok(&["status"]);
    assert_eq!(text.matches("status VERIFIED").count(), 2, "{text}");
    assert!(text.contains("associate 2: "), "{text}");
    let stats = sandbox.stats();
    assert_eq!(stats["customers"]["bvnk"], 2, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
    // The company's document and two licences (front and back), and the passport page.
    assert_eq!(stats["documents"]["bvnk"], 6, "{stats}");
    desk.ok(&["audit", "verify"]);
}

/// The company example imported and its agreements confirmed; then `submit --wait` killed
/// at `point` on its `nth` request, and again sooner, before a clean run finishes it.
fn bvnk_crash_and_restart(point: &str) {
    let sandbox = Sandbox::start(None);
    if point == "during_send" {
        sandbox.faults(json!([{ "kind": "latency", "ms": 200 }]));
    }
    let desk = Desk::new();
    desk.connect_bvnk(&sandbox);
    desk.ok(&[
        "draft",
        "import",
        examples().join("bvnk-company.json").to_str().unwrap(),
    ]);
    desk.finish();
    desk.confirm_agreements();
    // The signing, the create and five documents are left: crash on several of them.
    let mut crashed = 0;
    for nth in [5, 3, 1] {
        let out = desk
            .cli()
            .args(["submit", "--wait"])
            .env("BRANCHDESK_FAILPOINT", format!("{point}@{nth}"))
            .output()
            .unwrap();
        assert!(
            killed_by_abort(&out.status) || out.status.success(),
            "{point}@{nth}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        crashed += usize::from(killed_by_abort(&out.status));
    }
    // The first run has seven steps to go, so it dies at its fifth at least.
    assert!(crashed >= 2, "{point}: only {crashed} run(s) crashed");
    desk.finish();
    let decided = desk.until_decided();
    assert_eq!(decided[0]["state"], "approved", "{decided:?}");
    let stats = sandbox.stats();
    assert_eq!(stats["customers"]["bvnk"], 1, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
    assert_eq!(
        stats["documents"]["bvnk"], 5,
        "every document once: {stats}"
    );
    desk.ok(&["audit", "verify"]);
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn a_bvnk_crash_before_a_step_is_sent_makes_one_customer_and_sends_each_document_once() {
    bvnk_crash_and_restart("before_send");
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn a_bvnk_crash_with_a_request_in_flight_makes_one_customer_and_sends_each_document_once() {
    bvnk_crash_and_restart("during_send");
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn a_bvnk_crash_after_bvnk_accepted_a_step_makes_one_customer_and_sends_each_document_once() {
    bvnk_crash_and_restart("after_provider_2xx");
}
