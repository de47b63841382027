//! Documents added to a customer, kept without their content. Once they cover what BVNK
//! needs, the customer goes to PENDING by itself.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use base64::Engine;
use chrono::Utc;
use serde_json::{json, Value};

use super::customers::lookup;
use super::hawk::verify_hawk;
use super::reply::{bad_request, error, Problems};
use super::rules::{country, require};
use super::status::set_status;
use crate::formats::{self, str_field};
use crate::state::App;

/// Identity documents with two sides, each side sent as an entry of its own.
const TWO_SIDED: &[&str] = &["ID_CARD", "DRIVER_LICENSE", "RESIDENCE_PERMIT"];
const ONE_SIDED: &[&str] = &[
    "PASSPORT",
    "SELFIE",
    "PROOF_OF_RESIDENCE",
    "POWER_OF_ATTORNEY",
];
const SIDES: &[&str] = &["FRONT_SIDE", "BACK_SIDE"];
const COMPANY_DOC_KINDS: &[&str] = &[
    "INCORPORATION_CERT",
    "INCORPORATION_ARTICLES",
    "DIRECTORS_REGISTRY",
    "PROOF_OF_ADDRESS",
];

/// The decoded size of base64 text, decoded a slice at a time so a 25 MB scan is never
/// held decoded; None when it is not (padded, standard) base64.
fn decoded_len(content: &str) -> Option<usize> {
    let engine = &base64::engine::general_purpose::STANDARD;
    let mut buf = [0u8; 4096];
    let mut total = 0;
    // 4096 characters decode to at most 3072 bytes; only the last slice may be padded.
    for slice in content.trim().as_bytes().chunks(4096) {
        total += engine.decode_slice(slice, &mut buf).ok()?;
    }
    Some(total)
}

fn check_sub_type(d: &Value, kind: &str, path: &str, p: &mut Problems) {
    let field = format!("{path}.subType");
    let sub = d.get("subType").filter(|s| !s.is_null());
    let allowed = if TWO_SIDED.contains(&kind) {
        if sub.is_none() {
            p.add(field, "must not be null for a two-sided document");
            return;
        }
        SIDES
    } else if kind == "COMPANY_DOC" {
        COMPANY_DOC_KINDS
    } else if ONE_SIDED.contains(&kind) {
        SIDES
    } else {
        return; // the type itself is wrong, and said so
    };
    if let Some(s) = sub {
        if !s.as_str().is_some_and(|s| allowed.contains(&s)) {
            p.add(field, format!("must be one of {}", allowed.join(", ")));
        }
    }
}

fn check_document(d: &Value, i: usize, people: &[String], p: &mut Problems) {
    let path = format!("[{i}]");
    if !d.is_object() {
        p.add(path, "must be an object");
        return;
    }
    let kind = str_field(d, "type").unwrap_or("");
    let known = TWO_SIDED.contains(&kind) || ONE_SIDED.contains(&kind) || kind == "COMPANY_DOC";
    if !known {
        let all = [TWO_SIDED, ONE_SIDED, &["COMPANY_DOC"]].concat();
        p.add(
            format!("{path}.type"),
            format!("must be one of {}", all.join(", ")),
        );
    }
    check_sub_type(d, kind, &path, p);
    require(d, &path, "name", p);
    country(d, &path, "countryCode", false, p);
    match str_field(d, "content").map(decoded_len) {
        Some(Some(n)) if n > 0 => {}
        Some(_) => p.add(format!("{path}.content"), "must be non-empty base64"),
        None => p.add(format!("{path}.content"), "must not be blank"),
    }
    if let Some(person) = str_field(d, "customerPersonReference") {
        if !people.contains(&person.to_ascii_lowercase()) {
            p.add(
                format!("{path}.customerPersonReference"),
                "is not an associate of this customer",
            );
        }
    }
}

fn associates(customer: &Value) -> Vec<String> {
    customer["company"]["associates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["person"]["reference"].as_str())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn person_of(d: &Value) -> Option<String> {
    d["customerPersonReference"]
        .as_str()
        .map(str::to_ascii_lowercase)
}

/// A passport, or both sides of one two-sided identity document.
fn has_identity(docs: &[&Value]) -> bool {
    let side = |kind: &str, s: &str| docs.iter().any(|d| d["type"] == kind && d["subType"] == s);
    docs.iter().any(|d| d["type"] == "PASSPORT")
        || TWO_SIDED
            .iter()
            .any(|k| side(k, "FRONT_SIDE") && side(k, "BACK_SIDE"))
}

/// An individual's identity document; for a company, each associate's identity document
/// and a company document of its own.
fn covers_what_is_needed(customer: &Value, docs: &[Value]) -> bool {
    if customer["type"] != "COMPANY" {
        return has_identity(&docs.iter().collect::<Vec<_>>());
    }
    let people = associates(customer);
    let everyone = !people.is_empty()
        && people.iter().all(|who| {
            let theirs: Vec<&Value> = docs
                .iter()
                .filter(|d| person_of(d).as_ref() == Some(who))
                .collect();
            has_identity(&theirs)
        });
    let company_doc = docs
        .iter()
        .any(|d| d["type"] == "COMPANY_DOC" && person_of(d).is_none());
    everyone && company_doc
}

pub(super) async fn add_documents(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(reference): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = verify_hawk(&app, &method, &uri, &headers) {
        return r;
    }
    let (key, customer) = match lookup(&app, &reference) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bad_request("Malformed JSON body");
    };
    let Value::Array(docs) = body else {
        return bad_request("Body must be a JSON array of documents");
    };
    if docs.is_empty() {
        return bad_request("Body must be a non-empty JSON array of documents");
    }
    let people = associates(&customer);
    let mut p = Problems::default();
    let mut accepted = Vec::new();
    for (i, mut d) in docs.into_iter().enumerate() {
        check_document(&d, i, &people, &mut p);
        if let Some(obj) = d.as_object_mut() {
            // Only the facts are kept: the scans themselves would swell the saved state.
            obj.remove("content");
            obj.insert("reference".into(), json!(uuid::Uuid::new_v4().to_string()));
            obj.insert("status".into(), json!("RECEIVED"));
        }
        accepted.push(d);
    }
    if let Err(r) = p.into_result() {
        return r;
    }
    // Checked after the body so a client learns about both kinds of problem separately.
    let mut store = app.store();
    let current = store.bvnk_customers.get(&key).map(|c| c["status"].clone());
    if current != Some(json!("INFO_REQUIRED")) {
        return error(
            StatusCode::CONFLICT,
            "INVALID_CUSTOMER_STATUS",
            "Documents are accepted only while the customer is INFO_REQUIRED",
        );
    }
    store
        .stats
        .documents_received("bvnk", accepted.len() as u64);
    let held = store.bvnk_documents.entry(key.clone()).or_default();
    held.extend(accepted.iter().cloned());
    if covers_what_is_needed(&customer, held) {
        set_status(&mut store, &key, "PENDING", Utc::now());
    }
    formats::json(StatusCode::ACCEPTED, json!({ "documents": accepted }))
}
