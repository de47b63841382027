//! The app's own log after a whole onboarding through the window, faults and retries
//! included: it tells what happened, and nothing of who it happened to.

use std::time::Duration;

use crate::cos_personal::{get, personal, submit_and_wait, training_url};
use crate::harness::{app_logs, App, Outcome};

const FIRST: &str = "Bonnie";
const LAST: &str = "Swanson";
const SSN: &str = "219-09-9871";

/// What this journey types that names or identifies the customer: the values given here
/// and those `personal` fills in, numbers also without their separators.
fn typed_customer_data() -> Vec<&'static str> {
    vec![
        FIRST,
        LAST,
        SSN,
        "219099871",
        "1953-09-22",
        "123 Any St",
        "(201) 555-2345",
        "2015552345",
        "peter@example.com",
        "DL12345 67890",
        "DL1234567890",
    ]
}

#[tokio::test]
#[ignore = "drives the real app window: run by `cargo xtask test`"]
async fn the_apps_log_of_an_onboarding_holds_no_customer_data() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_in(data.path()).await;
    let outcome: Outcome = async {
        let url = training_url(&app).await?;
        // Faults on the way, so the log has retries and failures to tell as well.
        let faults = serde_json::json!({"rules": [
            {"endpoint": "POST /core/v1/cm/customers", "kind": "fail_after_commit", "times": 1},
            {"endpoint": "POST /core/v1/cm/customers/{id}/phones", "kind": "status", "status": 503, "times": 2},
            {"endpoint": "POST /core/v1/cm/customers/{id}/emails", "kind": "reset_response", "times": 1}
        ]});
        let answer = reqwest::Client::new()
            .put(format!("{url}/_sandbox/faults"))
            .json(&faults)
            .send()
            .await?;
        assert!(answer.status().is_success());
        personal(&app, FIRST, LAST, SSN).await?;
        let id = submit_and_wait(&app).await?;
        let held = get(&url, &format!("/core/v1/cm/customers/{id}")).await;
        assert_eq!(held["id"], id.as_str());
        let stats = get(&url, "/_sandbox/stats").await;
        assert_eq!(stats["customers"]["cos"], 1, "{stats}");
        Ok(())
    }
    .await;
    app.finish("app_log_without_customer_data", outcome).await;
    // The window is closed: every line the session wrote is on disk (they are unbuffered).
    tokio::time::sleep(Duration::from_millis(200)).await;

    let logs = app_logs(data.path());
    assert!(
        !logs.is_empty()
            && logs
                .iter()
                .all(|(name, _)| name.starts_with("branchdesk-app.")),
        "the app's own log files: {:?}",
        logs.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    let text: String = logs.into_iter().map(|(_, text)| text).collect();
    // The session is there: the start, the requests and their answers, the faults.
    for expected in [
        "program=\"branchdesk-app\"",
        "COS answered",
        "status=201",
        "status=503",
        "COS request will be retried",
    ] {
        assert!(
            text.contains(expected),
            "no {expected:?} in the app's log:\n{text}"
        );
    }
    // Who it was is not.
    for value in typed_customer_data() {
        assert!(
            !text.contains(value),
            "the app's log holds {value:?}:\n{text}"
        );
    }
}
