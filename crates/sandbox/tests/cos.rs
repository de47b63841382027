//! Cross River COS: token, onboarding, compliance scans, idempotency, events.
//!
//! Why one file (about 630 lines): each integration test file is a binary of its own,
//! linked against the whole sandbox; one per provider keeps the build short. Sub-records
//! (addresses, phones, owners) have their own file, `cos_resources.rs`.

mod common;

use std::time::Duration;

use branchdesk_sandbox::{Sandbox, SandboxConfig};
use common::*;
use serde_json::{json, Value};

fn customers_url(sb: &Sandbox) -> String {
    format!("{}/core/v1/cm/customers", sb.url())
}

async fn create(sb: &Sandbox, token: &str, body: &Value) -> (u16, Value) {
    let (s, _, b) = post_json(&customers_url(sb), token, body, &[]).await;
    (s, b)
}

#[tokio::test]
async fn token_answers_bearer_with_expiry() {
    let sb = start().await;
    let c = sb.credentials().cos.clone();
    let (status, body) = send(client().post(format!("{}/connect/token", sb.url())).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", &c.client_id),
        ("client_secret", &c.client_secret),
        ("audience", "https://api.crbcos.com/"),
    ]))
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert!(body["access_token"].as_str().unwrap().len() >= 32);
}

#[tokio::test]
async fn token_refuses_bad_credentials_grant_and_audience() {
    let sb = start().await;
    let c = sb.credentials().cos.clone();
    let url = format!("{}/connect/token", sb.url());
    let cases = [
        (
            "client_credentials",
            c.client_secret.as_str(),
            "https://api.crbcos.com/",
            400,
            "invalid_request",
        ),
        (
            "client_credentials",
            "wrong",
            "https://api.crbcos.com/",
            401,
            "invalid_client",
        ),
        (
            "password",
            c.client_secret.as_str(),
            "https://api.crbcos.com/",
            400,
            "unsupported_grant_type",
        ),
        (
            "client_credentials",
            c.client_secret.as_str(),
            "https://elsewhere/",
            400,
            "invalid_request",
        ),
    ];
    for (i, (grant, secret, audience, want, error)) in cases.into_iter().enumerate() {
        let mut form = vec![
            ("grant_type", grant),
            ("client_id", c.client_id.as_str()),
            ("client_secret", secret),
        ];
        if i > 0 {
            form.push(("audience", audience));
        }
        let (status, body) = send(client().post(&url).form(&form)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (want, Some(error)),
            "case {i}"
        );
    }
}

#[tokio::test]
async fn customer_calls_need_a_valid_unexpired_token() {
    let sb = Sandbox::start(SandboxConfig {
        token_ttl: Duration::from_secs(1),
        ..quick_config()
    })
    .await
    .unwrap();
    let body = fixture("cos_personal.json");
    let (status, err) = send(client().post(customers_url(&sb)).json(&body)).await;
    assert_eq!(status, 401);
    assert_eq!(cos_codes(&err), vec![3000]);
    assert_eq!(create(&sb, "not-a-token", &body).await.0, 401);
    let token = cos_token(&sb).await;
    assert_eq!(create(&sb, &token, &body).await.0, 201);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (status, err) = create(&sb, &token, &body).await;
    assert_eq!(status, 401);
    assert_eq!(cos_codes(&err), vec![3000]);
}

