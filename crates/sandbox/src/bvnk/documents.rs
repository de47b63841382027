//! Documents added to a customer, kept as their size only.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use base64::Engine;
use serde_json::json;

use super::customers::lookup;
use super::hawk::verify_hawk;
use super::reply::{bad_request, error};
use super::rules::parse;
use crate::formats::{self, is_upper_alpha, present, str_field};
use crate::state::App;

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
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(docs) = body.as_array().filter(|d| !d.is_empty()) else {
        return bad_request("Body must be a non-empty JSON array of documents");
    };
    let people: Vec<String> = customer["company"]["associates"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    x["person"]["reference"]
                        .as_str()
                        .map(str::to_ascii_lowercase)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut errors = Vec::new();
    let mut accepted = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let p = format!("[{i}]");
        for f in ["type", "name", "content"] {
            if !present(d, f) {
                errors.push(format!("{p}.{f} is required"));
            }
        }
        match str_field(d, "subType") {
            Some("FRONT_SIDE" | "BACK_SIDE") => {}
            _ => errors.push(format!("{p}.subType must be FRONT_SIDE or BACK_SIDE")),
        }
        if let Some(cc) = str_field(d, "countryCode") {
            if !is_upper_alpha(cc, 2) {
                errors.push(format!(
                    "{p}.countryCode must be an ISO 3166-1 alpha-2 code"
                ));
            }
        }
        if let Some(person) = str_field(d, "customerPersonReference") {
            if !people.contains(&person.to_ascii_lowercase()) {
                errors.push(format!(
                    "{p}.customerPersonReference is not an associate of this customer"
                ));
            }
        }
        let size = str_field(d, "content").map(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c.trim())
                .map(|b| b.len())
        });
        match size {
            Some(Ok(n)) if n > 0 => {}
            Some(_) => errors.push(format!("{p}.content must be non-empty base64")),
            None => {}
        }
        let mut kept = d.clone();
        if let Some(obj) = kept.as_object_mut() {
            obj.remove("content");
            obj.insert("reference".into(), json!(uuid::Uuid::new_v4().to_string()));
            obj.insert("status".into(), json!("RECEIVED"));
        }
        accepted.push(kept);
    }
    if !errors.is_empty() {
        return bad_request(errors.join("; "));
    }
    // Checked after the body so a client learns about both kinds of problem separately.
    if customer["status"] != "INFO_REQUIRED" {
        return error(
            StatusCode::CONFLICT,
            "INVALID_CUSTOMER_STATUS",
            "Documents are accepted only while the customer is INFO_REQUIRED",
        );
    }
    app.store()
        .bvnk_documents
        .entry(key)
        .or_default()
        .extend(accepted.clone());
    formats::json(StatusCode::ACCEPTED, json!({ "documents": accepted }))
}
