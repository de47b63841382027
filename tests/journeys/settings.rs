//! Settings: backing the vault up with a passphrase typed twice, into a file chosen in the
//! system's save dialog (answered by the test), and how to restore.

use std::time::Duration;

use crate::harness::{eventually, App, Outcome};

const PASSPHRASE: &str = "a passphrase for the branch backup";

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_vault_is_backed_up_from_settings_with_the_passphrase_typed_twice() {
    let data_dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("branch.bdbackup");
    let app = App::launch_with(
        data_dir.path(),
        &[("BRANCHDESK_E2E_PICKS", target.as_os_str().to_owned())],
    )
    .await;
    let outcome: Outcome = async {
        app.click("a[data-view='settings']").await?;
        app.wait_for_css("#restore-how").await?;

        // Mistyped the second time: refused on that field, nothing written, nothing kept.
        app.type_into("backupPassphrase", PASSPHRASE).await?;
        app.type_into("backupPassphraseAgain", &format!("{PASSPHRASE}!"))
            .await?;
        app.click("#backup-create").await?;
        let error = eventually(
            Duration::from_secs(10),
            "the mismatch on its field",
            || async {
                let text = app.text_of("#backupPassphraseAgain-error").await.ok()?;
                (!text.is_empty()).then_some(text)
            },
        )
        .await?;
        assert!(error.contains("differ"), "{error}");
        assert!(!target.exists());
        let typed = app
            .wait_for_css("#backupPassphrase")
            .await?
            .prop("value")
            .await?;
        assert_eq!(
            typed.as_deref(),
            Some(""),
            "the passphrase never stays on screen"
        );

        app.type_into("backupPassphrase", PASSPHRASE).await?;
        app.type_into("backupPassphraseAgain", PASSPHRASE).await?;
        app.click("#backup-create").await?;
        let done = eventually(
            Duration::from_secs(30),
            "the backup to be written",
            || async {
                let text = app.text_of("#backup-result").await.ok()?;
                (!text.is_empty()).then_some(text)
            },
        )
        .await?;
        assert!(done.contains("branch.bdbackup"), "{done}");
        let archive = std::fs::read(&target).unwrap();
        assert!(archive.starts_with(b"BDBACKUP"));
        assert!(!archive
            .windows(PASSPHRASE.len())
            .any(|w| w == PASSPHRASE.as_bytes()));
        Ok(())
    }
    .await;
    app.finish("backup_from_settings", outcome).await;
}
