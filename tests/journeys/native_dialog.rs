//! The system's own file dialog, as staff see it: no test answer is set, so choosing the
//! scanner's folder opens the real dialog (GTK's on Linux), which the test answers with
//! keys sent to that window (`xdotool`), as a person at the keyboard would.

use std::process::Command;
use std::time::Duration;

use crate::harness::{eventually, App, Outcome};

const TITLE: &str = "The folder your scanner saves into";

fn xdotool(args: &[&str]) -> Result<String, String> {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .map_err(|e| format!("xdotool could not run ({e}); it is installed by cargo xtask test"))?;
    if !out.status.success() {
        return Err(format!(
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Waits for the dialog's window and puts the keyboard's focus on it (Xvfb has no window
/// manager to raise it).
async fn focus_dialog() -> Result<(), String> {
    let ids = eventually(Duration::from_secs(20), "the folder dialog", || async {
        xdotool(&["search", "--onlyvisible", "--name", TITLE])
            .ok()
            .filter(|ids| !ids.is_empty())
    })
    .await?;
    let dialog = ids.lines().next().unwrap_or_default().to_owned();
    xdotool(&["windowfocus", "--sync", &dialog]).map(|_| ())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_scanner_folder_is_chosen_in_the_systems_own_dialog() {
    let data_dir = tempfile::tempdir().unwrap();
    let scans = tempfile::tempdir().unwrap();
    let app = App::launch_in(data_dir.path()).await;
    let outcome: Outcome = async {
        app.click("a[data-view='settings']").await?;
        app.click("#scanner-choose").await?;
        focus_dialog().await?;
        let folder = scans.path().to_string_lossy().into_owned();
        xdotool(&["key", "ctrl+l"])?;
        xdotool(&["type", "--delay", "20", &folder])?;
        xdotool(&["key", "Return"])?;
        let shown = eventually(
            Duration::from_secs(20),
            "the chosen folder in Settings",
            || async {
                let shown = app
                    .wait_for_css("#scanner-folder:not([data-folder=''])")
                    .await
                    .ok()?;
                shown.attr("data-folder").await.ok()?
            },
        )
        .await?;
        if shown != folder {
            return Err(format!("Settings shows {shown}, not the folder typed: {folder}").into());
        }

        // Cancelled with Escape: the dialog goes, and the folder chosen stays.
        app.click("#scanner-choose").await?;
        focus_dialog().await?;
        xdotool(&["key", "Escape"])?;
        eventually(Duration::from_secs(20), "the dialog to close", || async {
            // xdotool's search fails when it finds no window.
            let open = xdotool(&["search", "--onlyvisible", "--name", TITLE]).unwrap_or_default();
            open.is_empty().then_some(())
        })
        .await?;
        let kept = app.wait_for_css("#scanner-folder").await?;
        if kept.attr("data-folder").await?.as_deref() != Some(folder.as_str()) {
            return Err("cancelling the dialog changed the scanner folder".into());
        }
        Ok(())
    }
    .await;
    app.finish(
        "the_scanner_folder_is_chosen_in_the_systems_own_dialog",
        outcome,
    )
    .await;
}
