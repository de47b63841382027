//! Restoring from Settings on a fresh installation: a backup made with the CLI on "another
//! computer" (its own session bus and keyring, so its connection's secret is not here),
//! holding a submission still queued. A wrong passphrase is refused in words and leaves the
//! installation fresh; the right one restores, says what came back and what to do next; the
//! restored connection's secret is then given back while its work is still queued.

use std::time::Duration;

use crate::harness::{eventually, App, Outcome};

const PASSPHRASE: &str = "a passphrase for the branch backup";
const CLIENT_ID: &str = "branch-7";
const PARTNER_ID: &str = "6e80b097-693c-4592-8440-02f345335bbf";

/// A loopback address nothing listens on: the queued submission waits for the network.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Makes `archive` with the CLI in a session bus of its own with a fresh keyring: a COS
/// connection, the example Personal customer imported and submitted (its steps queued,
/// since `url` does not answer), then the backup.
fn backup_made_elsewhere(archive: &std::path::Path, url: &str) {
    let app = std::path::PathBuf::from(std::env::var_os("BRANCHDESK_APP").unwrap());
    let cli = app.with_file_name(format!("branchdesk-cli{}", std::env::consts::EXE_SUFFIX));
    assert!(
        cli.exists(),
        "{} is built before the journeys",
        cli.display()
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let drafts =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/drafts/personal.json");
    let script = "printf %s elsewhere-secret | \"$CLI\" --data-dir \"$DATA\" connection add cos \
             --base-url \"$URL\" --client-id \"$CLIENT\" --partner-id \"$PARTNER\"; \
         \"$CLI\" --data-dir \"$DATA\" draft import \"$DRAFTS\"; \
         \"$CLI\" --data-dir \"$DATA\" submit || true; \
         printf '%s\\n' \"$PASSPHRASE\" | \"$CLI\" --data-dir \"$DATA\" backup \"$ARCHIVE\"";
    let out = branchdesk_test_support::own_keyring("other-computer", script)
        .env("CLI", &cli)
        .env("DATA", elsewhere.path().join("data"))
        .env("URL", url)
        .env("CLIENT", CLIENT_ID)
        .env("PARTNER", PARTNER_ID)
        .env("DRAFTS", drafts)
        .env("PASSPHRASE", PASSPHRASE)
        .env("ARCHIVE", archive)
        .output()
        .unwrap();
    assert!(
        out.status.success() && archive.exists(),
        "{:?}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of `selector` once it has some.
async fn text_when_shown(app: &App, selector: &str, what: &str) -> Result<String, String> {
    eventually(Duration::from_secs(60), what, || async {
        let text = app.text_of(selector).await.ok()?;
        (!text.trim().is_empty()).then_some(text)
    })
    .await
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_fresh_installation_restores_a_backup_from_settings_and_takes_its_secret_back() {
    let out = tempfile::tempdir().unwrap();
    let archive = out.path().join("branch.bdbackup");
    let url = closed_url();
    backup_made_elsewhere(&archive, &url);

    let data_dir = tempfile::tempdir().unwrap();
    // The open dialog is answered twice with the archive: the wrong passphrase, then the right.
    let picks = std::env::join_paths([&archive, &archive]).unwrap();
    let app = App::launch_with(data_dir.path(), &[("BRANCHDESK_E2E_PICKS", picks)]).await;
    let outcome: Outcome = async {
        app.click("a[data-view='settings']").await?;
        let offered = app
            .wait_for_css("#restore-form, #restore-unavailable")
            .await?;
        if offered.id().await?.as_deref() != Some("restore-form") {
            let why = offered.text().await?;
            return Err(format!("a fresh installation is not offered a restore: {why}").into());
        }

        // A wrong passphrase: refused in words, the installation still fresh and usable.
        app.type_into("restorePassphrase", "not the passphrase at all")
            .await?;
        app.click("#backup-restore").await?;
        let question = app.wait_for_css("#confirm-dialog").await?.text().await?;
        assert!(question.contains("fresh installation"), "{question}");
        app.click("#confirm-yes").await?;
        let error = text_when_shown(&app, "#restore-error", "the wrong passphrase's error").await?;
        assert!(error.contains("passphrase"), "{error}");
        app.wait_for_css("#restore-form").await?;
        app.wait_for_css("#backup-restore:not([disabled])").await?;

        // The right one: what came back, and what to do next.
        app.type_into("restorePassphrase", PASSPHRASE).await?;
        app.click("#backup-restore").await?;
        app.click("#confirm-yes").await?;
        let done = text_when_shown(
            &app,
            "#restore-result [data-restore-line='0']",
            "the restore",
        )
        .await?;
        assert!(done.contains("1 drafts") || done.contains(": 1 "), "{done}");
        let next = app.text_of("#restore-result").await?;
        assert!(
            next.contains(&url),
            "the connection to give its secret back: {next}"
        );
        // No longer fresh: Settings says why a second restore is not offered.
        let unavailable = text_when_shown(&app, "#restore-unavailable", "the reason").await?;
        assert!(unavailable.contains("1 draft"), "{unavailable}");
        let typed = app
            .wait_for_css("#settings-backup input[type='password']")
            .await?
            .prop("value")
            .await?;
        assert_eq!(typed.as_deref(), Some(""), "no passphrase stays on screen");

        // Out of Training: the restored connection has no secret here, so Training stays on
        // and Settings says why.
        app.click("#training-mode").await?;
        let problem = text_when_shown(&app, "#settings-status", "the missing secret").await?;
        assert!(problem.contains("secret"), "{problem}");

        // Its secret given back, the same connection, while its submission is queued.
        app.type_into("conn-baseUrl", &url).await?;
        app.type_into("conn-clientId", CLIENT_ID).await?;
        app.type_into("conn-partnerId", PARTNER_ID).await?;
        app.type_into("conn-secret", "elsewhere-secret").await?;
        app.click("#connection-save").await?;
        let environment = eventually(
            Duration::from_secs(30),
            "the desk on the restored connection",
            || async {
                let text = app.text_of("#settings-environment").await.ok()?;
                text.contains("SANDBOX").then_some(text)
            },
        )
        .await;
        if environment.is_err() {
            let status = app.text_of("#settings-status").await.unwrap_or_default();
            return Err(format!("the secret was not taken back: {status}").into());
        }

        // The restored customer is in Drafts, its submission still waiting to be sent.
        app.click("a[data-view='drafts']").await?;
        let name = text_when_shown(&app, "button[data-draft]", "the restored draft").await?;
        assert!(name.contains("Griffin") || name.contains("Peter"), "{name}");
        Ok(())
    }
    .await;
    app.finish("restore_from_settings", outcome).await;
}
