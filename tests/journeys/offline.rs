//! Work prepared while the provider is unreachable is sent by itself, once, after a restart.

use std::time::Duration;

use branchdesk_sandbox::{Credentials, Sandbox, SandboxConfig};
use thirtyfour::prelude::*;

use crate::cos_personal::{get, personal};
use crate::harness::{eventually, App, Outcome};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Settings → a Cross River SANDBOX connection to `url`, then Training off.
async fn connect(app: &App, url: &str) -> WebDriverResult<()> {
    let cos = Credentials::default().cos;
    app.click("a[data-view='settings']").await?;
    app.wait_for_css("#connection-form").await?;
    app.type_into("conn-baseUrl", url).await?;
    app.type_into("conn-clientId", &cos.client_id).await?;
    app.type_into("conn-partnerId", &cos.partner_id).await?;
    app.type_into("conn-secret", &cos.client_secret).await?;
    app.click("#connection-save").await?;
    app.wait_for_css("#connections li[data-provider='cos']")
        .await?;
    let secret = app
        .driver
        .find(By::Id("conn-secret"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        secret.as_deref(),
        Some(""),
        "the secret does not stay on screen"
    );
    app.click("#training-mode").await?;
    app.wait_for_css("#env-badge[data-env='SANDBOX']").await?;
    app.click("a[data-view='onboard']").await?;
    Ok(())
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn a_draft_submitted_offline_is_sent_once_after_a_restart() {
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");

    // The provider is down: the draft is planned and waits.
    let app = App::launch_in(data_dir.path()).await;
    let outcome: Outcome = async {
        connect(&app, &url).await?;
        app.wait_for_css("#online[data-online='false']").await?;
        personal(&app, "Meg", "Griffin", "119-98-8775").await?;
        app.click("#submit").await?;
        let waiting = app
            .wait_for_css("#submission-state[data-state='waiting']")
            .await?;
        assert!(waiting.text().await?.contains("Waiting for network"));
        Ok(())
    }
    .await;
    app.finish("offline_prepared", outcome).await;

    // The provider comes back while the app is closed; the next start sends the draft.
    let sandbox = Sandbox::start(SandboxConfig {
        port,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let app = App::launch_in(data_dir.path()).await;
    let outcome: Outcome = async {
        assert_eq!(app.text_of("#env-badge").await?, "SANDBOX");
        app.click("a[data-view='drafts']").await?;
        let row = eventually(
            Duration::from_secs(60),
            "the draft to be submitted",
            || async {
                let state = app.driver.find(By::Css("#drafts-list .state")).await.ok()?;
                // The list is read when shown: look again until the runner has finished.
                let text = state.attr("data-state").await.ok()??;
                if text != "submitted" {
                    app.click("a[data-view='drafts']").await.ok()?;
                    return None;
                }
                Some(text)
            },
        )
        .await?;
        assert_eq!(row, "submitted");
        app.click("#drafts-list button[data-draft]").await?;
        let id = app
            .wait_for_css("#result-customer-id")
            .await?
            .text()
            .await?;
        let stats = get(&url, "/_sandbox/stats").await;
        assert_eq!(stats["customers"]["cos"], 1, "sent once: {stats}");
        assert_eq!(stats["duplicates"], 0, "{stats}");
        assert_eq!(
            get(&url, &format!("/core/v1/cm/customers/{id}")).await["id"],
            id.as_str()
        );
        Ok(())
    }
    .await;
    app.finish("offline_sent_after_restart", outcome).await;
    sandbox.shutdown().await;
}
