//! Every fault kind, observed by a plain HTTP client.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]
mod common;

use std::time::{Duration, Instant};

use branchdesk_sandbox::{Faults, Sandbox, SandboxConfig};
use common::*;
use serde_json::{json, Value};

const CREATE: &str = "POST /core/v1/cm/customers";

async fn set_faults(sb: &Sandbox, doc: Value) {
    let (s, e) = send(
        client()
            .put(format!("{}/_sandbox/faults", sb.url()))
            .json(&doc),
    )
    .await;
    assert_eq!(s, 200, "{e}");
}

fn create_req(sb: &Sandbox, token: &str) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}/core/v1/cm/customers", sb.url()))
        .bearer_auth(token)
        .json(&fixture("cos_personal.json"))
}

async fn cos_count(sb: &Sandbox) -> u64 {
    stats(sb).await["customers"]["cos"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn server_errors_rate_limits_and_timeouts() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    for status in [500u16, 502, 503] {
        set_faults(
            &sb,
            json!({"rules": [{"endpoint": CREATE, "kind": "status", "status": status}]}),
        )
        .await;
        let (s, body) = send(create_req(&sb, &token)).await;
        assert_eq!(s, status);
        assert_eq!(cos_codes(&body), vec![9999]);
    }
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "rate_limit", "retry_after": 2}]}),
    )
    .await;
    let res = create_req(&sb, &token).send().await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "2");
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "timeout"}]}),
    )
    .await;
    assert_eq!(send(create_req(&sb, &token)).await.0, 408);
    assert_eq!(cos_count(&sb).await, 0, "refused requests change nothing");
    let st = stats(&sb).await;
    assert_eq!(st["requests"][CREATE]["503"], 1);
    assert_eq!(st["faults_injected"]["status_429"], 1);

    // Other endpoints are untouched by an endpoint rule; Fin answers in its own error shape.
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": "POST /v1/oauth/token", "kind": "status", "status": 502}]}),
    )
    .await;
    assert_eq!(send(create_req(&sb, &token)).await.0, 201);
    let (s, body) = send(
        client()
            .post(format!("{}/v1/oauth/token", sb.url()))
            .json(&json!({})),
    )
    .await;
    assert_eq!((s, body["status"].as_u64()), (502, Some(502)));
}

#[tokio::test]
async fn latency_and_slow_bodies_delay_but_deliver() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    set_faults(&sb, json!({"rules": [{"kind": "latency", "ms": 400}]})).await;
    let t = Instant::now();
    assert_eq!(send(create_req(&sb, &token)).await.0, 201);
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );

    set_faults(
        &sb,
        json!({"rules": [{"kind": "slow_body", "chunk_bytes": 64, "chunk_delay_ms": 40}]}),
    )
    .await;
    let t = Instant::now();
    let res = create_req(&sb, &token).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let head = t.elapsed();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "Active", "the whole body arrives");
    let len = body.to_string().len() as u32;
    let chunks = len.div_ceil(64);
    assert!(
        t.elapsed() - head >= Duration::from_millis(40) * (chunks - 2),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn a_stall_outlasts_a_client_timeout() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "stall", "ms": 5000, "times": 1}]}),
    )
    .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let err = impatient
        .post(format!("{}/core/v1/cm/customers", sb.url()))
        .bearer_auth(&token)
        .json(&fixture("cos_personal.json"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(
        send(create_req(&sb, &token)).await.0,
        201,
        "times: 1 lets the next one through"
    );
}

#[tokio::test]
async fn reset_mid_request_applies_nothing() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "reset_request"}]}),
    )
    .await;
    let err = create_req(&sb, &token).send().await.unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err}");
    assert_eq!(cos_count(&sb).await, 0);
    assert_eq!(stats(&sb).await["requests"][CREATE]["reset"], 1);
}

#[tokio::test]
async fn reset_mid_response_applies_the_request_but_cuts_the_body() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "reset_response"}]}),
    )
    .await;
    let res = create_req(&sb, &token).send().await.unwrap();
    assert_eq!(res.status(), 201, "the head arrives");
    let len = res.content_length().unwrap();
    assert!(len > 100);
    assert!(res.bytes().await.is_err(), "the body is cut");
    assert_eq!(cos_count(&sb).await, 1);
}

#[tokio::test]
async fn fail_after_commit_then_idempotent_retry_gets_the_stored_answer() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "fail_after_commit", "times": 1}]}),
    )
    .await;
    let key = uuid::Uuid::new_v4().to_string();
    let err = create_req(&sb, &token)
        .header("idempotency-Key", &key)
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err}");
    assert_eq!(cos_count(&sb).await, 1, "the customer was created");
    let res = create_req(&sb, &token)
        .header("idempotency-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().contains_key("original-request-id"));
    assert_eq!(
        cos_count(&sb).await,
        1,
        "the retry did not create a second customer"
    );
    assert_eq!(stats(&sb).await["duplicates"], 0);
}

async fn pattern(seed: u64) -> Vec<u16> {
    let faults = Faults::from_json_str(&format!(
        r#"{{"rules":[{{"endpoint":"{CREATE}","kind":"status","status":503,"rate":0.5}}]}}"#
    ))
    .unwrap();
    let sb = Sandbox::start(SandboxConfig {
        seed,
        faults,
        ..quick_config()
    })
    .await
    .unwrap();
    let token = cos_token(&sb).await;
    let mut out = Vec::new();
    for _ in 0..24 {
        out.push(send(create_req(&sb, &token)).await.0);
    }
    out
}