#[tokio::test]
async fn seed_personal_sample_is_onboarded_in_the_documented_shape() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let sample = fixture("cos_personal.json");
    // The reference sample posts to the capitalised /Core/ path.
    let url = format!("{}/Core/v1/cm/customers", sb.url());
    let (status, _, body) = post_json(&url, &token, &sample, &[]).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    let cif = body["cifNumber"].as_str().unwrap();
    assert!(
        cif.len() >= 11 && cif.bytes().all(|b| b.is_ascii_digit()),
        "{cif}"
    );
    assert_eq!(body["classification"], "Personal");
    assert_eq!(body["status"], "Active");
    for k in ["ofac", "pepScan", "internalList"] {
        assert_eq!(body[k], "Pending", "{k}");
    }
    assert_eq!(body["name"]["firstName"], "John");
    assert_eq!(body["name"]["fullName"], "John Robert Smith");
    assert_eq!(body["profile"]["taxId"], "123456789");
    assert_eq!(body["profile"]["birthDate"], "1965-09-15");
    assert_eq!(body["partnerId"], sb.credentials().cos.partner_id);
    for k in ["createdAt", "lastModifiedAt"] {
        let t = body[k].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{k}={t}");
    }
    let (status, got) = get_json(&format!("{}/{id}", customers_url(&sb)), &token).await;
    assert_eq!(status, 200);
    assert_eq!(got["id"], id);
    assert_eq!(got["cifNumber"], cif);
}

#[tokio::test]
async fn compliance_settles_to_clear_after_the_delay() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let (_, body) = create(&sb, &token, &fixture("cos_personal.json")).await;
    let url = format!("{}/{}", customers_url(&sb), body["id"].as_str().unwrap());
    let (_, now) = get_json(&url, &token).await;
    assert_eq!(now["ofac"], "Pending");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (_, later) = get_json(&url, &token).await;
    assert_eq!(later["ofac"], "Clear");
    assert_eq!(later["pepScan"], "Clear");
    assert_eq!(later["internalList"], "Clear");
}

#[tokio::test]
async fn documented_test_names_hit_pep_and_ofac() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let person = |first: &str, middle: Option<&str>, last: &str, born: &str, tax: &str| {
        let mut b = fixture("cos_personal.json");
        b["name"] = json!({ "firstName": first, "lastName": last });
        if let Some(m) = middle {
            b["name"]["middleName"] = json!(m);
        }
        b["profile"]["birthDate"] = json!(born);
        b["profile"]["taxId"] = json!(tax);
        b
    };
    let putin = person("Vladimir", None, "Putin", "1952-10-07", "111111111");
    let felix = person(
        "Francisco",
        Some("Javier"),
        "Arellano Félix",
        "1969-12-11",
        "222222222",
    );
    let other_felix = person(
        "Francisco",
        Some("Javier"),
        "Arellano Félix",
        "1970-01-01",
        "333333333",
    );
    let mut ids = Vec::new();
    for b in [&putin, &felix, &other_felix] {
        let (s, body) = create(&sb, &token, b).await;
        assert_eq!(s, 201, "{body}");
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    tokio::time::sleep(Duration::from_millis(450)).await;
    let get = |id: String| {
        let url = format!("{}/{id}", customers_url(&sb));
        let token = token.clone();
        async move { get_json(&url, &token).await.1 }
    };
    let p = get(ids[0].clone()).await;
    assert_eq!(
        (p["pepScan"].as_str(), p["ofac"].as_str()),
        (Some("Positive"), Some("Clear"))
    );
    let f = get(ids[1].clone()).await;
    assert_eq!(
        (f["pepScan"].as_str(), f["ofac"].as_str()),
        (Some("Clear"), Some("Positive"))
    );
    let o = get(ids[2].clone()).await;
    assert_eq!(
        o["ofac"], "Clear",
        "a different birth date is not the listed person"
    );
}

