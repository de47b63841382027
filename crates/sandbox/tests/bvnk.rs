//! BVNK: Hawk authentication (MAC computed here independently), the error envelope,
//! agreement sessions and the customer lifecycle.
//!
//! Why one file (about 1,300 lines): each integration test file is a binary of its own,
//! linked against the whole sandbox; one per provider keeps the build short, and the tests
//! read top to bottom in the order of BVNK's pages (Hawk, errors, agreements, customers,
//! documents, decision, idempotency).

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]
mod common;

use std::time::Duration;

use base64::Engine;
use branchdesk_sandbox::{Sandbox, SandboxConfig};
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// Hawk v1 header exactly as the provider describes it, written from the spec, not the server.
#[allow(clippy::too_many_arguments)] // mirrors the fields of the Hawk string one to one
fn hawk(
    id: &str,
    key: &str,
    method: &str,
    resource: &str,
    host: &str,
    port: u16,
    ts: i64,
    nonce: &str,
) -> String {
    let text = format!("hawk.1.header\n{ts}\n{nonce}\n{method}\n{resource}\n{host}\n{port}\n\n\n");
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(text.as_bytes());
    let mac = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("Hawk id=\"{id}\", ts=\"{ts}\", nonce=\"{nonce}\", mac=\"{mac}\"")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

const CUSTOMERS: &str = "/platform/v1/customers";
const SESSIONS: &str = "/platform/v1/customers/agreement/sessions";

type Answer = (u16, reqwest::header::HeaderMap, Value);

struct Bvnk {
    sb: Sandbox,
    port: u16,
}

impl Bvnk {
    async fn new() -> Bvnk {
        Bvnk::with(quick_config()).await
    }

    /// A sandbox whose BVNK decision comes `ms` after a customer became PENDING.
    async fn with_delay(ms: u64) -> Bvnk {
        Bvnk::with(SandboxConfig {
            compliance_delay: Duration::from_millis(ms),
            ..SandboxConfig::default()
        })
        .await
    }

    async fn with(config: SandboxConfig) -> Bvnk {
        let sb = Sandbox::start(config).await.unwrap();
        let port = url::Url::parse(&sb.url()).unwrap().port().unwrap();
        Bvnk { sb, port }
    }

    fn auth(&self, method: &str, resource: &str) -> String {
        let c = &self.sb.credentials().bvnk;
        let (id, key) = (&c.hawk_id, &c.hawk_key);
        hawk(
            id,
            key,
            method,
            resource,
            "127.0.0.1",
            self.port,
            now(),
            &nonce(),
        )
    }

    async fn call(
        &self,
        method: &str,
        resource: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let auth = self.auth(method, resource);
        self.call_with(method, resource, body, &auth, extra).await
    }

    async fn call_with(
        &self,
        method: &str,
        resource: &str,
        body: Option<&Value>,
        auth: &str,
        extra: &[(&str, &str)],
    ) -> Answer {
        let raw = body.map(Value::to_string);
        self.send(method, resource, raw, auth, extra).await
    }

    /// Sends `body` as it is (for bodies too big to hold twice, or not JSON at all).
    async fn call_raw(
        &self,
        method: &str,
        resource: &str,
        body: String,
        extra: &[(&str, &str)],
    ) -> Answer {
        let auth = self.auth(method, resource);
        self.send(method, resource, Some(body), &auth, extra).await
    }

    async fn send(
        &self,
        method: &str,
        resource: &str,
        body: Option<String>,
        auth: &str,
        extra: &[(&str, &str)],
    ) -> Answer {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = client()
            .request(m, format!("{}{resource}", self.sb.url()))
            .header("authorization", auth);
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn new_session(&self, kind: &str) -> String {
        let body =
            json!({"customerType": kind, "countryCode": "US", "useCase": "EMBEDDED_FIAT_ACCOUNTS"});
        let (s, _, b) = self.call("POST", SESSIONS, Some(&body), &[]).await;
        assert_eq!(s, 201, "{b}");
        b["reference"].as_str().unwrap().to_string()
    }

    async fn mark_session(&self, reference: &str, status: &str) -> Answer {
        let path = format!("{SESSIONS}/{reference}");
        let body = json!({ "status": status });
        self.call("PUT", &path, Some(&body), &[]).await
    }

    async fn signed_session(&self, kind: &str) -> String {
        let reference = self.new_session(kind).await;
        let (s, _, b) = self.mark_session(&reference, "SIGNED").await;
        assert_eq!(s, 204, "{b}");
        reference
    }

    /// Creates a customer from `body`, with a fresh signed session of its type unless the
    /// body names one.
    async fn create(&self, mut body: Value) -> (u16, Value) {
        if body.get("signedAgreementSessionReference").is_none() {
            let kind = body["type"].as_str().unwrap_or("COMPANY").to_string();
            body["signedAgreementSessionReference"] = json!(self.signed_session(&kind).await);
        }
        let (s, _, b) = self.call("POST", CUSTOMERS, Some(&body), &[]).await;
        (s, b)
    }

    async fn created(&self, body: Value) -> Value {
        let (s, b) = self.create(body).await;
        assert_eq!(s, 201, "{b}");
        b
    }

    async fn company(&self) -> Value {
        self.created(fixture("bvnk_company.json")).await
    }

    async fn individual(&self, last_name: &str) -> Value {
        self.created(individual_body(last_name)).await
    }

    async fn get(&self, reference: &str) -> Value {
        let (s, _, b) = self
            .call("GET", &format!("{CUSTOMERS}/{reference}"), None, &[])
            .await;
        assert_eq!(s, 200, "{b}");
        b
    }

    async fn set_status(&self, reference: &str, status: &str) -> (u16, Value) {
        let path = format!("{CUSTOMERS}/{reference}/status");
        let (s, _, b) = self
            .call("PUT", &path, Some(&json!({ "status": status })), &[])
            .await;
        (s, b)
    }

    async fn documents(&self, reference: &str, docs: Value) -> (u16, Value) {
        let path = format!("{CUSTOMERS}/{reference}/documents");
        let (s, _, b) = self.call("POST", &path, Some(&docs), &[]).await;
        (s, b)
    }

    /// Reads the customer until it shows `status` (the decision comes on a read).
    async fn wait_for(&self, reference: &str, status: &str) -> Value {
        for _ in 0..100 {
            let c = self.get(reference).await;
            if c["status"] == status {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{reference} never became {status}");
    }
}

fn individual_body(last_name: &str) -> Value {
    json!({
        "type": "INDIVIDUAL",
        "individual": {"firstName": "Ann", "lastName": last_name, "dateOfBirth": "1990-01-31"}
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A document entry; `person` names an associate.
fn doc(kind: &str, sub: Option<&str>, person: Option<&str>) -> Value {
    let mut d = json!({
        "type": kind, "name": "scan.jpg", "description": "Scan", "countryCode": "US",
        "externalReference": "doc-1", "content": b64(b"\xff\xd8\xff\xe0 jpeg bytes"),
    });
    if let Some(s) = sub {
        d["subType"] = json!(s);
    }
    if let Some(p) = person {
        d["customerPersonReference"] = json!(p);
    }
    d
}

/// Asserts the documented envelope of a validation refusal and returns the messages under
/// `field`.
fn invalid_at(status: u16, e: &Value, field: &str) -> Vec<String> {
    assert_eq!(status, 400, "{field}: {e}");
    assert_eq!(e["code"], "ACCOUNTS-2000", "{e}");
    assert_eq!(e["status"], "Bad Request", "{e}");
    assert_eq!(e["message"], "Invalid request", "{e}");
    let messages = e["details"]["errors"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no problem under {field}: {e}"));
    assert!(!messages.is_empty(), "{e}");
    messages
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect()
}

/// Asserts an envelope without field details.
fn plain_error(e: &Value, code: &str, status_text: &str) {
    assert_eq!(e["code"], code, "{e}");
    assert_eq!(e["status"], status_text, "{e}");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
    assert!(e.get("details").is_some_and(Value::is_null), "{e}");
}

fn person_refs(customer: &Value) -> Vec<String> {
    customer["company"]["associates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["person"]["reference"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn hawk_accepts_a_correct_mac_and_refuses_every_violation() {
    let b = Bvnk::new().await;
    let c = b.sb.credentials().bvnk.clone();
    let reference = b.company().await["reference"].as_str().unwrap().to_string();
    let get_path = format!("{CUSTOMERS}/{reference}");
    let sign = |key: &str, id: &str, method: &str, resource: &str, ts: i64, n: &str| {
        hawk(id, key, method, resource, "127.0.0.1", b.port, ts, n)
    };
    let (key, id) = (c.hawk_key.as_str(), c.hawk_id.as_str());
    let cases = [
        (
            "wrong key",
            sign("other-key", id, "GET", &get_path, now(), &nonce()),
        ),
        (
            "unknown id",
            sign(key, "someone-else", "GET", &get_path, now(), &nonce()),
        ),
        (
            "signed for another method",
            sign(key, id, "POST", &get_path, now(), &nonce()),
        ),
        (
            "signed for another path",
            sign(key, id, "GET", CUSTOMERS, now(), &nonce()),
        ),
        (
            "61 s in the past",
            sign(key, id, "GET", &get_path, now() - 61, &nonce()),
        ),
        // Signed now and sent after the cases before it: time passing only makes a past
        // stamp older, but brings a future one nearer, so it keeps 15 s for a slow machine.
        (
            "75 s in the future",
            sign(key, id, "GET", &get_path, now() + 75, &nonce()),
        ),
        ("not Hawk", format!("Bearer {key}")),
        (
            "no mac",
            format!("Hawk id=\"{id}\", ts=\"{}\", nonce=\"abc\"", now()),
        ),
    ];
    for (what, auth) in cases {
        let (s, h, e) = b.call_with("GET", &get_path, None, &auth, &[]).await;
        assert_eq!(s, 401, "{what}: {e}");
        plain_error(&e, "UNAUTHORIZED", "Unauthorized");
        let challenge = h.get("www-authenticate").unwrap().to_str().unwrap();
        assert!(challenge.starts_with("Hawk"), "{what}");
    }
    let stale = sign(key, id, "GET", &get_path, now() - 61, &nonce());
    let (_, h, _) = b.call_with("GET", &get_path, None, &stale, &[]).await;
    let challenge = h.get("www-authenticate").unwrap().to_str().unwrap();
    assert!(challenge.starts_with("Hawk ts=\""), "{challenge}");
    assert!(challenge.contains("tsm=\""), "{challenge}");
    assert!(
        challenge.ends_with("error=\"Stale timestamp\""),
        "{challenge}"
    );
    let (s, _) = send(client().get(format!("{}{get_path}", b.sb.url()))).await;
    assert_eq!(s, 401, "no header at all");

    // Inside the skew window, and a nonce works exactly once.
    let n = nonce();
    let within = sign(key, id, "GET", &get_path, now() - 50, &n);
    let (s, _, got) = b.call_with("GET", &get_path, None, &within, &[]).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["reference"], reference.as_str());
    let (s, _, e) = b.call_with("GET", &get_path, None, &within, &[]).await;
    assert_eq!(s, 401, "nonce replay: {e}");

    // The query string is part of the signed resource.
    let with_query = format!("{get_path}?expand=associates");
    let (s, _, _) = b.call("GET", &with_query, None, &[]).await;
    assert_eq!(s, 200);
    let without = sign(key, id, "GET", &get_path, now(), &nonce());
    let (s, _, _) = b.call_with("GET", &with_query, None, &without, &[]).await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn hawk_uses_port_443_when_the_host_header_has_none() {
    let b = Bvnk::new().await;
    let c = b.sb.credentials().bvnk.clone();
    let host = "api.sandbox.bvnk.com";
    let body = json!({"customerType": "COMPANY", "countryCode": "GB", "useCase": "FIAT"});
    let signed_for = |port: u16| {
        hawk(
            &c.hawk_id,
            &c.hawk_key,
            "POST",
            SESSIONS,
            host,
            port,
            now(),
            &nonce(),
        )
    };
    let (s, _, created) = b
        .call_with(
            "POST",
            SESSIONS,
            Some(&body),
            &signed_for(443),
            &[("host", host)],
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let (s, _, _) = b
        .call_with(
            "POST",
            SESSIONS,
            Some(&body),
            &signed_for(80),
            &[("host", host)],
        )
        .await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn every_error_uses_the_documented_envelope() {
    let b = Bvnk::new().await;
    let missing = uuid::Uuid::new_v4();
    let (s, _, e) = b
        .call("GET", &format!("{CUSTOMERS}/{missing}"), None, &[])
        .await;
    assert_eq!(s, 404);
    plain_error(&e, "NOT_FOUND", "Not Found");

    let (s, _, e) = b
        .call_raw("POST", CUSTOMERS, "{not json".to_string(), &[])
        .await;
    assert_eq!(s, 400);
    plain_error(&e, "BAD_REQUEST", "Bad Request");

    let mut body = fixture("bvnk_company.json");
    body["company"]["name"] = json!("");
    body["company"]["registrationNumber"] = Value::Null;
    let (s, e) = b.create(body).await;
    invalid_at(s, &e, "company.name");
    invalid_at(s, &e, "company.registrationNumber");

    // The framework's own refusals and unknown paths come in the same shape.
    let (s, _, e) = b
        .call("DELETE", &format!("{CUSTOMERS}/{missing}"), None, &[])
        .await;
    assert_eq!(s, 405, "{e}");
    plain_error(&e, "METHOD_NOT_ALLOWED", "Method Not Allowed");
    let (s, _, e) = b.call("GET", "/platform/v1/wallets", None, &[]).await;
    assert_eq!(s, 404);
    plain_error(&e, "NOT_FOUND", "Not Found");

    // So do injected faults.
    let faults = json!({"rules": [{"endpoint": "GET /platform/v1/customers/{id}", "kind": "status", "status": 503}]});
    let (s, _) = send(
        client()
            .put(format!("{}/_sandbox/faults", b.sb.url()))
            .json(&faults),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, e) = b
        .call("GET", &format!("{CUSTOMERS}/{missing}"), None, &[])
        .await;
    assert_eq!(s, 503);
    plain_error(&e, "SERVICE_UNAVAILABLE", "Service Unavailable");
}

#[tokio::test]
async fn agreement_sessions_are_created_signed_and_read() {
    let b = Bvnk::new().await;
    let body =
        json!({"customerType": "INDIVIDUAL", "countryCode": "US", "useCase": "STABLECOIN_PAYOUTS"});
    let (s, _, session) = b.call("POST", SESSIONS, Some(&body), &[]).await;
    assert_eq!(s, 201, "{session}");
    let r = session["reference"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&r).is_ok());
    assert_eq!(session["status"], "PENDING");
    assert_eq!(session["customerType"], "INDIVIDUAL");
    assert_eq!(session["useCase"], "STABLECOIN_PAYOUTS");
    assert_eq!(session["countryCode"], "US");
    let expires = chrono::DateTime::parse_from_rfc3339(session["expiresOn"].as_str().unwrap())
        .unwrap()
        .timestamp();
    assert!((expires - (now() + 7 * 86_400)).abs() < 60, "{session}");
    let agreement = &session["agreements"][0];
    assert_eq!(agreement["status"], "PENDING");
    assert_eq!(agreement["name"], "EMBEDDED_PARTNER_PLATFORM_CUSTOMERS");
    assert_eq!(agreement["displayName"], "Terms and Conditions");
    let terms = format!("{}/platform/agreements/terms", b.sb.url());
    assert_eq!(agreement["url"], terms.as_str());
    let page = client().get(&terms).send().await.unwrap();
    assert_eq!(page.status(), 200);

    let path = format!("{SESSIONS}/{r}");
    let (s, _, got) = b.call("GET", &path, None, &[]).await;
    assert_eq!((s, &got), (200, &session));

    let (s, _, empty) = b
        .call(
            "PUT",
            &path,
            Some(&json!({"status": "SIGNED", "ipAddress": "203.0.113.7"})),
            &[],
        )
        .await;
    assert_eq!((s, empty), (204, json!("")), "204 with an empty body");
    let (_, _, got) = b.call("GET", &path, None, &[]).await;
    assert_eq!(got["status"], "SIGNED");
    assert_eq!(got["agreements"][0]["status"], "SIGNED");
    assert_eq!(b.mark_session(&r, "SIGNED").await.0, 204, "the same again");
    let (s, _, e) = b.mark_session(&r, "DECLINED").await;
    assert_eq!(s, 409, "{e}");
    plain_error(&e, "INVALID_SESSION_STATUS", "Conflict");

    let declined = b.new_session("COMPANY").await;
    assert_eq!(b.mark_session(&declined, "DECLINED").await.0, 204);
    assert_eq!(b.mark_session(&declined, "DECLINED").await.0, 204);
    let (s, _, e) = b.mark_session(&declined, "SIGNED").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (409, Some("INVALID_SESSION_STATUS"))
    );

    let unknown = uuid::Uuid::new_v4().to_string();
    let (s, _, e) = b.mark_session(&unknown, "SIGNED").await;
    assert_eq!(s, 404);
    plain_error(&e, "NOT_FOUND", "Not Found");
    let (s, _, _) = b
        .call("GET", &format!("{SESSIONS}/{unknown}"), None, &[])
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn agreement_session_fields_are_checked() {
    let b = Bvnk::new().await;
    let good = json!({"customerType": "COMPANY", "countryCode": "US", "useCase": "FIAT"});
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit)> = vec![
        ("customerType", |v| {
            v.as_object_mut().unwrap().remove("customerType");
        }),
        ("customerType", |v| v["customerType"] = json!("TRUST")),
        ("countryCode", |v| v["countryCode"] = json!("USA")),
        ("countryCode", |v| v["countryCode"] = json!("us")),
        ("countryCode", |v| {
            v.as_object_mut().unwrap().remove("countryCode");
        }),
        ("useCase", |v| v["useCase"] = json!("LENDING")),
        ("useCase", |v| v["useCase"] = Value::Null),
    ];
    for (field, edit) in cases {
        let mut body = good.clone();
        edit(&mut body);
        let (s, _, e) = b.call("POST", SESSIONS, Some(&body), &[]).await;
        invalid_at(s, &e, field);
    }
    for use_case in [
        "STABLECOIN_PAYOUTS",
        "FIAT",
        "EMBEDDED_FIAT_ACCOUNTS",
        "EMBEDDED_STABLECOIN_WALLETS",
    ] {
        let mut body = good.clone();
        body["useCase"] = json!(use_case);
        let (s, _, e) = b.call("POST", SESSIONS, Some(&body), &[]).await;
        assert_eq!(s, 201, "{use_case}: {e}");
    }

    let r = b.new_session("COMPANY").await;
    let path = format!("{SESSIONS}/{r}");
    for (field, body) in [
        ("status", json!({"status": "APPROVED"})),
        ("status", json!({})),
        ("ipAddress", json!({"status": "SIGNED", "ipAddress": 12})),
    ] {
        let (s, _, e) = b.call("PUT", &path, Some(&body), &[]).await;
        invalid_at(s, &e, field);
    }
}

#[tokio::test]
async fn create_needs_a_signed_unassigned_session_of_the_same_type() {
    let b = Bvnk::new().await;
    let field = "signedAgreementSessionReference";
    let body_with = |session: &str| {
        let mut body = individual_body("Lee");
        body[field] = json!(session);
        body
    };
    let (s, _, e) = b
        .call("POST", CUSTOMERS, Some(&individual_body("Lee")), &[])
        .await;
    invalid_at(s, &e, field);

    let unknown = uuid::Uuid::new_v4().to_string();
    let (s, e) = b.create(body_with(&unknown)).await;
    let messages = invalid_at(s, &e, field);
    assert_eq!(
        messages,
        [format!(
            "Agreement session with reference: {unknown} was not found"
        )]
    );

    let pending = b.new_session("INDIVIDUAL").await;
    let (s, e) = b.create(body_with(&pending)).await;
    let messages = invalid_at(s, &e, field);
    assert!(messages[0].ends_with("is not signed"), "{e}");

    let declined = b.new_session("INDIVIDUAL").await;
    b.mark_session(&declined, "DECLINED").await;
    let (s, e) = b.create(body_with(&declined)).await;
    assert!(invalid_at(s, &e, field)[0].ends_with("is not signed"));

    let for_a_company = b.signed_session("COMPANY").await;
    let (s, e) = b.create(body_with(&for_a_company)).await;
    invalid_at(s, &e, field);

    let signed = b.signed_session("INDIVIDUAL").await;
    let (s, created) = b.create(body_with(&signed)).await;
    assert_eq!(s, 201, "{created}");
    let (s, e) = b.create(body_with(&signed)).await;
    let messages = invalid_at(s, &e, field);
    assert_eq!(
        messages,
        [format!(
            "Agreement session with reference: {signed} is already assigned to the customer"
        )]
    );
    assert_eq!(stats(&b.sb).await["customers"]["bvnk"], 1);
}

#[tokio::test]
async fn a_duplicate_external_reference_is_refused() {
    let b = Bvnk::new().await;
    let mut body = individual_body("Lee");
    body["externalReference"] = json!("crm-42");
    let created = b.created(body.clone()).await;
    assert_eq!(created["externalReference"], "crm-42");
    let (s, e) = b.create(body).await;
    let messages = invalid_at(s, &e, "externalReference");
    assert_eq!(
        messages,
        ["Customer with external reference: crm-42 already exists"]
    );
    assert_eq!(stats(&b.sb).await["customers"]["bvnk"], 1);
}

#[tokio::test]
async fn company_fields_and_associates_are_checked() {
    let b = Bvnk::new().await;
    let session = b.signed_session("COMPANY").await;
    let mut good = fixture("bvnk_company.json");
    good["signedAgreementSessionReference"] = json!(session);
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit)> = vec![
        ("type", |v| v["type"] = json!("TRUST")),
        ("type", |v| {
            v.as_object_mut().unwrap().remove("type");
        }),
        ("reference", |v| v["reference"] = json!("abc")),
        ("company", |v| {
            v.as_object_mut().unwrap().remove("company");
        }),
        ("company.name", |v| {
            v["company"].as_object_mut().unwrap().remove("name");
        }),
        ("company.registrationNumber", |v| {
            v["company"]["registrationNumber"] = json!(" ")
        }),
        ("company.taxResidenceCountryCode", |v| {
            v["company"]["taxResidenceCountryCode"] = json!("USA")
        }),
        ("company.taxResidenceCountryCode", |v| {
            v["company"]
                .as_object_mut()
                .unwrap()
                .remove("taxResidenceCountryCode");
        }),
        ("company.address", |v| {
            v["company"].as_object_mut().unwrap().remove("address");
        }),
        ("company.address.countryCode", |v| {
            v["company"]["address"]
                .as_object_mut()
                .unwrap()
                .remove("countryCode");
        }),
        ("company.associates[0].person.dateOfBirth", |v| {
            v["company"]["associates"][0]["person"]["dateOfBirth"] = json!("31/01/1981")
        }),
        ("company.associates[1].person.dateOfBirth", |v| {
            v["company"]["associates"][1]["person"]
                .as_object_mut()
                .unwrap()
                .remove("dateOfBirth");
        }),
        ("company.associates[1].person.firstName", |v| {
            v["company"]["associates"][1]["person"]["firstName"] = json!("")
        }),
        ("company.associates[0].person.lastName", |v| {
            v["company"]["associates"][0]["person"]
                .as_object_mut()
                .unwrap()
                .remove("lastName");
        }),
        ("company.associates[1].person", |v| {
            v["company"]["associates"][1]
                .as_object_mut()
                .unwrap()
                .remove("person");
        }),
        ("company.associates[0].person.reference", |v| {
            v["company"]["associates"][0]["person"]["reference"] = json!("p-1")
        }),
        (
            "company.associates[1].details.contactInfo.emailAddress",
            |v| {
                v["company"]["associates"][1]["details"]["contactInfo"]["emailAddress"] =
                    json!("maria.example.com")
            },
        ),
        ("company.associates[0].controls.hasControl", |v| {
            v["company"]["associates"][0]["controls"]["hasControl"] = json!("yes")
        }),
        ("company.associates", |v| {
            v["company"]["associates"][0]["controls"]["hasControl"] = json!(false)
        }),
        ("company.associates", |v| {
            v["company"]["associates"][1]["controls"]["isSigner"] = json!(false)
        }),
        ("company.associates", |v| {
            v["company"]["associates"] = json!([])
        }),
        ("company.associates", |v| {
            v["company"].as_object_mut().unwrap().remove("associates");
        }),
    ];
    for (field, edit) in cases {
        let mut body = good.clone();
        edit(&mut body);
        let (s, e) = b.create(body).await;
        invalid_at(s, &e, field);
    }
    // One controller who also signs is enough, and every problem is listed at once.
    let mut alone = good.clone();
    alone["company"]["associates"] = json!([{
        "person": {"firstName": "Sean", "lastName": "Bond", "dateOfBirth": "1981-01-31"},
        "controls": {"hasControl": true, "isSigner": true}
    }]);
    let mut broken = alone.clone();
    broken["company"]["name"] = json!("");
    broken["company"]["associates"][0]["person"]["dateOfBirth"] = json!("1981-13-01");
    let (s, e) = b.create(broken).await;
    invalid_at(s, &e, "company.name");
    invalid_at(s, &e, "company.associates[0].person.dateOfBirth");
    let (s, created) = b.create(alone).await;
    assert_eq!(s, 201, "{created}");
}

#[tokio::test]
async fn an_individual_comes_back_in_the_shape_it_was_sent() {
    let b = Bvnk::new().await;
    let individual = json!({
        "firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-01-31",
        "birthCountryCode": "GB", "nationality": "GB", "emailAddress": "ann.lee@example.com",
        "address": {"addressLine1": "1 High St", "city": "London", "postalCode": "N1 9GU", "countryCode": "GB"},
        "taxIdentification": {"number": "AB123456C", "taxResidenceCountryCode": "GB"}
    });
    let reference = uuid::Uuid::new_v4().to_string();
    let body = json!({"type": "INDIVIDUAL", "reference": reference, "individual": individual});
    let created = b.created(body.clone()).await;
    assert_eq!(created["reference"], reference.as_str());
    assert_eq!(created["type"], "INDIVIDUAL");
    assert_eq!(created["status"], "INFO_REQUIRED");
    let got = &created["individual"];
    assert_eq!(got["verification"]["status"], "infoRequired");
    assert!(got["verification"]["url"].as_str().is_some());
    for (k, v) in individual.as_object().unwrap() {
        assert_eq!(&got[k], v, "{k} comes back as sent");
    }
    assert_eq!(b.get(&reference).await, created);
    let (s, e) = b.create(body).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("CUSTOMER_EXISTS")));

    let cases = [
        ("individual", json!(null)),
        (
            "individual.firstName",
            json!({"lastName": "Lee", "dateOfBirth": "1990-01-31"}),
        ),
        (
            "individual.lastName",
            json!({"firstName": "Ann", "lastName": "", "dateOfBirth": "1990-01-31"}),
        ),
        (
            "individual.dateOfBirth",
            json!({"firstName": "Ann", "lastName": "Lee"}),
        ),
        (
            "individual.dateOfBirth",
            json!({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "31/01/1990"}),
        ),
        (
            "individual.birthCountryCode",
            json!({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-01-31", "birthCountryCode": "GBR"}),
        ),
        (
            "individual.nationality",
            json!({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-01-31", "nationality": "gb"}),
        ),
        (
            "individual.emailAddress",
            json!({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-01-31", "emailAddress": "ann"}),
        ),
        (
            "individual.address.countryCode",
            json!({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-01-31", "address": {"countryCode": "UK1"}}),
        ),
        (
            "individual.taxIdentification.taxResidenceCountryCode",
            json!({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-01-31", "taxIdentification": {"number": "1", "taxResidenceCountryCode": "X"}}),
        ),
    ];
    for (field, individual) in cases {
        let (s, e) = b
            .create(json!({"type": "INDIVIDUAL", "individual": individual}))
            .await;
        invalid_at(s, &e, field);
    }
    let path = format!("{CUSTOMERS}/{reference}/associates");
    let (s, _, e) = b
        .call("PUT", &path, Some(&fixture("bvnk_associates.json")), &[])
        .await;
    invalid_at(s, &e, "type");
}

#[tokio::test]
async fn company_lifecycle_reaches_verified_after_the_compliance_delay() {
    let b = Bvnk::with_delay(2_000).await;
    let created = b.company().await;
    let r = created["reference"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&r).is_ok());
    assert_eq!(created["status"], "INFO_REQUIRED");
    assert_eq!(created["type"], "COMPANY");
    let company = &created["company"];
    assert_eq!(company["verification"]["status"], "infoRequired");
    assert_eq!(
        company["address"]["postalCode"], "92101",
        "older postCode read as postalCode"
    );
    assert!(company["address"].get("postCode").is_none());
    let people = person_refs(&created);
    assert_eq!(people.len(), 2);
    for (i, a) in company["associates"].as_array().unwrap().iter().enumerate() {
        assert!(uuid::Uuid::parse_str(&people[i]).is_ok());
        assert_eq!(a["verification"]["status"], "infoRequired");
        assert!(a["verification"]["url"]
            .as_str()
            .unwrap()
            .contains(&people[i]));
    }
    assert_eq!(
        company["associates"][0]["details"]["contactInfo"]["emailAddress"], "sean.bond@example.com",
        "older contactinfo read"
    );

    let base = format!("{CUSTOMERS}/{r}");
    let (s, _, updated) = b
        .call("PUT", &base, Some(&fixture("bvnk_update.json")), &[])
        .await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["company"]["name"], "Updated Company Name");
    assert_eq!(updated["company"]["address"]["city"], "Updated City");
    assert_eq!(updated["company"]["registrationNumber"], "21-4532998");

    // Each associate's identity, then the company's own document.
    let (sean, maria) = (people[0].as_str(), people[1].as_str());
    let steps = [
        doc("PASSPORT", None, Some(sean)),
        doc("ID_CARD", Some("FRONT_SIDE"), Some(maria)),
        doc("ID_CARD", Some("BACK_SIDE"), Some(maria)),
    ];
    for d in steps {
        let (s, accepted) = b.documents(&r, json!([d])).await;
        assert_eq!(s, 202, "{accepted}");
        assert_eq!(accepted["documents"][0]["status"], "RECEIVED");
        assert!(accepted["documents"][0].get("content").is_none());
        assert_eq!(b.get(&r).await["status"], "INFO_REQUIRED");
    }
    let incorporation = doc("COMPANY_DOC", Some("INCORPORATION_CERT"), None);
    assert_eq!(b.documents(&r, json!([incorporation])).await.0, 202);
    let pending = b.get(&r).await;
    assert_eq!(pending["status"], "PENDING", "{pending}");
    assert_eq!(pending["company"]["verification"]["status"], "pending");

    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let verified = b.get(&r).await;
    assert_eq!(verified["status"], "VERIFIED", "{verified}");
    assert_eq!(verified["company"]["verification"]["status"], "verified");
    assert_eq!(
        verified["company"]["associates"][1]["verification"]["status"],
        "verified"
    );
    assert_eq!(
        b.set_status(&r, "PENDING").await.0,
        409,
        "VERIFIED is final"
    );
    let (s, e) = b
        .documents(&r, json!([doc("PASSPORT", None, Some(sean))]))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (409, Some("INVALID_CUSTOMER_STATUS"))
    );
}

#[tokio::test]
async fn a_company_or_person_named_reject_is_rejected() {
    let b = Bvnk::new().await;
    let company_docs = |people: &[String]| {
        let mut docs: Vec<Value> = people
            .iter()
            .map(|p| doc("PASSPORT", None, Some(p)))
            .collect();
        docs.push(doc("COMPANY_DOC", None, None));
        Value::Array(docs)
    };

    let mut named = fixture("bvnk_company.json");
    named["company"]["name"] = json!("reject");
    let mut associate = fixture("bvnk_company.json");
    associate["company"]["associates"][1]["person"]["lastName"] = json!("REJECT");
    for body in [named, associate] {
        let c = b.created(body).await;
        let r = c["reference"].as_str().unwrap();
        assert_eq!(b.documents(r, company_docs(&person_refs(&c))).await.0, 202);
        let decided = b.wait_for(r, "REJECTED").await;
        assert_eq!(decided["company"]["verification"]["status"], "rejected");
    }

    let person = b.individual("Reject").await;
    let r = person["reference"].as_str().unwrap();
    let sides = json!([
        doc("DRIVER_LICENSE", Some("FRONT_SIDE"), None),
        doc("DRIVER_LICENSE", Some("BACK_SIDE"), None)
    ]);
    assert_eq!(b.documents(r, sides).await.0, 202);
    let decided = b.wait_for(r, "REJECTED").await;
    assert_eq!(decided["individual"]["verification"]["status"], "rejected");

    let person = b.individual("Lee").await;
    let r = person["reference"].as_str().unwrap();
    assert_eq!(
        b.documents(r, json!([doc("PASSPORT", None, None)])).await.0,
        202
    );
    let decided = b.wait_for(r, "VERIFIED").await;
    assert_eq!(decided["individual"]["verification"]["status"], "verified");
}

#[tokio::test]
async fn documents_are_checked_field_by_field() {
    let b = Bvnk::new().await;
    let c = b.company().await;
    let r = c["reference"].as_str().unwrap();
    let person = person_refs(&c)[0].clone();
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit)> = vec![
        ("[0].type", |d| d["type"] = json!("VISA")),
        ("[0].type", |d| {
            d.as_object_mut().unwrap().remove("type");
        }),
        ("[0].subType", |d| {
            d.as_object_mut().unwrap().remove("subType");
        }),
        ("[0].subType", |d| d["subType"] = json!("FRONT")),
        ("[0].subType", |d| {
            d["type"] = json!("COMPANY_DOC");
            d["subType"] = json!("PASSPORT_SCAN");
        }),
        ("[0].name", |d| {
            d.as_object_mut().unwrap().remove("name");
        }),
        ("[0].content", |d| {
            d["content"] = json!("not base64 at all!")
        }),
        ("[0].content", |d| d["content"] = json!("")),
        ("[0].content", |d| {
            d.as_object_mut().unwrap().remove("content");
        }),
        ("[0].countryCode", |d| d["countryCode"] = json!("USA")),
        ("[0].customerPersonReference", |d| {
            d["customerPersonReference"] = json!(uuid::Uuid::new_v4().to_string())
        }),
    ];
    let good = doc("ID_CARD", Some("FRONT_SIDE"), None);
    for (field, edit) in cases {
        let mut d = good.clone();
        edit(&mut d);
        let (s, e) = b.documents(r, json!([d])).await;
        invalid_at(s, &e, field);
    }
    let mut second = good.clone();
    second["type"] = json!("RESIDENCE_PERMIT");
    second.as_object_mut().unwrap().remove("subType");
    let (s, e) = b.documents(r, json!([good, second])).await;
    invalid_at(s, &e, "[1].subType");

    let (s, e) = b.documents(r, json!([])).await;
    assert_eq!(s, 400, "empty array");
    plain_error(&e, "BAD_REQUEST", "Bad Request");
    let (s, _) = b.documents(r, good.clone()).await;
    assert_eq!(s, 400, "not an array");

    // One-sided types need no subType; a company document may say which one it is.
    let mut fine: Vec<Value> = [
        "PASSPORT",
        "SELFIE",
        "PROOF_OF_RESIDENCE",
        "POWER_OF_ATTORNEY",
    ]
    .iter()
    .map(|k| doc(k, None, Some(&person)))
    .collect();
    for sub in [
        "INCORPORATION_CERT",
        "INCORPORATION_ARTICLES",
        "DIRECTORS_REGISTRY",
        "PROOF_OF_ADDRESS",
    ] {
        fine.push(doc("COMPANY_DOC", Some(sub), None));
    }
    fine.push(doc("DRIVER_LICENSE", Some("BACK_SIDE"), Some(&person)));
    let (s, accepted) = b.documents(r, Value::Array(fine)).await;
    assert_eq!(s, 202, "{accepted}");
    assert_eq!(accepted["documents"].as_array().unwrap().len(), 9);
    assert_eq!(
        b.get(r).await["status"],
        "INFO_REQUIRED",
        "the second associate has sent nothing yet"
    );
}

#[tokio::test]
async fn documents_are_refused_outside_info_required() {
    let b = Bvnk::with_delay(60_000).await;
    let person = b.individual("Lee").await;
    let r = person["reference"].as_str().unwrap();
    let front = json!([doc("ID_CARD", Some("FRONT_SIDE"), None)]);
    assert_eq!(b.documents(r, front.clone()).await.0, 202);
    assert_eq!(b.get(r).await["status"], "INFO_REQUIRED", "one side only");
    let back = json!([doc("ID_CARD", Some("BACK_SIDE"), None)]);
    assert_eq!(b.documents(r, back).await.0, 202);
    assert_eq!(b.get(r).await["status"], "PENDING");

    let (s, e) = b.documents(r, front.clone()).await;
    assert_eq!(s, 409);
    plain_error(&e, "INVALID_CUSTOMER_STATUS", "Conflict");
    let (s, e) = b.documents(r, json!([doc("ID_CARD", None, None)])).await;
    invalid_at(s, &e, "[0].subType");
    assert_eq!(b.set_status(r, "VERIFIED").await.0, 200);
    let (s, e) = b.documents(r, front).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (409, Some("INVALID_CUSTOMER_STATUS"))
    );
}

#[tokio::test]
async fn a_34_mb_document_body_is_accepted_on_the_documents_route_only() {
    let b = Bvnk::with_delay(60_000).await;
    let person = b.individual("Lee").await;
    let r = person["reference"].as_str().unwrap();
    // A 25 MiB scan: about 35 MB once in base64, over the 32 MiB other routes allow.
    let scan = vec![0x5au8; 25 * 1024 * 1024];
    let mut entry = doc("PASSPORT", None, None);
    entry["content"] = json!(b64(&scan));
    drop(scan);
    let body = json!([entry]).to_string();
    drop(entry);
    assert!(body.len() > 34_000_000, "{}", body.len());
    let path = format!("{CUSTOMERS}/{r}/documents");
    let key = uuid::Uuid::new_v4().to_string();
    let (s, _, accepted) = b
        .call_raw("POST", &path, body.clone(), &[("X-Idempotency-Key", &key)])
        .await;
    assert_eq!(s, 202, "{accepted}");
    assert_eq!(b.get(r).await["status"], "PENDING");
    // Without a key the route's own limit applies too: the body is read, then refused
    // for the customer's status, not its size.
    let (s, _, e) = b.call_raw("POST", &path, body.clone(), &[]).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (409, Some("INVALID_CUSTOMER_STATUS"))
    );

    let (s, _, e) = b
        .call_raw("PUT", &format!("{CUSTOMERS}/{r}"), body, &[])
        .await;
    assert_eq!(s, 413, "{e}");
    plain_error(&e, "PAYLOAD_TOO_LARGE", "Payload Too Large");
}

#[tokio::test]
async fn status_moves_by_hand_follow_the_documented_transitions() {
    let b = Bvnk::with_delay(60_000).await;
    let r = b.individual("Lee").await["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, e) = b.set_status(&r, "VERIFIED").await;
    assert_eq!(s, 409, "{e}");
    plain_error(&e, "INVALID_STATUS_TRANSITION", "Conflict");
    let (s, e) = b.set_status(&r, "APPROVED").await;
    invalid_at(s, &e, "status");
    let (s, body) = b.set_status(&r, "PENDING").await;
    assert_eq!((s, body["status"].as_str()), (200, Some("PENDING")));
    assert_eq!(body["individual"]["verification"]["status"], "pending");
    assert_eq!(b.set_status(&r, "INFO_REQUIRED").await.0, 200);
    assert_eq!(b.set_status(&r, "PENDING").await.0, 200);
    let (s, body) = b.set_status(&r, "REJECTED").await;
    assert_eq!((s, body["status"].as_str()), (200, Some("REJECTED")));
    assert_eq!(body["individual"]["verification"]["status"], "rejected");
    assert_eq!(b.set_status(&r, "REJECTED").await.0, 200, "same again");
    assert_eq!(
        b.set_status(&r, "PENDING").await.0,
        409,
        "REJECTED is final"
    );
}

#[tokio::test]
async fn associates_are_replaced_under_the_same_rules() {
    let b = Bvnk::new().await;
    let r = b.company().await["reference"].as_str().unwrap().to_string();
    let path = format!("{CUSTOMERS}/{r}/associates");
    let (s, _, with) = b
        .call("PUT", &path, Some(&fixture("bvnk_associates.json")), &[])
        .await;
    assert_eq!(s, 200, "{with}");
    let a = &with["company"]["associates"][0];
    assert!(uuid::Uuid::parse_str(a["person"]["reference"].as_str().unwrap()).is_ok());
    assert_eq!(
        a["details"]["contactInfo"]["emailAddress"],
        "sean.bond@example.com"
    );
    assert_eq!(a["verification"]["status"], "infoRequired");
    assert_eq!(with["company"]["associates"].as_array().unwrap().len(), 1);

    let mut no_signer = fixture("bvnk_associates.json");
    no_signer["associates"][0]["controls"]["isSigner"] = json!(false);
    let (s, _, e) = b.call("PUT", &path, Some(&no_signer), &[]).await;
    invalid_at(s, &e, "associates");
    let mut bad = fixture("bvnk_associates.json");
    bad["associates"][0]["person"]["dateOfBirth"] = json!("2001-02-30");
    let (s, _, e) = b.call("PUT", &path, Some(&bad), &[]).await;
    invalid_at(s, &e, "associates[0].person.dateOfBirth");
}

#[tokio::test]
async fn idempotency_key_replays_creation() {
    let b = Bvnk::new().await;
    let key = uuid::Uuid::new_v4().to_string();
    let mut body = fixture("bvnk_company.json");
    body["signedAgreementSessionReference"] = json!(b.signed_session("COMPANY").await);
    let with_key = [("X-Idempotency-Key", key.as_str())];
    let (s1, h1, b1) = b.call("POST", CUSTOMERS, Some(&body), &with_key).await;
    let (s2, h2, b2) = b.call("POST", CUSTOMERS, Some(&body), &with_key).await;
    assert_eq!((s1, s2), (201, 201), "{b1} {b2}");
    assert_eq!(b1["reference"], b2["reference"]);
    assert_eq!(
        h2.get("original-request-id").unwrap(),
        h1.get("x-request-id").unwrap()
    );
    assert_eq!(stats(&b.sb).await["customers"]["bvnk"], 1);

    // Another key is a new request: the session has served its customer already.
    let other = uuid::Uuid::new_v4().to_string();
    let (s, _, e) = b
        .call(
            "POST",
            CUSTOMERS,
            Some(&body),
            &[("X-Idempotency-Key", &other)],
        )
        .await;
    invalid_at(s, &e, "signedAgreementSessionReference");
    body["signedAgreementSessionReference"] = json!(b.signed_session("COMPANY").await);
    let third = uuid::Uuid::new_v4().to_string();
    let (s, _, b3) = b
        .call(
            "POST",
            CUSTOMERS,
            Some(&body),
            &[("X-Idempotency-Key", &third)],
        )
        .await;
    assert_eq!(s, 201, "{b3}");
    assert_ne!(b3["reference"], b1["reference"]);
    assert_eq!(
        stats(&b.sb).await["duplicates"],
        1,
        "same registration number twice"
    );
}

#[tokio::test]
async fn an_idempotency_key_reused_with_another_body_is_refused() {
    let b = Bvnk::new().await;
    let key = uuid::Uuid::new_v4().to_string();
    let with_key = [("X-Idempotency-Key", key.as_str())];
    let first = json!({"customerType": "COMPANY", "countryCode": "US", "useCase": "FIAT"});
    let other = json!({"customerType": "COMPANY", "countryCode": "GB", "useCase": "FIAT"});
    let (s, _, created) = b.call("POST", SESSIONS, Some(&first), &with_key).await;
    assert_eq!(s, 201, "{created}");
    let (s, _, e) = b.call("POST", SESSIONS, Some(&other), &with_key).await;
    assert_eq!(s, 400, "{e}");
    plain_error(&e, "IDEMPOTENCY_KEY_REUSED", "Bad Request");
    assert_eq!(
        e["message"],
        "A request with this idempotency key and a different body already exists"
    );
    let (s, h, again) = b.call("POST", SESSIONS, Some(&first), &with_key).await;
    assert_eq!((s, &again), (201, &created), "the first body still replays");
    assert!(h.contains_key("original-request-id"));

    // The key belongs to one endpoint: elsewhere it starts a request of its own.
    let path = format!("{SESSIONS}/{}", created["reference"].as_str().unwrap());
    let (s, _, e) = b
        .call("PUT", &path, Some(&json!({"status": "SIGNED"})), &with_key)
        .await;
    assert_eq!(s, 204, "{e}");
    let (s, _, e) = b
        .call(
            "PUT",
            &path,
            Some(&json!({"status": "DECLINED"})),
            &with_key,
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (400, Some("IDEMPOTENCY_KEY_REUSED"))
    );
}

#[tokio::test]
async fn sessions_and_pending_customers_survive_a_restart() {
    let db = std::env::temp_dir().join(format!("sandbox-bvnk-{}.sqlite", uuid::Uuid::new_v4()));
    let config = || SandboxConfig {
        db: Some(db.clone()),
        compliance_delay: Duration::from_millis(1_500),
        ..SandboxConfig::default()
    };
    let b = Bvnk::with(config()).await;
    let session = b.signed_session("INDIVIDUAL").await;
    let mut body = individual_body("Lee");
    body["signedAgreementSessionReference"] = json!(session);
    let r = b.created(body.clone()).await["reference"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        b.documents(&r, json!([doc("PASSPORT", None, None)]))
            .await
            .0,
        202
    );
    b.sb.shutdown().await;

    let b = Bvnk::with(config()).await;
    let (s, _, got) = b
        .call("GET", &format!("{SESSIONS}/{session}"), None, &[])
        .await;
    assert_eq!((s, got["status"].as_str()), (200, Some("SIGNED")));
    let (s, e) = b.create(body).await;
    let messages = invalid_at(s, &e, "signedAgreementSessionReference");
    assert!(messages[0].ends_with("is already assigned to the customer"));
    b.wait_for(&r, "VERIFIED").await;
    b.sb.shutdown().await;
    std::fs::remove_file(&db).unwrap();
}
