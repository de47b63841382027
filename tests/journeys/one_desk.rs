//! One Branchdesk per data folder: while the app is open, a second start of the app hands
//! over to the open window, and the CLI is turned away with the name of the holder, so no
//! two runners ever share an outbox.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cos_personal::{get, personal, training_url};
use crate::harness::{app_logs, eventually, settled_submission, App, Outcome};

/// The CLI built beside the app (`cargo xtask test` builds the workspace first).
fn cli_beside(app: &std::path::Path) -> std::path::PathBuf {
    let cli = app.with_file_name(format!("branchdesk-cli{}", std::env::consts::EXE_SUFFIX));
    assert!(
        cli.exists(),
        "{} is built before the journeys",
        cli.display()
    );
    cli
}

#[tokio::test]
#[ignore = "needs a display and a built app: run by cargo xtask test"]
async fn a_second_start_on_an_open_data_folder_sends_nothing() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_in(data.path()).await;
    let outcome: Outcome = async {
        let binary = std::path::PathBuf::from(std::env::var_os("BRANCHDESK_APP").unwrap());

        let out = Command::new(cli_beside(&binary))
            .arg("--data-dir")
            .arg(data.path())
            .args(["submit", "--wait"])
            .stdin(Stdio::null())
            .output()?;
        let told = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(2) || !told.contains("in use by Branchdesk (process ") {
            return Err(format!("the CLI was not turned away: {out:?}").into());
        }

        // A second app on the same folder hands over to the first and ends.
        let mut second = Command::new(&binary)
            .env("BRANCHDESK_DATA_DIR", data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(20);
        let ended = loop {
            if let Some(status) = second.try_wait()? {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = second.kill();
                break None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        match ended {
            None => return Err("a second app on the same data folder kept running".into()),
            Some(status) if !status.success() => {
                return Err(format!("the second app did not hand over quietly: {status}").into())
            }
            Some(_) => {}
        }
        // The first app was asked, and answered, over its own hand-over.
        let logged: String = app_logs(data.path())
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        if !logged.contains("a second start handed over") {
            return Err(format!("the first app's log shows no hand-over:\n{logged}").into());
        }
        // The first window is still the one at work.
        app.wait_for_css("body[data-ready='true']").await?;
        app.click("a[data-view='drafts']").await?;
        app.wait_for_css("#drafts-list, #drafts").await?;
        Ok(())
    }
    .await;
    app.finish(
        "a_second_start_on_an_open_data_folder_sends_nothing",
        outcome,
    )
    .await;
}

/// The app's process id, from the line its log starts with (`started … pid=N`).
fn app_pid_from_log(data: &std::path::Path) -> Option<u32> {
    app_logs(data).into_iter().find_map(|(_, text)| {
        let started = text
            .lines()
            .rev()
            .find(|l| l.contains(" started ") && l.contains("program=\"branchdesk-app\""))?;
        let digits: String = started
            .split("pid=")
            .nth(1)?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

#[tokio::test]
#[ignore = "needs a display and a built app: run by cargo xtask test"]
async fn two_submits_beside_the_open_app_are_turned_away_and_its_pending_create_is_sent_once() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_in(data.path()).await;
    let outcome: Outcome = async {
        let url = training_url(&app).await?;
        let set_faults = |rules: serde_json::Value| {
            let url = url.clone();
            async move {
                let answer = reqwest::Client::new()
                    .put(format!("{url}/_sandbox/faults"))
                    .json(&serde_json::json!({ "rules": rules }))
                    .send()
                    .await?;
                assert!(answer.status().is_success());
                Ok::<_, reqwest::Error>(())
            }
        };
        // Cross River is unavailable: the create stays queued in the app's outbox.
        set_faults(serde_json::json!([
            {"endpoint": "POST /core/v1/cm/customers", "kind": "status", "status": 503}
        ]))
        .await?;
        personal(&app, "Lois", "Griffin", "119-98-8777").await?;
        app.click("#submit").await?;
        eventually(
            Duration::from_secs(30),
            "the create to meet the 503",
            || async {
                let stats = get(&url, "/_sandbox/stats").await;
                let refused = stats["requests"]["POST /core/v1/cm/customers"]["503"].as_u64();
                refused.filter(|n| *n >= 1)
            },
        )
        .await?;

        // Two `submit --wait` started together on the app's folder, its create pending.
        let binary = std::path::PathBuf::from(std::env::var_os("BRANCHDESK_APP").unwrap());
        let submit = || {
            Command::new(cli_beside(&binary))
                .arg("--data-dir")
                .arg(data.path())
                .args(["submit", "--wait"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        };
        let (first, second) = (submit()?, submit()?);
        let outs = [first.wait_with_output()?, second.wait_with_output()?];
        let pid = app_pid_from_log(data.path()).ok_or("no start-up line in the app's log")?;
        let holder = format!("in use by Branchdesk (process {pid})");
        for out in &outs {
            let told = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(2) || !told.contains(&holder) {
                return Err(
                    format!("the CLI was not turned away naming {holder:?}: {out:?}").into(),
                );
            }
        }

        // Cross River is back: the app's own runner sends the create, once.
        set_faults(serde_json::json!([])).await?;
        let state = settled_submission(&app, Duration::from_secs(90)).await?;
        if state != "submitted" {
            let error = app.text_of("#submission-error").await.unwrap_or_default();
            return Err(format!("the submission ended {state}: {error}").into());
        }
        let stats = get(&url, "/_sandbox/stats").await;
        assert_eq!(stats["customers"]["cos"], 1, "{stats}");
        assert_eq!(stats["duplicates"], 0, "{stats}");
        let created = &stats["requests"]["POST /core/v1/cm/customers"];
        let accepted = created["201"].as_u64().unwrap_or(0) + created["200"].as_u64().unwrap_or(0);
        assert_eq!(accepted, 1, "{stats}");
        Ok(())
    }
    .await;
    app.finish("two_submits_beside_the_open_app_are_turned_away", outcome)
        .await;
}
