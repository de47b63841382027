//! `--db FILE`: a sandbox restarted on the same SQLite file remembers everything.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]
mod common;

use branchdesk_sandbox::{Sandbox, SandboxConfig};
use common::*;

#[tokio::test]
async fn state_survives_a_restart() {
    let db = std::env::temp_dir().join(format!("sandbox-{}.sqlite", uuid::Uuid::new_v4()));
    let config = || SandboxConfig {
        db: Some(db.clone()),
        ..quick_config()
    };

    let sb = Sandbox::start(config()).await.unwrap();
    let token = cos_token(&sb).await;
    let url = format!("{}/core/v1/cm/customers", sb.url());
    let key = uuid::Uuid::new_v4().to_string();
    let body = fixture("cos_personal.json");
    let (s, _, created) = post_json(&url, &token, &body, &[("idempotency-Key", &key)]).await;
    assert_eq!(s, 201);
    let id = created["id"].as_str().unwrap().to_string();
    sb.shutdown().await;

    let sb = Sandbox::start(config()).await.unwrap();
    let url = format!("{}/core/v1/cm/customers", sb.url());
    let (s, got) = get_json(&format!("{url}/{id}"), &token).await;
    assert_eq!(
        s, 200,
        "the old token and the customer are both remembered: {got}"
    );
    assert_eq!(got["cifNumber"], created["cifNumber"]);
    let (s, h, again) = post_json(&url, &token, &body, &[("idempotency-Key", &key)]).await;
    assert_eq!(s, 201);
    assert_eq!(again["id"], id.as_str());
    assert!(
        h.contains_key("original-request-id"),
        "idempotency keys survive too"
    );
    let st = stats(&sb).await;
    assert_eq!(st["customers"]["cos"], 1);
    let (_, events) = send(client().get(format!("{}/_sandbox/events", sb.url()))).await;
    assert!(!events.as_array().unwrap().is_empty());
    sb.shutdown().await;

    // In-memory sandboxes start empty.
    let fresh = start().await;
    let token = cos_token(&fresh).await;
    let (s, _) = get_json(
        &format!("{}/core/v1/cm/customers/{id}", fresh.url()),
        &token,
    )
    .await;
    assert_eq!(s, 404);
    std::fs::remove_file(&db).unwrap();
}

#[tokio::test]
async fn an_unusable_database_path_is_an_error() {
    let config = SandboxConfig {
        db: Some("/nonexistent-dir/for/sure/state.sqlite".into()),
        ..quick_config()
    };
    assert!(Sandbox::start(config).await.is_err());
}
