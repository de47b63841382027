//! Staff profiles and the review through the CLI on a real keyring: the first admin, an
//! admin adding people and a non-admin refused, wrong PINs and the lock, and maker-checker:
//! a submission held for a second person's check, the maker unable to approve it, a
//! rejection without a reason refused, and a reviewer's approval sending it exactly once.

use super::*;

impl Desk {
    /// The CLI with `input` on standard input; its output.
    fn run_with(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .cli()
            .args(args)
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

    fn ok_with(&self, args: &[&str], input: &str) -> String {
        let out = self.run_with(args, input);
        assert!(
            out.status.success(),
            "{args:?}: {:?}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A command a desk rule refuses: exit 1; its standard error.
    fn said_no(&self, args: &[&str], input: &str) -> String {
        let out = self.run_with(args, input);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn profiles(&self) -> Vec<Value> {
        serde_json::from_str::<Value>(&self.ok(&["staff", "list", "--json"]))
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    fn cases(&self) -> Vec<Value> {
        serde_json::from_str::<Value>(&self.ok(&["review", "list", "--json"]))
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn the_first_profile_is_an_admin_who_then_adds_people_and_nobody_else_can() {
    let desk = Desk::new();
    let listed = desk.ok(&["staff", "list"]);
    assert!(listed.contains("no profiles"), "{listed}");
    let err = desk.said_no(&["staff", "add", "Ana Ruiz", "--role", "staff"], "4821\n");
    assert!(err.contains("must be an admin"), "{err}");
    let out = desk.ok_with(&["staff", "add", "Ana Ruiz", "--role", "admin"], "4821\n");
    assert!(out.contains("Ana Ruiz added as admin"), "{out}");
    assert!(!out.contains("4821"), "{out}");

    // From now on an admin's --staff is needed: the admin's PIN first, then the new one.
    let err = desk.said_no(
        &["staff", "add", "Ben Okafor", "--role", "reviewer"],
        "2468\n",
    );
    assert!(err.contains("sign in first"), "{err}");
    desk.ok_with(
        &[
            "--staff",
            "Ana Ruiz",
            "staff",
            "add",
            "Ben Okafor",
            "--role",
            "reviewer",
        ],
        "4821\n2468\n",
    );
    // --staff after the command works as well.
    desk.ok_with(
        &[
            "staff", "add", "Cy Lee", "--role", "staff", "--staff", "ana ruiz",
        ],
        "4821\n1357\n",
    );
    let err = desk.said_no(
        &[
            "--staff",
            "Ben Okafor",
            "staff",
            "add",
            "Di",
            "--role",
            "staff",
        ],
        "2468\n9999\n",
    );
    assert!(err.contains("only an admin"), "{err}");
    let err = desk.said_no(
        &[
            "--staff",
            "Ana Ruiz",
            "staff",
            "add",
            "ben okafor",
            "--role",
            "staff",
        ],
        "4821\n9999\n",
    );
    assert!(err.contains("already works at this desk"), "{err}");

    let text = desk.ok(&["staff", "list", "--json"]);
    assert!(!text.contains("argon2") && !text.contains("4821"), "{text}");
    let profiles = desk.profiles();
    let roles: Vec<(&str, &str)> = profiles
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Ana Ruiz", "admin"),
            ("Ben Okafor", "reviewer"),
            ("Cy Lee", "staff")
        ]
    );
    assert!(profiles
        .iter()
        .all(|p| p["disabled"] == false && p["lockedUntil"].is_null()));
    desk.ok(&["audit", "verify"]);
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn a_wrong_pin_is_refused_and_five_in_a_row_lock_the_profile() {
    let desk = Desk::new();
    desk.ok_with(&["staff", "add", "Ana", "--role", "admin"], "4821\n");
    desk.ok_with(
        &[
            "--staff", "Ana", "staff", "add", "Ben", "--role", "reviewer",
        ],
        "4821\n2468\n",
    );
    let change = ["--staff", "Ben", "settings", "maker-checker", "on"];
    // No PIN at all is not a try.
    let out = desk.run_with(&change, "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no PIN"));
    for left in (1..5).rev() {
        let err = desk.said_no(&change, "0000\n");
        assert!(err.contains(&format!("{left} tries left")), "{left}: {err}");
    }
    let err = desk.said_no(&change, "0000\n");
    assert!(err.contains("locked"), "{err}");
    // Locked: the right PIN is refused too, and the list says until when.
    let err = desk.said_no(&change, "2468\n");
    assert!(err.contains("locked"), "{err}");
    let ben = desk
        .profiles()
        .into_iter()
        .find(|p| p["name"] == "Ben")
        .unwrap();
    assert!(ben["lockedUntil"].is_string(), "{ben}");
    // Ben's role would not have let him anyway; Ana's does.
    desk.ok_with(
        &["--staff", "Ana", "settings", "maker-checker", "on"],
        "4821\n",
    );
    desk.ok(&["audit", "verify"]);
}

#[test]
#[ignore = "needs an isolated Secret Service: run by cargo xtask test"]
fn with_maker_checker_on_a_submission_waits_for_another_reviewer_and_is_sent_once() {
    let sandbox = Sandbox::start(None);
    let desk = Desk::new();
    desk.connect(&sandbox);
    desk.ok_with(&["staff", "add", "Ana", "--role", "admin"], "4821\n");
    desk.ok_with(
        &[
            "--staff", "Ana", "staff", "add", "Ben", "--role", "reviewer",
        ],
        "4821\n2468\n",
    );
    desk.ok_with(
        &["--staff", "Ana", "staff", "add", "Cy", "--role", "reviewer"],
        "4821\n1357\n",
    );
    // Training's setting is its own; the desk on the sandbox connection works in SANDBOX.
    let out = desk.ok_with(
        &[
            "--staff",
            "Ana",
            "settings",
            "maker-checker",
            "on",
            "--environment",
            "TRAINING",
        ],
        "4821\n",
    );
    assert!(out.contains("on in TRAINING"), "{out}");
    let out = desk.ok_with(
        &["--staff", "Ana", "settings", "maker-checker", "on"],
        "4821\n",
    );
    assert!(out.contains("on in SANDBOX"), "{out}");

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/drafts/personal.json");
    desk.ok(&["draft", "import", example.to_str().unwrap()]);
    let err = desk.said_no(&["submit"], "");
    assert!(err.contains("sign in first"), "{err}");
    let out = desk.run_with(&["--staff", "Ben", "submit"], "2468\n");
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("await a second person's check"),
        "{out:?}"
    );

    let cases = desk.cases();
    assert_eq!(cases.len(), 1, "{cases:?}");
    let case = &cases[0];
    assert_eq!(case["reason"], "awaiting_check", "{case}");
    assert_eq!(case["detail"], json!(["Ben"]), "{case}");
    assert!(case["waitedSeconds"].is_number(), "{case}");
    let id = case["draftId"].as_str().unwrap().to_owned();
    let text = desk.ok(&["review", "list"]);
    assert!(text.contains("awaiting a second person's check"), "{text}");
    let stats = sandbox.stats();
    assert_eq!(
        stats["customers"]["cos"].as_u64().unwrap_or(0),
        0,
        "nothing was sent: {stats}"
    );
    assert_eq!(desk.status()[0]["state"], "awaiting_check");

    // The case as a reviewer sees it: the tax id masked.
    let shown = desk.ok_with(
        &["--staff", "Cy", "review", "show", &id, "--json"],
        "1357\n",
    );
    assert!(
        !shown.contains("119-98-8776") && !shown.contains("119988776"),
        "{shown}"
    );
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert!(shown["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["sensitive"] == true && f["value"].as_str().unwrap().ends_with("8776")));

    // The maker cannot approve their own submission.
    let err = desk.said_no(
        &["review", "decide", &id, "--approve", "--staff", "Ben"],
        "2468\n",
    );
    assert!(err.contains("another reviewer must check it"), "{err}");
    // A rejection needs a reason.
    let err = desk.said_no(
        &["review", "decide", &id, "--reject", "--staff", "Cy"],
        "1357\n",
    );
    assert!(err.contains("needs a reason"), "{err}");
    // A send-back needs a field to fix.
    let err = desk.said_no(
        &[
            "review",
            "decide",
            &id,
            "--send-back",
            "--reason",
            "check the name",
            "--staff",
            "Cy",
        ],
        "1357\n",
    );
    assert!(err.contains("at least one field"), "{err}");
    // Nobody signed in decides nothing.
    let err = desk.said_no(&["review", "decide", &id, "--approve"], "");
    assert!(err.contains("sign in first"), "{err}");
    assert_eq!(desk.cases().len(), 1);

    let out = desk.ok_with(
        &[
            "review",
            "decide",
            &id,
            "--approve",
            "--because",
            "documents_verified",
            "--staff",
            "Cy",
        ],
        "1357\n",
    );
    assert!(out.contains("approved"), "{out}");
    assert!(desk.cases().is_empty());

    // Sending what was checked needs nobody to sign in again.
    desk.finish();
    let status = desk.status();
    assert_eq!(status[0]["state"], "submitted", "{status:?}");
    let stats = sandbox.stats();
    assert_eq!(stats["customers"]["cos"], 1, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
    desk.finish();
    assert_eq!(sandbox.stats()["customers"]["cos"], 1);
    desk.ok(&["audit", "verify"]);
}