#[tokio::test]
async fn faults_are_deterministic_for_a_seed() {
    let a = pattern(42).await;
    assert_eq!(a, pattern(42).await);
    assert_ne!(a, pattern(43).await);
    let failures = a.iter().filter(|s| **s == 503).count();
    assert!((4..=20).contains(&failures), "{a:?}");
    assert!(a.iter().all(|s| *s == 503 || *s == 201));
}

#[tokio::test]
async fn global_rules_spare_the_admin_endpoints() {
    let sb = start().await;
    set_faults(&sb, json!({"rules": [{"kind": "status", "status": 500}]})).await;
    let (s, _) = send(client().get(format!("{}/_sandbox/stats", sb.url()))).await;
    assert_eq!(s, 200);
    let (s, _) = send(client().post(format!("{}/platform/v1/customers", sb.url()))).await;
    assert_eq!(s, 500);
    set_faults(&sb, json!({"rules": []})).await;
    let (s, _) = send(client().post(format!("{}/platform/v1/customers", sb.url()))).await;
    assert_eq!(s, 401, "back to normal: Hawk is missing");
}

#[tokio::test]
async fn fault_files_load_and_bad_ones_are_refused() {
    let path = std::env::temp_dir().join(format!("sandbox-faults-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(
        &path,
        r#"{"rules":[{"endpoint":"GET /v2/customers/{id}","kind":"timeout","rate":1.0}]}"#,
    )
    .unwrap();
    let faults = Faults::from_json_file(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(faults.rules.len(), 1);
    let sb = Sandbox::start(SandboxConfig {
        faults,
        ..quick_config()
    })
    .await
    .unwrap();
    let (s, _) = send(client().get(format!(
        "{}/v2/customers/{}",
        sb.url(),
        uuid::Uuid::new_v4()
    )))
    .await;
    assert_eq!(s, 408);
    assert!(Faults::from_json_file(std::path::Path::new("/nonexistent/faults.json")).is_err());
    assert!(Faults::from_json_str(r#"{"rules":[{"kind":"latency","bogus":1}]}"#).is_err());
}

#[tokio::test]
async fn a_retry_racing_the_original_gets_409_then_the_replay() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "stall", "ms": 800, "times": 1}]}),
    )
    .await;
    let key = uuid::Uuid::new_v4().to_string();
    let first = tokio::spawn(
        create_req(&sb, &token)
            .header("idempotency-Key", &key)
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (s, body) = send(create_req(&sb, &token).header("idempotency-Key", &key)).await;
    assert_eq!((s, cos_codes(&body)), (409, vec![2100]));
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), 201);
    let res = create_req(&sb, &token)
        .header("idempotency-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().contains_key("original-request-id"));
    assert_eq!(cos_count(&sb).await, 1);
}

/// Answers that pretend success: each applies the create once, and says so wrongly.
#[tokio::test]
async fn garbled_truncated_and_huge_successes_apply_the_request() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "garbled_2xx", "times": 1}]}),
    )
    .await;
    let res = create_req(&sb, &token).send().await.unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("<html>"));
    assert_eq!(cos_count(&sb).await, 1);

    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "truncated_2xx", "times": 1}]}),
    )
    .await;
    let res = create_req(&sb, &token).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let declared = res.content_length().unwrap();
    let body = res.bytes().await.unwrap();
    // Framed right, incomplete as JSON.
    assert_eq!(body.len() as u64, declared);
    assert!(body.starts_with(b"{"));
    assert!(serde_json::from_slice::<Value>(&body).unwrap_err().is_eof());
    assert_eq!(cos_count(&sb).await, 2);

    for declared in [true, false] {
        set_faults(
            &sb,
            json!({"rules": [{"endpoint": CREATE, "kind": "huge_body", "times": 1,
                              "bytes": 3_000_000, "content_length": declared}]}),
        )
        .await;
        let res = create_req(&sb, &token).send().await.unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.content_length().is_some(), declared);
        let body = res.bytes().await.unwrap();
        assert_eq!(body.len(), 3_000_000);
        assert!(body.starts_with(br#"{"data":"xxx"#));
    }
    assert_eq!(cos_count(&sb).await, 4);

    // A redirect applies nothing and points where the rule says.
    set_faults(
        &sb,
        json!({"rules": [{"endpoint": CREATE, "kind": "redirect", "location": "http://127.0.0.1:9/x"}]}),
    )
    .await;
    let res = no_redirects
        .post(format!("{}/core/v1/cm/customers", sb.url()))
        .bearer_auth(&token)
        .json(&fixture("cos_personal.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 307);
    assert_eq!(res.headers()["location"], "http://127.0.0.1:9/x");
    assert_eq!(cos_count(&sb).await, 4);
    let injected = &stats(&sb).await["faults_injected"];
    for name in ["garbled_2xx", "truncated_2xx", "huge_body", "redirect"] {
        assert!(injected[name].as_u64().unwrap() >= 1, "{name}: {injected}");
    }
}