#[tokio::test]
async fn every_documented_field_rule_is_enforced() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, u64, Option<&str>)> = vec![
        (
            "missing partnerId",
            |b| {
                b.as_object_mut().unwrap().remove("partnerId");
            },
            1000,
            None,
        ),
        (
            "partnerId not a GUID",
            |b| b["partnerId"] = json!("partner-1"),
            1001,
            None,
        ),
        (
            "missing classification",
            |b| {
                b.as_object_mut().unwrap().remove("classification");
            },
            1000,
            None,
        ),
        (
            "unknown classification",
            |b| b["classification"] = json!("Trust"),
            1002,
            None,
        ),
        (
            "missing name",
            |b| {
                b.as_object_mut().unwrap().remove("name");
            },
            1000,
            None,
        ),
        (
            "missing first name",
            |b| {
                b["name"].as_object_mut().unwrap().remove("firstName");
            },
            1000,
            Some("First name required"),
        ),
        (
            "blank last name",
            |b| b["name"]["lastName"] = json!(" "),
            1000,
            Some("Last name required"),
        ),
        (
            "missing profile",
            |b| {
                b.as_object_mut().unwrap().remove("profile");
            },
            1000,
            None,
        ),
        (
            "missing regO",
            |b| {
                b["profile"].as_object_mut().unwrap().remove("regO");
            },
            1000,
            None,
        ),
        (
            "regO not boolean",
            |b| b["profile"]["regO"] = json!("no"),
            1004,
            None,
        ),
        (
            "missing PEP flag",
            |b| {
                b["profile"]
                    .as_object_mut()
                    .unwrap()
                    .remove("politicallyExposedPerson");
            },
            1000,
            None,
        ),
        (
            "missing riskRating",
            |b| {
                b["profile"].as_object_mut().unwrap().remove("riskRating");
            },
            1000,
            None,
        ),
        (
            "unknown riskRating",
            |b| b["profile"]["riskRating"] = json!("Extreme"),
            1002,
            None,
        ),
        (
            "missing taxIdType",
            |b| {
                b["profile"].as_object_mut().unwrap().remove("taxIdType");
            },
            1000,
            None,
        ),
        (
            "unknown taxIdType",
            |b| b["profile"]["taxIdType"] = json!("SSN"),
            1002,
            None,
        ),
        (
            "missing taxId",
            |b| {
                b["profile"].as_object_mut().unwrap().remove("taxId");
            },
            1000,
            None,
        ),
        (
            "SSN of 8 digits",
            |b| b["profile"]["taxId"] = json!("12345678"),
            1001,
            None,
        ),
        (
            "SSN with dashes",
            |b| b["profile"]["taxId"] = json!("123-45-6789"),
            1001,
            None,
        ),
        (
            "birthDate not YYYY-MM-DD",
            |b| b["profile"]["birthDate"] = json!("09/15/1965"),
            1001,
            None,
        ),
        (
            "birthDate impossible",
            |b| b["profile"]["birthDate"] = json!("1965-02-30"),
            1001,
            None,
        ),
        (
            "citizenship not 2 letters",
            |b| b["profile"]["citizenshipCountryCode"] = json!("USA"),
            1001,
            None,
        ),
        (
            "backup withholding over 100",
            |b| b["profile"]["backupWithholdingPercent"] = json!(150),
            1001,
            None,
        ),
        (
            "clientIdentifier over 50",
            |b| b["clientIdentifier"] = json!("x".repeat(51)),
            1003,
            None,
        ),
        (
            "primaryEmail invalid",
            |b| b["primaryEmail"] = json!("not-an-email"),
            1001,
            None,
        ),
        (
            "primaryPhone of 11 digits",
            |b| b["primaryPhone"] = json!({"phoneType":"Mobile","phoneNumber":"12015552345"}),
            1001,
            None,
        ),
    ];
    for (what, edit, code, message) in cases {
        let mut body = fixture("cos_personal.json");
        edit(&mut body);
        let (status, err) = create(&sb, &token, &body).await;
        assert_eq!(status, 400, "{what}: {err}");
        assert!(cos_codes(&err).contains(&code), "{what}: {err}");
        if let Some(m) = message {
            assert!(
                err["Errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["Message"] == m),
                "{what}: {err}"
            );
        }
    }
    let (status, err) = send(
        client()
            .post(customers_url(&sb))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!((status, cos_codes(&err)), (400, vec![1005]));
    assert_eq!(
        stats(&sb).await["customers"]["cos"],
        Value::Null,
        "nothing was created"
    );
}

#[tokio::test]
async fn all_problems_are_reported_together() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let mut body = fixture("cos_personal.json");
    body["name"] = json!({});
    let (status, err) = create(&sb, &token, &body).await;
    assert_eq!(status, 400);
    let messages: Vec<_> = err["Errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Message"].clone())
        .collect();
    assert!(messages.contains(&json!("First name required")));
    assert!(messages.contains(&json!("Last name required")));
}

