//! Fin.com: tokens, Create Individual V2, upload, Attach Documents V2, Get Customer V2.
//!
//! Why one file (about 1,100 lines): each integration test file is a binary of its own,
//! linked against the whole sandbox; one per provider keeps the build short, and the
//! tests read top to bottom in the order of Fin.com's pages (token, create, upload, attach).

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]
mod common;

use std::time::Duration;

use branchdesk_sandbox::{Sandbox, SandboxConfig};
use common::*;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9";
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";

fn ttl_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 22
        && s.ends_with("+00")
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && chrono::NaiveDateTime::parse_from_str(&s[..19], "%Y-%m-%d %H:%M:%S").is_ok()
}

struct Fin {
    sb: Sandbox,
    token: String,
}

impl Fin {
    async fn new() -> Fin {
        Self::with(quick_config()).await
    }

    async fn with(config: SandboxConfig) -> Fin {
        let sb = Sandbox::start(config).await.unwrap();
        let c = sb.credentials().fin.clone();
        let (s, body) = send(
            client()
                .post(format!("{}/v1/oauth/token", sb.url()))
                .json(&json!({"client_id": c.client_id, "client_secret": c.client_secret})),
        )
        .await;
        assert_eq!(s, 200, "{body}");
        let token = body["data"]["access_token"].as_str().unwrap().to_string();
        Fin { sb, token }
    }

    fn url(&self, tail: &str) -> String {
        format!("{}{tail}", self.sb.url())
    }

    async fn create(&self, body: &Value) -> (u16, Value) {
        let (s, _, b) = post_json(
            &self.url("/v2/customers/individual"),
            &self.token,
            body,
            &[],
        )
        .await;
        (s, b)
    }

    /// Creates the sample customer (with `edit` applied); returns id and tos value.
    async fn customer(&self, edit: impl FnOnce(&mut Value)) -> (String, String) {
        let mut body = fixture("fin_individual.json");
        edit(&mut body);
        let (s, b) = self.create(&body).await;
        assert_eq!(s, 200, "{b}");
        let id = b["data"]["customer_id"].as_str().unwrap().to_string();
        let url = url::Url::parse(b["data"]["tos_policies_url"].as_str().unwrap()).unwrap();
        let tos = url
            .query_pairs()
            .find(|(k, _)| k == "tos_policies_value")
            .map(|(_, v)| v.to_string())
            .unwrap();
        (id, tos)
    }

