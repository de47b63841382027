//! One Branchdesk per data folder: while the app is open, a second start of the app hands
//! over to the open window, and the CLI is turned away with the name of the holder, so no
//! two runners ever share an outbox.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{App, Outcome};

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
        if ended.is_none() {
            return Err("a second app on the same data folder kept running".into());
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