#[tokio::test]
async fn another_partners_id_is_refused() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let mut body = fixture("cos_personal.json");
    body["partnerId"] = json!("ad475a30-5c89-406d-9a3e-103aa38c3ba0");
    let (status, err) = create(&sb, &token, &body).await;
    assert_eq!((status, cos_codes(&err)), (403, vec![3001]));
}

#[tokio::test]
async fn unknown_or_malformed_customer_id() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let (s, e) = get_json(
        &format!("{}/{}", customers_url(&sb), uuid::Uuid::new_v4()),
        &token,
    )
    .await;
    assert_eq!((s, cos_codes(&e)), (404, vec![2000]));
    let (s, e) = get_json(&format!("{}/12345", customers_url(&sb)), &token).await;
    assert_eq!((s, cos_codes(&e)), (400, vec![1001]));
}

#[tokio::test]
async fn idempotent_retry_replays_the_stored_answer() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let body = fixture("cos_personal.json");
    let key = uuid::Uuid::new_v4().to_string();
    let url = customers_url(&sb);
    let (s1, h1, b1) = post_json(&url, &token, &body, &[("idempotency-Key", &key)]).await;
    assert_eq!(s1, 201);
    assert!(h1.get("original-request-id").is_none());
    let (s2, h2, b2) = post_json(&url, &token, &body, &[("idempotency-Key", &key)]).await;
    assert_eq!(s2, 201);
    assert_eq!(b1, b2);
    assert_eq!(
        h2.get("original-request-id").unwrap(),
        h1.get("x-request-id").unwrap()
    );
    assert_eq!(stats(&sb).await["customers"]["cos"], 1);

    // Same key, different body: a new request, not a replay.
    let mut other = body.clone();
    other["profile"]["taxId"] = json!("987654321");
    let (s3, h3, b3) = post_json(&url, &token, &other, &[("idempotency-Key", &key)]).await;
    assert_eq!(s3, 201);
    assert!(h3.get("original-request-id").is_none());
    assert_ne!(b3["id"], b1["id"]);
    let st = stats(&sb).await;
    assert_eq!(st["customers"]["cos"], 2);
    assert_eq!(st["idempotent_replays"], 1);

    let long = "k".repeat(51);
    let (s4, _, e4) = post_json(&url, &token, &body, &[("idempotency-Key", &long)]).await;
    assert_eq!((s4, cos_codes(&e4)), (400, vec![1010]));
    let fifty = "k".repeat(50);
    let (s5, _, _) = post_json(&url, &token, &body, &[("idempotency-Key", &fifty)]).await;
    assert_eq!(s5, 201);
}

#[tokio::test]
async fn stats_count_requests_customers_and_duplicates() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let body = fixture("cos_personal.json");
    assert_eq!(create(&sb, &token, &body).await.0, 201);
    let st = stats(&sb).await;
    assert_eq!(st["duplicates"], 0);
    // Same tax id again without an idempotency key: a duplicate customer.
    assert_eq!(create(&sb, &token, &body).await.0, 201);
    let mut other = body.clone();
    other["profile"]["taxId"] = json!("555555555");
    other["clientIdentifier"] = json!("branch-7-0001");
    assert_eq!(create(&sb, &token, &other).await.0, 201);
    other["profile"]["taxId"] = json!("666666666");
    assert_eq!(
        create(&sb, &token, &other).await.0,
        201,
        "same clientIdentifier"
    );
    let mut bad = body.clone();
    bad["classification"] = json!("Nope");
    assert_eq!(create(&sb, &token, &bad).await.0, 400);
    let st = stats(&sb).await;
    assert_eq!(st["customers"]["cos"], 4);
    assert_eq!(st["duplicates"], 2);
    assert_eq!(st["duplicates_by_provider"]["cos"], 2);
    assert_eq!(st["requests"]["POST /core/v1/cm/customers"]["201"], 4);
    assert_eq!(st["requests"]["POST /core/v1/cm/customers"]["400"], 1);
    assert_eq!(st["requests"]["POST /connect/token"]["200"], 1);
}