    async fn upload_raw(
        &self,
        customer: Option<&str>,
        files: &[(&str, &'static [u8])],
    ) -> (u16, Value) {
        let mut form = Form::new();
        if let Some(c) = customer {
            form = form.text("customer_id", c.to_string());
        }
        for (field, data) in files {
            form = form.part(
                field.to_string(),
                Part::bytes(*data).file_name(format!("{field}.bin")),
            );
        }
        send(
            client()
                .post(self.url("/v1/customers/upload"))
                .bearer_auth(&self.token)
                .multipart(form),
        )
        .await
    }

    async fn upload(&self, customer: &str, n: usize) -> Vec<String> {
        let files: Vec<(String, &'static [u8])> =
            (0..n).map(|i| (format!("file{i}"), PDF)).collect();
        let refs: Vec<(&str, &'static [u8])> =
            files.iter().map(|(f, d)| (f.as_str(), *d)).collect();
        let (s, body) = self.upload_raw(Some(customer), &refs).await;
        assert_eq!(s, 200, "{body}");
        body["data"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, f)| f[format!("file{i}")].as_str().unwrap().to_string())
            .collect()
    }

    async fn attach(&self, customer: &str, body: &Value) -> (u16, Value) {
        let url = self.url(&format!("/v2/customers/{customer}/individual/attach"));
        let (s, _, b) = post_json(&url, &self.token, body, &[]).await;
        (s, b)
    }

    async fn status(&self, customer: &str) -> Value {
        let (s, b) = get_json(&self.url(&format!("/v2/customers/{customer}")), &self.token).await;
        assert_eq!(s, 200, "{b}");
        b["data"].clone()
    }

    /// The customer's status once it is no longer `from`, polled: the sandbox moves a
    /// review on by the clock, so a fixed sleep would race a slow machine.
    async fn status_after(&self, customer: &str, from: &str) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.status(customer).await;
            if got["customer_status"] != from || std::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A valid attach body: a US driver's licence (front and back) and a bank statement.
fn attach_body(uris: &[String], tos: &str) -> Value {
    json!({
        "identifying_documents": [{
            "type": "DRIVERS_LICENSE", "number": "DL987654321", "country": "USA", "state": "US-CA",
            "issue_date": "2019-06-01", "expiry_date": "2099-06-01",
            "files": [{"side": "FRONT", "uri": uris[0]}, {"side": "BACK", "uri": uris[1]}]
        }],
        "address_documents": [{"type": "BANK_STATEMENT", "country": "USA", "files": [{"uri": uris[2]}]}],
        "tos_policies_value": tos,
    })
}

/// The paths a Fin.com 422 names, in order: `errors` is a list of `{"<path>": "<problem>"}`.
fn error_paths(e: &Value) -> Vec<String> {
    e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|item| item.as_object().unwrap().keys().cloned())
        .collect()
}

#[tokio::test]
async fn token_and_refresh_use_the_documented_time_format() {
    let sb = start().await;
    let c = sb.credentials().fin.clone();
    let url = format!("{}/v1/oauth/token", sb.url());
    let (s, body) = send(
        client()
            .post(&url)
            .json(&json!({"client_id": c.client_id, "client_secret": c.client_secret})),
    )
    .await;
    assert_eq!(s, 200);
    let d = &body["data"];
    for k in ["access_token_ttl", "refresh_token_ttl", "current_time"] {
        assert!(ttl_shape(d[k].as_str().unwrap()), "{k}: {}", d[k]);
    }
    assert!(d["access_token_ttl"].as_str().unwrap() > d["current_time"].as_str().unwrap());
    let refresh = d["refresh_token"].as_str().unwrap().to_string();
    let rurl = format!("{}/v1/oauth/refresh-token", sb.url());
    let (s, again) = send(
        client()
            .post(&rurl)
            .json(&json!({"refresh_token": refresh})),
    )
    .await;
    assert_eq!(s, 200);
    assert_ne!(again["data"]["access_token"], d["access_token"]);
    let (s, _) = send(
        client()
            .post(&rurl)
            .json(&json!({"refresh_token": refresh})),
    )
    .await;
    assert_eq!(s, 401, "a refresh token works once");
    let new_access = again["data"]["access_token"].as_str().unwrap();
    let (s, _) = get_json(
        &format!("{}/v2/customers/{}", sb.url(), uuid::Uuid::new_v4()),
        new_access,
    )
    .await;
    assert_eq!(s, 404, "the refreshed token is accepted");

    let (s, e) = send(
        client()
            .post(&url)
            .json(&json!({"client_id": c.client_id, "client_secret": "nope"})),
    )
    .await;
    assert_eq!(
        (s, e["message"].as_str()),
        (401, Some("Authentication failed"))
    );
    let (s, e) = send(client().post(&url).json(&json!({"client_id": c.client_id}))).await;
    assert_eq!(s, 422);
    assert!(e["errors"][0]["client_secret"].is_string(), "{e}");
    let (s, _) = send(client().post(&rurl).json(&json!({}))).await;
    assert_eq!(s, 422);
}

#[tokio::test]
async fn expired_access_token_is_refused() {
    let fin = Fin::with(SandboxConfig {
        token_ttl: Duration::from_secs(1),
        ..quick_config()
    })
    .await;
    assert_eq!(fin.create(&fixture("fin_individual.json")).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (s, e) = fin.create(&fixture("fin_individual.json")).await;
    assert_eq!(
        (s, e["message"].as_str()),
        (401, Some("Authentication failed"))
    );
    let (s, _) = send(
        client()
            .post(fin.url("/v2/customers/individual"))
            .json(&fixture("fin_individual.json")),
    )
    .await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn sample_individual_is_created_with_a_fresh_tos_value() {
    let fin = Fin::new().await;
    let (s, body) = fin.create(&fixture("fin_individual.json")).await;
    assert_eq!(s, 200, "{body}");
    let id = body["data"]["customer_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    let url = url::Url::parse(body["data"]["tos_policies_url"].as_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["customer_id"], id);
    assert!(uuid::Uuid::parse_str(&q["tos_policies_value"]).is_ok());
    let (_, tos2) = fin
        .customer(|b| b["basic_info"]["tax_info"][0]["document_id"] = json!("999-99-9999"))
        .await;
    assert_ne!(q["tos_policies_value"], tos2);
    let page = client().get(url.as_str()).send().await.unwrap();
    assert_eq!(page.status(), 200, "the ToS link opens");

    let got = fin.status(id).await;
    assert_eq!(got["customer_status"], "INCOMPLETE");
    assert_eq!(got["type"], "INDIVIDUAL");
    assert_eq!(got["first_name"], "Maria");
    assert_eq!(got["email"], "maria.garcia@example.com");
    assert_eq!(got["country_of_residence"], "USA");
    assert_eq!(got["verification_type"], "STANDARD");
    assert_eq!(got["rejection_reason"], Value::Null);
    assert_eq!(got["request_for_information"], json!([]));
    assert_eq!(got["tos_policies_url"], body["data"]["tos_policies_url"]);
    let st = stats(&fin.sb).await;
    assert_eq!(st["customers"]["fin"], 2);
    assert_eq!(st["duplicates"], 1, "same meta_data.reference twice");
}

#[tokio::test]
async fn every_create_rule_answers_422_with_the_field() {
    let fin = Fin::new().await;
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit)> = vec![
        ("verification_type", |b| {
            b["verification_type"] = json!("FAST")
        }),
        ("verification_type", |b| {
            b.as_object_mut().unwrap().remove("verification_type");
        }),
        ("basic_info", |b| {
            b.as_object_mut().unwrap().remove("basic_info");
        }),
        ("basic_info.first_name", |b| {
            b["basic_info"]
                .as_object_mut()
                .unwrap()
                .remove("first_name");
        }),
        ("basic_info.last_name", |b| {
            b["basic_info"]["last_name"] = json!("")
        }),
        ("basic_info.first_name_en", |b| {
            b["basic_info"]["first_name"] = json!("Мария")
        }),
        ("basic_info.last_name_en", |b| {
            b["basic_info"]["last_name"] = json!("Гарсия")
        }),
        ("basic_info.middle_name_en", |b| {
            b["basic_info"]["middle_name"] = json!("Елена")
        }),
        ("basic_info.first_name_en", |b| {
            b["basic_info"]["first_name"] = json!("Мария");
            b["basic_info"]["first_name_en"] = json!("Мария");
        }),
        ("basic_info.dob", |b| {
            b["basic_info"]["dob"] = json!("15/04/1990")
        }),
        ("basic_info.dob", |b| {
            b["basic_info"]["dob"] = json!("2020-01-01")
        }),
        ("basic_info.dob", |b| {
            b["basic_info"]["dob"] = json!("1890-01-01")
        }),
        ("basic_info.email", |b| {
            b["basic_info"]["email"] = json!("Maria.Garcia@example.com")
        }),
        ("basic_info.email", |b| {
            b["basic_info"]["email"] = json!("maria.garcia")
        }),
        ("basic_info.phone", |b| {
            b["basic_info"]["phone"] = json!("4155552671")
        }),
        ("basic_info.phone", |b| {
            b["basic_info"]["phone"] = json!("+1 415 555 2671")
        }),
        ("basic_info.country_of_residence", |b| {
            b["basic_info"]["country_of_residence"] = json!("US")
        }),
        ("basic_info.primary_nationality", |b| {
            b["basic_info"]["primary_nationality"] = json!("usa")
        }),
        ("basic_info.primary_nationality", |b| {
            b["basic_info"]
                .as_object_mut()
                .unwrap()
                .remove("primary_nationality");
        }),
        ("basic_info.secondary_nationality", |b| {
            b["basic_info"]["secondary_nationality"] = json!("XXX")
        }),
        ("basic_info.gender", |b| {
            b["basic_info"]["gender"] = json!("F")
        }),
        ("basic_info.tax_info", |b| {
            b["basic_info"]["tax_info"] = json!([])
        }),
        ("basic_info.tax_info", |b| {
            b["basic_info"].as_object_mut().unwrap().remove("tax_info");
        }),
        ("basic_info.tax_info.0.country_code", |b| {
            b["basic_info"]["tax_info"][0]["country_code"] = json!("US")
        }),
        ("basic_info.tax_info.0.document_id", |b| {
            b["basic_info"]["tax_info"][0]
                .as_object_mut()
                .unwrap()
                .remove("document_id");
        }),
        ("basic_info.tax_info.1.document_id", |b| {
            let t = b["basic_info"]["tax_info"][0].clone();
            b["basic_info"]["tax_info"].as_array_mut().unwrap().push(t);
        }),
        ("address", |b| {
            b.as_object_mut().unwrap().remove("address");
        }),
        ("address.street_line_1_en", |b| {
            b["address"]["street_line_1"] = json!("ул. Тверская 1")
        }),
        ("address.street_line_2_en", |b| {
            b["address"]["street_line_2"] = json!("кв. 4")
        }),
        ("address.city", |b| {
            b["address"].as_object_mut().unwrap().remove("city");
        }),
        ("address.subdivision_code", |b| {
            b["address"]["subdivision_code"] = json!("CA")
        }),
        ("address.postal_code", |b| {
            b["address"].as_object_mut().unwrap().remove("postal_code");
        }),
        ("address.country", |b| {
            b["address"]["country"] = json!("United States")
        }),
        ("financial_profile", |b| {
            b.as_object_mut().unwrap().remove("financial_profile");
        }),
        ("financial_profile.employment_status", |b| {
            b["financial_profile"]["employment_status"] = json!("WORKING")
        }),
        ("financial_profile.occupation_id", |b| {
            b["financial_profile"]["occupation_id"] = json!("42")
        }),
        ("financial_profile.purpose_id", |b| {
            b["financial_profile"]
                .as_object_mut()
                .unwrap()
                .remove("purpose_id");
        }),
        ("financial_profile.source_of_fund_ids", |b| {
            b["financial_profile"]["source_of_fund_ids"] = json!([])
        }),
        ("financial_profile.source_of_fund_ids", |b| {
            b["financial_profile"]["source_of_fund_ids"] = json!(["salary"])
        }),
        ("financial_profile.monthly_volume_usd", |b| {
            b["financial_profile"]["monthly_volume_usd"] = json!(-1)
        }),
        ("financial_profile.monthly_volume_usd", |b| {
            b["financial_profile"]["monthly_volume_usd"] = json!(50.5)
        }),
        ("meta_data", |b| b["meta_data"] = json!("ref")),
    ];
    for (field, edit) in cases {
        let mut body = fixture("fin_individual.json");
        edit(&mut body);
        let (s, e) = fin.create(&body).await;
        assert_eq!(s, 422, "{field}: {e}");
        assert!(e["message"].is_string(), "{e}");
        let fields: Vec<String> = e["errors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o.as_object().unwrap().keys().cloned())
            .collect();
        assert!(
            fields.contains(&field.to_string()),
            "{field} not in {fields:?}"
        );
    }
    // Non-Latin names pass with their Latin forms.
    let (_, _) = fin
        .customer(|b| {
            b["basic_info"]["first_name"] = json!("Мария");
            b["basic_info"]["first_name_en"] = json!("Maria");
            b["address"]["street_line_1"] = json!("ул. Тверская 1");
            b["address"]["street_line_1_en"] = json!("ul. Tverskaya 1");
        })
        .await;
}

#[tokio::test]
async fn reliance_is_locked_unless_enabled() {
    let fin = Fin::new().await;
    let mut body = fixture("fin_individual.json");
    body["verification_type"] = json!("RELIANCE");
    let (s, e) = fin.create(&body).await;
    assert_eq!(
        (s, e["message"].as_str()),
        (423, Some("RELIANCE is not available for your client"))
    );
    let open = Fin::with(SandboxConfig {
        fin_reliance_enabled: true,
        ..quick_config()
    })
    .await;
    assert_eq!(open.create(&body).await.0, 200);
}

#[tokio::test]
async fn upload_sniffs_types_and_enforces_the_size_limit() {
    let fin = Fin::with(SandboxConfig {
        fin_upload_limit_bytes: 4096,
        ..quick_config()
    })
    .await;
    let (id, _) = fin.customer(|_| {}).await;
    let (s, body) = fin
        .upload_raw(
            Some(&id),
            &[("passport", JPEG), ("poa", PDF), ("selfie", PNG)],
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let files = body["data"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for (f, name) in files.iter().zip(["passport", "poa", "selfie"]) {
        let uri = f[name].as_str().unwrap();
        assert!(uri.starts_with('/'), "{uri}");
        assert_eq!(f.as_object().unwrap().len(), 1);
    }
    let (s, e) = fin.upload_raw(Some(&id), &[("poa", GIF)]).await;
    assert_eq!(s, 422, "GIF refused: {e}");
    assert!(e["errors"][0]["poa"].is_string());
    // A PDF header does not make a text file a PDF only by its name: content decides.
    let (s, _) = fin
        .upload_raw(Some(&id), &[("poa", b"plain text, not a document")])
        .await;
    assert_eq!(s, 422);
    let big: &'static [u8] = Box::leak({
        let mut v = PDF.to_vec();
        v.resize(5000, b' ');
        v.into_boxed_slice()
    });
    let (s, _) = fin.upload_raw(Some(&id), &[("poa", big)]).await;
    assert_eq!(s, 413);
    let (s, e) = fin.upload_raw(None, &[("poa", PDF)]).await;
    assert_eq!(s, 422, "{e}");
    assert!(e["errors"][0]["customer_id"].is_string());
    let (s, _) = fin
        .upload_raw(Some(&uuid::Uuid::new_v4().to_string()), &[("poa", PDF)])
        .await;
    assert_eq!(s, 404);
    let (s, _) = fin.upload_raw(Some(&id), &[]).await;
    assert_eq!(s, 422, "no file");
}

#[tokio::test]
async fn attach_runs_incomplete_processing_reviewing_approved() {
    // Long enough that each state lasts a second: every one is seen on a loaded machine.
    let fin = Fin::with(SandboxConfig {
        compliance_delay: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .await;
    let (id, tos) = fin.customer(|_| {}).await;
    let uris = fin.upload(&id, 3).await;
    let body = attach_body(&uris, &tos);
    let (s, answer) = fin.attach(&id, &body).await;
    assert_eq!(s, 200, "{answer}");
    assert_eq!(answer, json!({"data": {"customer_id": id}, "meta": null}));
    assert_eq!(fin.status(&id).await["customer_status"], "PROCESSING");
    let (s, e) = fin.attach(&id, &body).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("conflict")),
        "attach in flight"
    );
    let reviewing = fin.status_after(&id, "PROCESSING").await;
    assert_eq!(reviewing["customer_status"], "REVIEWING");
    let (s, e) = fin.attach(&id, &body).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "not INCOMPLETE"
    );
    let done = fin.status_after(&id, "REVIEWING").await;
    assert_eq!(done["customer_status"], "APPROVED");
    assert_eq!(done["rejection_reason"], Value::Null);
    let (s, _) = fin.attach(&id, &body).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn reject_trigger_needs_action_then_reattach_passes() {
    let fin = Fin::new().await;
    let (id, tos) = fin
        .customer(|b| b["basic_info"]["last_name"] = json!("Reject"))
        .await;
    let uris = fin.upload(&id, 3).await;
    assert_eq!(fin.attach(&id, &attach_body(&uris, &tos)).await.0, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let got = fin.status(&id).await;
    assert_eq!(got["customer_status"], "ACTION_REQUIRED");
    let reason = &got["rejection_reason"];
    assert!(!reason["applicant"]["reject_labels"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(reason["documents"][0]["uri"], json!(uris[0]));
    assert_eq!(reason["documents"][0]["category"], "PROOF_OF_IDENTITY");
    assert_eq!(
        got["request_for_information"][0]["section"],
        "identifying_documents"
    );
    let fresh = fin.upload(&id, 3).await;
    assert_eq!(
        fin.attach(&id, &attach_body(&fresh, &tos)).await.0,
        200,
        "ACTION_REQUIRED may re-attach"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(fin.status(&id).await["customer_status"], "APPROVED");

    let (denied, tos) = fin
        .customer(|b| {
            b["basic_info"]["last_name"] = json!("Denied");
            b["basic_info"]["tax_info"][0]["document_id"] = json!("000-00-0001");
        })
        .await;
    let uris = fin.upload(&denied, 3).await;
    assert_eq!(fin.attach(&denied, &attach_body(&uris, &tos)).await.0, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let got = fin.status(&denied).await;
    assert_eq!(got["customer_status"], "REJECTED");
    assert!(got["rejection_reason"]["applicant"].is_object());
}

#[tokio::test]
async fn every_attach_rule_answers_422_and_changes_nothing() {
    let fin = Fin::new().await;
    let (id, tos) = fin.customer(|_| {}).await;
    let u = fin.upload(&id, 5).await;
    let base = attach_body(&u, &tos);
    type Edit = fn(&mut Value, &[String]);
    // Each case names the paths Fin.com's 422 points at, as Branchdesk maps them back
    // onto the draft (`draft_field_of_fin_error` in the domain crate).
    let cases: Vec<(&str, &[&str], Edit)> = vec![
        (
            "two primary documents",
            &["identifying_documents"],
            |b, u| {
                let passport = json!({"type": "PASSPORT", "number": "P1", "expiry_date": "2099-01-01", "files": [{"uri": u[3]}]});
                b["identifying_documents"]
                    .as_array_mut()
                    .unwrap()
                    .push(passport);
            },
        ),
        (
            "licence with one file",
            &["identifying_documents.0.files"],
            |b, _| {
                b["identifying_documents"][0]["files"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
        ),
        (
            "licence with two FRONT sides",
            &["identifying_documents.0.files"],
            |b, _| b["identifying_documents"][0]["files"][1]["side"] = json!("FRONT"),
        ),
        (
            "licence without sides",
            &["identifying_documents.0.files"],
            |b, _| {
                for f in b["identifying_documents"][0]["files"]
                    .as_array_mut()
                    .unwrap()
                {
                    f.as_object_mut().unwrap().remove("side");
                }
            },
        ),
        (
            "national id with one side",
            &["identifying_documents.0.files"],
            |b, _| {
                b["identifying_documents"][0]["type"] = json!("NATIONAL_ID");
                b["identifying_documents"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("state");
                b["identifying_documents"][0]["files"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
        ),
        (
            "residence permit with three files",
            &["identifying_documents.0.files"],
            |b, u| {
                b["identifying_documents"][0]["type"] = json!("RESIDENCE_PERMIT");
                b["identifying_documents"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("state");
                b["identifying_documents"][0]["files"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"side": "BACK", "uri": u[3]}));
            },
        ),
        (
            "passport with two files",
            &["identifying_documents.0.files"],
            |b, _| {
                b["identifying_documents"][0]["type"] = json!("PASSPORT");
                b["identifying_documents"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("state");
            },
        ),
        (
            "unknown side",
            &[
                "identifying_documents.0.files.1.side",
                "identifying_documents.0.files",
            ],
            |b, _| b["identifying_documents"][0]["files"][1]["side"] = json!("REAR"),
        ),
        (
            "US licence without state",
            &["identifying_documents.0.state"],
            |b, _| {
                b["identifying_documents"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("state");
            },
        ),
        (
            "passport with state",
            &["identifying_documents.0.state"],
            |b, u| {
                b["identifying_documents"][0] = json!({"type": "PASSPORT", "number": "P1", "country": "USA", "state": "US-CA", "expiry_date": "2099-01-01", "files": [{"uri": u[0]}]});
            },
        ),
        (
            "national id with state",
            &["identifying_documents.0.state"],
            |b, _| b["identifying_documents"][0]["type"] = json!("NATIONAL_ID"),
        ),
        (
            "residence permit with state",
            &["identifying_documents.0.state"],
            |b, _| b["identifying_documents"][0]["type"] = json!("RESIDENCE_PERMIT"),
        ),
        (
            "state over 64 characters",
            &["identifying_documents.0.state"],
            |b, _| {
                b["identifying_documents"][0]["country"] = json!("MEX");
                b["identifying_documents"][0]["state"] = json!("x".repeat(65));
            },
        ),
        ("no number", &["identifying_documents.0.number"], |b, _| {
            b["identifying_documents"][0]
                .as_object_mut()
                .unwrap()
                .remove("number");
        }),
        (
            "no expiry",
            &["identifying_documents.0.expiry_date"],
            |b, _| {
                b["identifying_documents"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("expiry_date");
            },
        ),
        (
            "expired",
            &["identifying_documents.0.expiry_date"],
            |b, _| b["identifying_documents"][0]["expiry_date"] = json!("2020-01-01"),
        ),
        (
            "expiry before issue",
            &["identifying_documents.0.expiry_date"],
            |b, _| b["identifying_documents"][0]["issue_date"] = json!("2099-07-01"),
        ),
        (
            "unknown identity type",
            &["identifying_documents.0.type"],
            |b, _| b["identifying_documents"][0]["type"] = json!("VISA"),
        ),
        (
            "no identifying documents",
            &["identifying_documents"],
            |b, _| b["identifying_documents"] = json!([]),
        ),
        ("two selfies", &["identifying_documents"], |b, u| {
            let docs = b["identifying_documents"].as_array_mut().unwrap();
            docs.push(json!({"type": "SELFIE", "files": [{"uri": u[3]}]}));
            docs.push(json!({"type": "SELFIE", "files": [{"uri": u[4]}]}));
        }),
        (
            "selfie with two files",
            &["identifying_documents.1.files"],
            |b, u| {
                let selfie = json!({"type": "SELFIE", "files": [{"uri": u[3]}, {"uri": u[4]}]});
                b["identifying_documents"]
                    .as_array_mut()
                    .unwrap()
                    .push(selfie);
            },
        ),
        ("no address document", &["address_documents"], |b, _| {
            b["address_documents"] = json!([])
        }),
        ("two address documents", &["address_documents"], |b, u| {
            let extra = json!({"type": "UTILITY_BILL", "country": "USA", "files": [{"uri": u[3]}]});
            b["address_documents"].as_array_mut().unwrap().push(extra);
        }),
        (
            "address document with two files",
            &["address_documents.0.files"],
            |b, u| {
                b["address_documents"][0]["files"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"uri": u[3]}));
            },
        ),
        (
            "address document of another country",
            &["address_documents.0.country"],
            |b, _| b["address_documents"][0]["country"] = json!("MEX"),
        ),
        (
            "address document type",
            &["address_documents.0.type"],
            |b, _| b["address_documents"][0]["type"] = json!("LEASE"),
        ),
        (
            "address document without country",
            &["address_documents.0.country"],
            |b, _| {
                b["address_documents"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("country");
            },
        ),
        (
            "same uri twice",
            &["address_documents.0.files.0.uri"],
            |b, u| b["address_documents"][0]["files"][0]["uri"] = json!(u[0]),
        ),
        ("wrong tos value", &["tos_policies_value"], |b, _| {
            b["tos_policies_value"] = json!(uuid::Uuid::new_v4().to_string())
        }),
        ("no tos value", &["tos_policies_value"], |b, _| {
            b.as_object_mut().unwrap().remove("tos_policies_value");
        }),
        ("never uploaded uri", &["files"], |b, _| {
            b["address_documents"][0]["files"][0]["uri"] = json!("/AbCdEfGh_missing.pdf")
        }),
    ];
    for (what, paths, edit) in cases {
        let mut body = base.clone();
        edit(&mut body, &u);
        let (s, e) = fin.attach(&id, &body).await;
        assert_eq!(s, 422, "{what}: {e}");
        assert!(
            e["message"].is_string() && e["errors"].is_array(),
            "{what}: {e}"
        );
        assert_eq!(error_paths(&e), paths, "{what}: {e}");
        // The summary names the first problem's path too.
        let first = e["message"].as_str().unwrap();
        assert!(first.starts_with(&format!("{}: ", paths[0])), "{what}: {e}");
    }
    // A URI never uploaded is named in the problem, which is how it finds its scan again.
    let mut body = base.clone();
    body["address_documents"][0]["files"][0]["uri"] = json!("/AbCdEfGh_missing.pdf");
    let (_, e) = fin.attach(&id, &body).await;
    assert_eq!(
        e["errors"][0]["files"],
        "/AbCdEfGh_missing.pdf was not uploaded"
    );
    assert_eq!(fin.status(&id).await["customer_status"], "INCOMPLETE");
    // A SELFIE may reuse a file of the primary document: uniqueness excludes SELFIE files.
    let mut ok = base.clone();
    ok["identifying_documents"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "SELFIE", "files": [{"uri": u[0]}]}));
    assert_eq!(fin.attach(&id, &ok).await.0, 200);
}

#[tokio::test]
async fn a_licence_issued_outside_the_usa_needs_no_state() {
    let fin = Fin::new().await;
    let (id, tos) = fin.customer(|_| {}).await;
    let u = fin.upload(&id, 3).await;
    let mut body = attach_body(&u, &tos);
    body["identifying_documents"][0]["country"] = json!("MEX");
    body["identifying_documents"][0]
        .as_object_mut()
        .unwrap()
        .remove("state");
    let (s, e) = fin.attach(&id, &body).await;
    assert_eq!(s, 200, "{e}");
}

impl Fin {
    /// Marks a customer through the sandbox's control route; answers status and body.
    async fn mark(&self, customer: &str, marks: Value) -> (u16, Value) {
        send(
            client()
                .put(self.url(&format!("/_sandbox/fin/customers/{customer}")))
                .json(&marks),
        )
        .await
    }
}

#[tokio::test]
async fn attach_refuses_a_business_or_v1_customer_with_403() {
    let fin = Fin::new().await;
    let eligible_only = json!({"error": {
        "code": "forbidden",
        "message": "Customer is not eligible for this operation",
    }});
    for (n, marks) in [
        json!({"customer_type": "BUSINESS"}),
        json!({"api_version": "v1"}),
    ]
    .into_iter()
    .enumerate()
    {
        let (id, tos) = fin
            .customer(|b| b["basic_info"]["tax_info"][0]["document_id"] = json!(format!("{n}")))
            .await;
        let u = fin.upload(&id, 3).await;
        let (s, marked) = fin.mark(&id, marks.clone()).await;
        assert_eq!(s, 200, "{marked}");
        let (key, value) = marks.as_object().unwrap().iter().next().unwrap();
        assert_eq!(&marked[key], value, "{marked}");
        assert_eq!(marked["customer_status"], "INCOMPLETE");

        let body = attach_body(&u, &tos);
        let (s, e) = fin.attach(&id, &body).await;
        assert_eq!((s, &e), (403, &eligible_only), "{marks}");
        let got = fin.status(&id).await;
        assert_eq!(got["customer_status"], "INCOMPLETE", "nothing changed");
        let kind = if key == "customer_type" {
            "BUSINESS"
        } else {
            "INDIVIDUAL"
        };
        assert_eq!(got["type"], kind);

        // Marked back, the same attach goes through: the mark was the only reason.
        let back = json!({"customer_type": "INDIVIDUAL", "api_version": "v2"});
        assert_eq!(fin.mark(&id, back).await.0, 200);
        assert_eq!(fin.attach(&id, &body).await.0, 200, "{marks}");
    }

    let (id, _) = fin
        .customer(|b| b["basic_info"]["tax_info"][0]["document_id"] = json!("2"))
        .await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let (s, e) = fin.mark(&unknown, json!({"api_version": "v1"})).await;
    assert_eq!(
        (s, e["message"].as_str()),
        (404, Some("Customer not found"))
    );
    for bad in [
        json!({"customer_type": "COMPANY"}),
        json!({"api_version": "v3"}),
        json!({"type": "BUSINESS"}),
        json!(["BUSINESS"]),
    ] {
        let (s, e) = fin.mark(&id, bad.clone()).await;
        assert_eq!(s, 400, "{bad}: {e}");
        assert!(e["message"].is_string(), "{bad}: {e}");
    }
    assert_eq!(fin.status(&id).await["type"], "INDIVIDUAL");
}

#[tokio::test]
async fn attach_ownership_status_and_malformed_bodies() {
    let fin = Fin::new().await;
    let (id, tos) = fin.customer(|_| {}).await;
    let (other, _) = fin
        .customer(|b| b["basic_info"]["tax_info"][0]["document_id"] = json!("1"))
        .await;
    let mine = fin.upload(&id, 2).await;
    let theirs = fin.upload(&other, 1).await;
    let body = attach_body(&[mine[0].clone(), mine[1].clone(), theirs[0].clone()], &tos);
    let (s, e) = fin.attach(&id, &body).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "file of another customer"
    );
    let (s, e) = send(
        client()
            .post(fin.url(&format!("/v2/customers/{id}/individual/attach")))
            .bearer_auth(&fin.token)
            .header("content-type", "application/json")
            .body("{\"identifying_documents\": ["),
    )
    .await;
    assert_eq!((s, e["status"].as_u64()), (400, Some(400)));
    let (s, _) = fin.attach(&uuid::Uuid::new_v4().to_string(), &body).await;
    assert_eq!(s, 404);
    let (s, _) = send(
        client()
            .post(fin.url(&format!("/v2/customers/{id}/individual/attach")))
            .json(&body),
    )
    .await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn selfie_configuration_is_enforced() {
    let fin = Fin::with(SandboxConfig {
        fin_selfie_required: true,
        ..quick_config()
    })
    .await;
    let (id, tos) = fin.customer(|_| {}).await;
    let u = fin.upload(&id, 4).await;
    let body = attach_body(&u, &tos);
    let (s, e) = fin.attach(&id, &body).await;
    assert_eq!(s, 422, "selfie missing: {e}");
    let mut empty_selfie = body.clone();
    empty_selfie["identifying_documents"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "SELFIE", "files": []}));
    assert_eq!(fin.attach(&id, &empty_selfie).await.0, 422);
    let mut two_files = body.clone();
    two_files["identifying_documents"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "SELFIE", "files": [{"uri": u[3]}, {"uri": u[0]}]}));
    let (s, e) = fin.attach(&id, &two_files).await;
    assert_eq!(s, 422, "a selfie is one file: {e}");
    assert_eq!(error_paths(&e), ["identifying_documents.1.files"], "{e}");
    assert_eq!(
        e["errors"][0]["identifying_documents.1.files"],
        "SELFIE takes exactly 1 file"
    );
    let mut with = body.clone();
    with["identifying_documents"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "SELFIE", "files": [{"uri": u[3]}]}));
    assert_eq!(fin.attach(&id, &with).await.0, 200);
}

#[tokio::test]
async fn default_upload_limit_is_ten_megabytes() {
    let fin = Fin::new().await;
    let (id, _) = fin.customer(|_| {}).await;
    let sized = |n: usize| -> &'static [u8] {
        let mut v = PDF.to_vec();
        v.resize(n, b' ');
        Box::leak(v.into_boxed_slice())
    };
    let (s, body) = fin
        .upload_raw(Some(&id), &[("statement", sized(6 * 1024 * 1024))])
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = fin
        .upload_raw(Some(&id), &[("statement", sized(10 * 1024 * 1024 + 1))])
        .await;
    assert_eq!(s, 413);
}

#[tokio::test]
async fn terms_links_can_be_moved_off_the_sandbox_and_back() {
    let fin = Fin::new().await;
    let admin = fin.url("/_sandbox/fin/tos");
    let (s, _) = send(client().put(&admin).json(&json!({"base_url": 7}))).await;
    assert_eq!(s, 400);
    let (s, body) = send(
        client()
            .put(&admin)
            .json(&json!({"base_url": "https://api.fin.com@evil.example"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");

    let (s, created) = fin.create(&fixture("fin_individual.json")).await;
    assert_eq!(s, 200, "{created}");
    let link = created["data"]["tos_policies_url"].as_str().unwrap();
    assert!(
        link.starts_with("https://api.fin.com@evil.example/orchestration-customer-tos?"),
        "{link}"
    );
    let id = created["data"]["customer_id"].as_str().unwrap();
    assert_eq!(fin.status(id).await["tos_policies_url"], link);

    let (s, _) = send(client().put(&admin).json(&json!({"base_url": null}))).await;
    assert_eq!(s, 200);
    let own = fin.status(id).await["tos_policies_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(own.starts_with(&fin.sb.url()), "{own}");
}
