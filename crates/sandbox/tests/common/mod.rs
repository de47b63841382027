#![allow(dead_code)]
// Helpers of integration tests are not #[test] functions, so the test exemption misses them.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use branchdesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

pub fn quick_config() -> SandboxConfig {
    SandboxConfig {
        compliance_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    }
}

pub async fn start() -> Sandbox {
    Sandbox::start(quick_config()).await.unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub async fn cos_token(sb: &Sandbox) -> String {
    let c = &sb.credentials().cos;
    let res = client()
        .post(format!("{}/connect/token", sb.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
            ("audience", "https://api.crbcos.com/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// POSTs JSON with a bearer token; returns status, headers and the parsed body.
pub async fn post_json(
    url: &str,
    token: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = client().post(url).bearer_auth(token).json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, body)
}

pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn get_json(url: &str, token: &str) -> (u16, Value) {
    send(client().get(url).bearer_auth(token)).await
}

pub async fn stats(sb: &Sandbox) -> Value {
    send(client().get(format!("{}/_sandbox/stats", sb.url())))
        .await
        .1
}

/// The COS error codes in an `{"Errors":[…]}` body.
pub fn cos_codes(body: &Value) -> Vec<u64> {
    body["Errors"]
        .as_array()
        .unwrap_or_else(|| panic!("not a COS error body: {body}"))
        .iter()
        .map(|e| e["Code"].as_u64().unwrap())
        .collect()
}