#[tokio::test]
async fn events_follow_the_webhook_shape() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let (_, body) = create(&sb, &token, &fixture("cos_personal.json")).await;
    let id = body["id"].as_str().unwrap().to_string();
    let url = format!("{}/_sandbox/events", sb.url());
    let (_, events) = send(client().get(&url)).await;
    let names: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventName"].clone())
        .collect();
    assert_eq!(names, vec![json!("Core.Customer.Onboarded")]);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let (_, events) = send(client().get(&url)).await;
    let events = events.as_array().unwrap();
    let names: Vec<_> = events
        .iter()
        .map(|e| e["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "Core.Customer.Onboarded",
            "Core.Customer.Ofac.Changed",
            "Core.Customer.PepScan.Changed"
        ]
    );
    for e in events {
        assert!(uuid::Uuid::parse_str(e["id"].as_str().unwrap()).is_ok());
        assert_eq!(e["partnerId"], sb.credentials().cos.partner_id);
        assert_eq!(
            e["resources"],
            json!([format!("core/v1/cm/customers/{id}")])
        );
        assert_eq!(e["details"], json!([]));
        assert!(e["status"].is_string());
        assert!(chrono::DateTime::parse_from_rfc3339(e["createdAt"].as_str().unwrap()).is_ok());
    }
}

#[tokio::test]
async fn fault_settings_can_be_replaced_at_run_time() {
    let sb = start().await;
    let token = cos_token(&sb).await;
    let url = format!("{}/_sandbox/faults", sb.url());
    let (s, _) = send(client().put(&url).body(r#"{"rules":[{"kind":"status"}]}"#)).await;
    assert_eq!(s, 400, "a status rule without a status is refused");
    let doc = json!({"rules":[{"endpoint":"POST /core/v1/cm/customers","kind":"status","status":503,"rate":1.0}]});
    let (s, _) = send(client().put(&url).json(&doc)).await;
    assert_eq!(s, 200);
    let (s, got) = send(client().get(&url)).await;
    assert_eq!((s, &got), (200, &doc));
    let (status, err) = create(&sb, &token, &fixture("cos_personal.json")).await;
    assert_eq!((status, cos_codes(&err)), (503, vec![9999]));
    assert_eq!(
        stats(&sb).await["customers"]["cos"],
        Value::Null,
        "state untouched"
    );
    let (s, _) = send(client().put(&url).json(&json!({"rules": []}))).await;
    assert_eq!(s, 200);
    assert_eq!(
        create(&sb, &token, &fixture("cos_personal.json")).await.0,
        201
    );
}

#[tokio::test]
async fn ready_line_names_url_and_credentials() {
    let sb = start().await;
    let line: Value = serde_json::from_str(&sb.ready_line()).unwrap();
    assert_eq!(line["url"], sb.url());
    assert!(sb.url().starts_with("http://127.0.0.1:"));
    let c = sb.credentials();
    assert_eq!(line["credentials"]["cos"]["client_id"], c.cos.client_id);
    assert_eq!(line["credentials"]["cos"]["partner_id"], c.cos.partner_id);
    assert_eq!(
        line["credentials"]["fin"]["client_secret"],
        c.fin.client_secret
    );
    assert_eq!(line["credentials"]["bvnk"]["hawk_key"], c.bvnk.hawk_key);
    assert_eq!(line.as_object().unwrap().len(), 2);
    sb.shutdown().await;
}
