//! BVNK: Hawk authentication (MAC computed here independently) and the customer lifecycle.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]
mod common;

use base64::Engine;
use branchdesk_sandbox::Sandbox;
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

struct Bvnk {
    sb: Sandbox,
    port: u16,
}

impl Bvnk {
    async fn new() -> Bvnk {
        let sb = start().await;
        let port = url::Url::parse(&sb.url()).unwrap().port().unwrap();
        Bvnk { sb, port }
    }

    fn auth(&self, method: &str, resource: &str) -> String {
        let c = &self.sb.credentials().bvnk;
        hawk(
            &c.hawk_id,
            &c.hawk_key,
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
    ) -> (u16, reqwest::header::HeaderMap, Value) {
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
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = client()
            .request(m, format!("{}{resource}", self.sb.url()))
            .header("authorization", auth);
        if let Some(b) = body {
            req = req.json(b);
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

    async fn company(&self) -> String {
        let (s, _, b) = self
            .call(
                "POST",
                "/platform/v1/customers",
                Some(&fixture("bvnk_company.json")),
                &[],
            )
            .await;
        assert_eq!(s, 201, "{b}");
        b["reference"].as_str().unwrap().to_string()
    }

    async fn set_status(&self, reference: &str, status: &str) -> (u16, Value) {
        let path = format!("/platform/v1/customers/{reference}/status");
        let (s, _, b) = self
            .call("PUT", &path, Some(&json!({ "status": status })), &[])
            .await;
        (s, b)
    }
}

#[tokio::test]
async fn hawk_accepts_a_correct_mac_and_refuses_every_violation() {
    let b = Bvnk::new().await;
    let c = b.sb.credentials().bvnk.clone();
    let path = "/platform/v1/customers";
    let body = fixture("bvnk_company.json");
    let (s, _, created) = b.call("POST", path, Some(&body), &[]).await;
    assert_eq!(s, 201, "{created}");
    let reference = created["reference"].as_str().unwrap().to_string();
    let get_path = format!("{path}/{reference}");
    let sign = |key: &str, id: &str, method: &str, resource: &str, ts: i64, n: &str| {
        hawk(id, key, method, resource, "127.0.0.1", b.port, ts, n)
    };

    let cases = [
        (
            "wrong key",
            sign("other-key", &c.hawk_id, "GET", &get_path, now(), &nonce()),
        ),
        (
            "unknown id",
            sign(
                &c.hawk_key,
                "someone-else",
                "GET",
                &get_path,
                now(),
                &nonce(),
            ),
        ),
        (
            "signed for another method",
            sign(&c.hawk_key, &c.hawk_id, "POST", &get_path, now(), &nonce()),
        ),
        (
            "signed for another path",
            sign(&c.hawk_key, &c.hawk_id, "GET", path, now(), &nonce()),
        ),
        (
            "61 s in the past",
            sign(
                &c.hawk_key,
                &c.hawk_id,
                "GET",
                &get_path,
                now() - 61,
                &nonce(),
            ),
        ),
        (
            "61 s in the future",
            sign(
                &c.hawk_key,
                &c.hawk_id,
                "GET",
                &get_path,
                now() + 61,
                &nonce(),
            ),
        ),
        ("not Hawk", format!("Bearer {}", c.hawk_key)),
        (
            "no mac",
            format!("Hawk id=\"{}\", ts=\"{}\", nonce=\"abc\"", c.hawk_id, now()),
        ),
    ];
    for (what, auth) in cases {
        let (s, h, e) = b.call_with("GET", &get_path, None, &auth, &[]).await;
        assert_eq!(s, 401, "{what}: {e}");
        assert!(
            h.get("www-authenticate")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("Hawk"),
            "{what}"
        );
    }
    let stale = sign(
        &c.hawk_key,
        &c.hawk_id,
        "GET",
        &get_path,
        now() - 61,
        &nonce(),
    );
    let (_, h, _) = b.call_with("GET", &get_path, None, &stale, &[]).await;
    assert!(h
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Stale timestamp"));
    let (s, _, _) = client()
        .get(format!("{}{get_path}", b.sb.url()))
        .send()
        .await
        .map(|r| (r.status().as_u16(), (), ()))
        .unwrap();
    assert_eq!(s, 401, "no header at all");

    // Inside the skew window, and a nonce works exactly once.
    let n = nonce();
    let within = sign(&c.hawk_key, &c.hawk_id, "GET", &get_path, now() - 50, &n);
    let (s, _, got) = b.call_with("GET", &get_path, None, &within, &[]).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["reference"], reference.as_str());
    let (s, _, e) = b.call_with("GET", &get_path, None, &within, &[]).await;
    assert_eq!(s, 401, "nonce replay: {e}");

    // The query string is part of the signed resource.
    let with_query = format!("{get_path}?expand=associates");
    let (s, _, _) = b.call("GET", &with_query, None, &[]).await;
    assert_eq!(s, 200);
    let without = sign(&c.hawk_key, &c.hawk_id, "GET", &get_path, now(), &nonce());
    let (s, _, _) = b.call_with("GET", &with_query, None, &without, &[]).await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn hawk_uses_port_443_when_the_host_header_has_none() {
    let b = Bvnk::new().await;
    let c = b.sb.credentials().bvnk.clone();
    let path = "/platform/v1/customers";
    let host = "api.sandbox.bvnk.com";
    let good = hawk(
        &c.hawk_id,
        &c.hawk_key,
        "POST",
        path,
        host,
        443,
        now(),
        &nonce(),
    );
    let (s, _, body) = b
        .call_with(
            "POST",
            path,
            Some(&fixture("bvnk_company.json")),
            &good,
            &[("host", host)],
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let wrong_port = hawk(
        &c.hawk_id,
        &c.hawk_key,
        "POST",
        path,
        host,
        80,
        now(),
        &nonce(),
    );
    let (s, _, _) = b
        .call_with(
            "POST",
            path,
            Some(&fixture("bvnk_company.json")),
            &wrong_port,
            &[("host", host)],
        )
        .await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn company_lifecycle_follows_the_documented_statuses() {
    let b = Bvnk::new().await;
    let (s, _, created) = b
        .call(
            "POST",
            "/platform/v1/customers",
            Some(&fixture("bvnk_company.json")),
            &[],
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let r = created["reference"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&r).is_ok());
    assert_eq!(created["status"], "PENDING_AGREEMENTS");
    assert_eq!(created["type"], "COMPANY");
    assert_eq!(
        created["company"]["address"]["postalCode"], "92101",
        "older postCode read as postalCode"
    );
    assert!(created["company"]["address"].get("postCode").is_none());

    let base = format!("/platform/v1/customers/{r}");
    let (s, _, updated) = b
        .call("PUT", &base, Some(&fixture("bvnk_update.json")), &[])
        .await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["company"]["name"], "Updated Company Name");
    assert_eq!(updated["company"]["description"], "Updated description");
    assert_eq!(updated["company"]["address"]["city"], "Updated City");
    assert_eq!(
        updated["company"]["registrationNumber"], "21-4532998",
        "untouched fields stay"
    );
    assert_eq!(updated["reference"], r.as_str());

    let (s, _, with) = b
        .call(
            "PUT",
            &format!("{base}/associates"),
            Some(&fixture("bvnk_associates.json")),
            &[],
        )
        .await;
    assert_eq!(s, 200, "{with}");
    let a = &with["company"]["associates"][0];
    let person = a["person"]["reference"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&person).is_ok());
    assert_eq!(
        a["details"]["contactInfo"]["emailAddress"], "sean.bond@example.com",
        "older contactinfo read"
    );
    assert_eq!(a["verification"]["status"], "infoRequired");
    assert_eq!(a["controls"]["hasOwnership"], true);

    assert_eq!(b.set_status(&r, "PENDING").await.0, 409, "agreements first");
    let (s, e) = b.set_status(&r, "APPROVED").await;
    assert_eq!(s, 400, "{e}");
    let (s, body) = b.set_status(&r, "INFO_REQUIRED").await;
    assert_eq!(s, 200);
    assert_eq!(body["status"], "INFO_REQUIRED");

    let doc = |sub: &str| {
        json!({
            "customerPersonReference": person, "type": "PASSPORT", "subType": sub, "name": "passport.jpg",
            "description": "Passport photo page", "countryCode": "US", "externalReference": "doc-1",
            "content": base64::engine::general_purpose::STANDARD.encode(b"\xff\xd8\xff\xe0 jpeg bytes"),
        })
    };
    let docs_path = format!("{base}/documents");
    let (s, _, accepted) = b
        .call(
            "POST",
            &docs_path,
            Some(&json!([doc("FRONT_SIDE"), doc("BACK_SIDE")])),
            &[],
        )
        .await;
    assert_eq!(s, 202, "{accepted}");

    assert_eq!(b.set_status(&r, "PENDING").await.0, 200);
    let (s, _, e) = b
        .call("POST", &docs_path, Some(&json!([doc("FRONT_SIDE")])), &[])
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (409, Some("INVALID_CUSTOMER_STATUS")),
        "only while INFO_REQUIRED"
    );
    let (s, body) = b.set_status(&r, "VERIFIED").await;
    assert_eq!((s, body["status"].as_str()), (200, Some("VERIFIED")));
    assert_eq!(
        b.set_status(&r, "PENDING").await.0,
        409,
        "VERIFIED is final"
    );
    assert_eq!(b.set_status(&r, "REJECTED").await.0, 409);
    let (s, _, got) = b.call("GET", &base, None, &[]).await;
    assert_eq!((s, got["status"].as_str()), (200, Some("VERIFIED")));
}

#[tokio::test]
async fn document_and_create_validation() {
    let b = Bvnk::new().await;
    let r = b.company().await;
    let docs_path = format!("/platform/v1/customers/{r}/documents");
    let good = json!({"type": "PASSPORT", "subType": "FRONT_SIDE", "name": "p.jpg", "countryCode": "US", "content": "aGVsbG8="});
    let (s, _, e) = b.call("POST", &docs_path, Some(&json!([good])), &[]).await;
    assert_eq!(s, 409, "PENDING_AGREEMENTS takes no documents: {e}");
    assert_eq!(b.set_status(&r, "INFO_REQUIRED").await.0, 200);
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit)> = vec![
        ("subType", |d| d["subType"] = json!("FRONT")),
        ("no subType", |d| {
            d.as_object_mut().unwrap().remove("subType");
        }),
        ("no type", |d| {
            d.as_object_mut().unwrap().remove("type");
        }),
        ("no name", |d| {
            d.as_object_mut().unwrap().remove("name");
        }),
        ("content not base64", |d| {
            d["content"] = json!("not base64 at all!")
        }),
        ("no content", |d| {
            d.as_object_mut().unwrap().remove("content");
        }),
        ("countryCode", |d| d["countryCode"] = json!("USA")),
        ("unknown person", |d| {
            d["customerPersonReference"] = json!(uuid::Uuid::new_v4().to_string())
        }),
    ];
    for (what, edit) in cases {
        let mut d = good.clone();
        edit(&mut d);
        let (s, _, e) = b.call("POST", &docs_path, Some(&json!([d])), &[]).await;
        assert_eq!(s, 400, "{what}: {e}");
    }
    let (s, _, _) = b.call("POST", &docs_path, Some(&json!([])), &[]).await;
    assert_eq!(s, 400, "empty array");
    let (s, _, _) = b.call("POST", &docs_path, Some(&good), &[]).await;
    assert_eq!(s, 400, "not an array");
    let (s, _, _) = b.call("POST", &docs_path, Some(&json!([good])), &[]).await;
    assert_eq!(s, 202);

    let path = "/platform/v1/customers";
    let bad: Vec<Value> = vec![
        json!({"company": {"name": "X"}}),
        json!({"type": "TRUST", "company": {"name": "X"}}),
        json!({"type": "COMPANY", "company": {}}),
        json!({"type": "COMPANY", "reference": "abc", "company": {"name": "X"}}),
        json!({"type": "INDIVIDUAL", "individual": {"firstName": "Ann"}}),
        json!({"type": "INDIVIDUAL", "individual": {"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "31/01/2001"}}),
        json!({"type": "COMPANY", "company": {"name": "X", "address": {"countryCode": "USA"}}}),
    ];
    for body in bad {
        let (s, _, e) = b.call("POST", path, Some(&body), &[]).await;
        assert_eq!(s, 400, "{body}: {e}");
    }
    let reference = uuid::Uuid::new_v4().to_string();
    let ind = json!({"type": "INDIVIDUAL", "reference": reference, "individual": {"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "2001-01-31"}});
    let (s, _, created) = b.call("POST", path, Some(&ind), &[]).await;
    assert_eq!(s, 201, "{created}");
    assert_eq!(created["reference"], reference.as_str());
    assert_eq!(created["individual"]["firstName"], "Ann");
    let (s, _, e) = b.call("POST", path, Some(&ind), &[]).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("CUSTOMER_EXISTS")));
    let (s, _, _) = b
        .call(
            "PUT",
            &format!("{path}/{reference}/associates"),
            Some(&fixture("bvnk_associates.json")),
            &[],
        )
        .await;
    assert_eq!(s, 400, "an INDIVIDUAL has no associates");
    let (s, _, _) = b
        .call(
            "GET",
            &format!("{path}/{}", uuid::Uuid::new_v4()),
            None,
            &[],
        )
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn idempotency_key_replays_creation() {
    let b = Bvnk::new().await;
    let key = uuid::Uuid::new_v4().to_string();
    let body = fixture("bvnk_company.json");
    let path = "/platform/v1/customers";
    let (s1, h1, b1) = b
        .call("POST", path, Some(&body), &[("X-Idempotency-Key", &key)])
        .await;
    let (s2, h2, b2) = b
        .call("POST", path, Some(&body), &[("X-Idempotency-Key", &key)])
        .await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(b1["reference"], b2["reference"]);
    assert_eq!(
        h2.get("original-request-id").unwrap(),
        h1.get("x-request-id").unwrap()
    );
    let st = stats(&b.sb).await;
    assert_eq!(st["customers"]["bvnk"], 1);
    let (s3, _, b3) = b
        .call(
            "POST",
            path,
            Some(&body),
            &[("X-Idempotency-Key", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(s3, 201);
    assert_ne!(b3["reference"], b1["reference"]);
    assert_eq!(
        stats(&b.sb).await["duplicates"],
        1,
        "same registration number twice"
    );
}
