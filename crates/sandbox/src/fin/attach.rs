//! Attach Documents to Individual Customer V2: the preconditions, every rule of the body,
//! and the review it starts.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::{json, Value};

use super::auth::authorize;
use super::check::Check;
use super::reply::{coded, forbidden, message, unprocessable, FieldErrors};
use super::review::final_status;
use crate::formats::{self, chrono_ttl};
use crate::state::{App, FinCustomer};

const IDENTITY_TYPES: &[&str] = &[
    "PASSPORT",
    "NATIONAL_ID",
    "DRIVERS_LICENSE",
    "RESIDENCE_PERMIT",
    "SELFIE",
];
const ADDRESS_TYPES: &[&str] = &["UTILITY_BILL", "GOVERNMENT_LETTER", "BANK_STATEMENT"];

/// Checks the attach body against every rule of the Attach Documents V2 page. Returns the
/// 422 problems, and the URIs that must belong to the customer.
fn check_attach(
    body: &Value,
    customer: &FinCustomer,
    selfie_required: bool,
) -> (FieldErrors, Vec<String>) {
    let mut c = Check { errors: Vec::new() };
    let mut owned_uris = Vec::new();
    let mut unique = HashSet::new();
    let today = Utc::now().date_naive();
    let mut files_of =
        |c: &mut Check, doc: &Value, path: &str, selfie: bool| -> Vec<Option<String>> {
            let mut sides = Vec::new();
            match doc.get("files") {
                Some(Value::Array(files)) if !files.is_empty() => {
                    for (j, f) in files.iter().enumerate() {
                        let fp = format!("{path}.files.{j}");
                        let uri = c.string(f, "uri", &format!("{fp}.uri"), true);
                        let side =
                            c.one_of(f, "side", &format!("{fp}.side"), false, &["FRONT", "BACK"]);
                        sides.push(side);
                        if let Some(uri) = uri {
                            owned_uris.push(uri.to_string());
                            if !selfie && !unique.insert(uri.to_string()) {
                                c.push(
                                    format!("{fp}.uri"),
                                    "file URIs must be unique across the request",
                                );
                            }
                        }
                    }
                }
                Some(Value::Array(_)) => {
                    c.push(format!("{path}.files"), "must have at least 1 item")
                }
                _ => c.push(format!("{path}.files"), "is required"),
            }
            sides
        };

    match body.get("identifying_documents") {
        Some(Value::Array(docs)) if !docs.is_empty() => {
            let mut primary = 0;
            let mut selfies = 0;
            for (i, doc) in docs.iter().enumerate() {
                let p = format!("identifying_documents.{i}");
                let Some(kind) = c.one_of(doc, "type", &format!("{p}.type"), true, IDENTITY_TYPES)
                else {
                    continue;
                };
                if kind == "SELFIE" {
                    selfies += 1;
                    // A SELFIE carries only type and files; anything else is ignored.
                    if files_of(&mut c, doc, &p, true).len() > 1 {
                        c.push(format!("{p}.files"), "SELFIE takes exactly 1 file");
                    }
                    continue;
                }
                primary += 1;
                c.string(doc, "number", &format!("{p}.number"), true);
                let country = c.country(doc, "country", &format!("{p}.country"), false);
                let issued = c.date(doc, "issue_date", &format!("{p}.issue_date"), false);
                let expires = c.date(doc, "expiry_date", &format!("{p}.expiry_date"), true);
                if let Some(exp) = expires {
                    if exp <= today {
                        c.push(format!("{p}.expiry_date"), "must be in the future");
                    }
                    if issued.is_some_and(|iss| exp <= iss) {
                        c.push(format!("{p}.expiry_date"), "must be later than issue_date");
                    }
                }
                let state = c.string(doc, "state", &format!("{p}.state"), false);
                match (kind.as_str(), country.as_deref(), state) {
                    ("DRIVERS_LICENSE", Some("USA"), None) => c.push(
                        format!("{p}.state"),
                        "is required for a DRIVERS_LICENSE issued in the USA",
                    ),
                    ("PASSPORT" | "NATIONAL_ID" | "RESIDENCE_PERMIT", _, Some(_)) => {
                        c.push(format!("{p}.state"), format!("is not allowed for {kind}"))
                    }
                    (_, _, Some(s)) if s.chars().count() > 64 => {
                        c.push(format!("{p}.state"), "must be at most 64 characters")
                    }
                    _ => {}
                }
                let sides = files_of(&mut c, doc, &p, false);
                if sides.is_empty() {
                    continue;
                }
                if kind == "PASSPORT" {
                    if sides.len() != 1 {
                        c.push(format!("{p}.files"), "PASSPORT takes exactly 1 file");
                    }
                } else {
                    let front = sides
                        .iter()
                        .filter(|s| s.as_deref() == Some("FRONT"))
                        .count();
                    let back = sides
                        .iter()
                        .filter(|s| s.as_deref() == Some("BACK"))
                        .count();
                    if sides.len() != 2 || front != 1 || back != 1 {
                        c.push(
                            format!("{p}.files"),
                            format!("{kind} needs exactly 2 files: one FRONT and one BACK"),
                        );
                    }
                }
            }
            if primary > 1 {
                c.push(
                    "identifying_documents",
                    "at most one non-SELFIE document may be included",
                );
            }
            if selfies > 1 {
                c.push(
                    "identifying_documents",
                    "at most one SELFIE entry may be included",
                );
            }
            if selfie_required && selfies != 1 {
                c.push(
                    "identifying_documents",
                    "exactly one SELFIE entry carrying at least one file is required for your client",
                );
            }
        }
        Some(Value::Array(_)) => c.push("identifying_documents", "must have at least 1 item"),
        None | Some(Value::Null) => c.push("identifying_documents", "is required"),
        Some(_) => c.push("identifying_documents", "must be an array"),
    }

    match body.get("address_documents") {
        Some(Value::Array(docs)) if docs.len() == 1 => {
            let doc = &docs[0];
            let p = "address_documents.0";
            c.one_of(doc, "type", &format!("{p}.type"), true, ADDRESS_TYPES);
            if let Some(country) = c.country(doc, "country", &format!("{p}.country"), true) {
                let residence = customer.request["basic_info"]["country_of_residence"].as_str();
                if Some(country.as_str()) != residence {
                    c.push(
                        format!("{p}.country"),
                        "must match the customer's country_of_residence",
                    );
                }
            }
            c.date(doc, "issue_date", &format!("{p}.issue_date"), false);
            let sides = files_of(&mut c, doc, p, false);
            if sides.len() > 1 {
                c.push(format!("{p}.files"), "exactly one file is required");
            }
        }
        Some(Value::Array(_)) => c.push("address_documents", "exactly one entry is required"),
        None | Some(Value::Null) => c.push("address_documents", "is required"),
        Some(_) => c.push("address_documents", "must be an array"),
    }

    match c.string(body, "tos_policies_value", "tos_policies_value", true) {
        Some(v) if v != customer.tos_policies_value => c.push(
            "tos_policies_value",
            "does not match the tos_policies_url of this customer",
        ),
        _ => {}
    }
    (c.errors, owned_uris)
}

pub(super) async fn attach(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return formats::json(
            StatusCode::BAD_REQUEST,
            json!({ "status": 400, "message": "Malformed request body" }),
        );
    };
    if !body.is_object() {
        return formats::json(
            StatusCode::BAD_REQUEST,
            json!({ "status": 400, "message": "Malformed request body" }),
        );
    }
    let key = customer_id.to_ascii_lowercase();
    let mut store = app.store();
    let Some(customer) = store.fin_customers.get(&key) else {
        return message(StatusCode::NOT_FOUND, "Customer not found");
    };
    if customer.owner != app.creds.fin.client_id {
        return forbidden();
    }
    // PROCESSING is exactly the time the previous attach is still being worked on.
    if customer.status == "PROCESSING" {
        return coded(
            StatusCode::CONFLICT,
            "conflict",
            "An attach request is already in progress for this customer",
        );
    }
    if customer.customer_type != "INDIVIDUAL"
        || customer.api_version != "v2"
        || !matches!(customer.status.as_str(), "INCOMPLETE" | "ACTION_REQUIRED")
    {
        return forbidden();
    }
    let (errors, uris) = check_attach(&body, customer, app.cfg.fin_selfie_required);
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let mut unknown = FieldErrors::new();
    for uri in &uris {
        match store.fin_files.get(uri) {
            None => unknown.push(("files".into(), format!("{uri} was not uploaded"))),
            Some(f) if f.customer_id != key => {
                return coded(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "A file URI does not belong to this customer",
                )
            }
            Some(_) => {}
        }
    }
    if !unknown.is_empty() {
        return unprocessable(unknown);
    }
    let now = Utc::now();
    let delay = chrono_ttl(app.cfg.compliance_delay);
    let Some(customer) = store.fin_customers.get_mut(&key) else {
        return message(StatusCode::NOT_FOUND, "Customer not found");
    };
    customer.attach_count += 1;
    customer.attached = body;
    customer.status = "PROCESSING".into();
    customer.updated_at = now;
    customer.last_status_updated_at = now;
    customer.pending = vec![
        (now + delay / 2, "REVIEWING".into()),
        (now + delay, final_status(customer).into()),
    ];
    formats::json(
        StatusCode::OK,
        json!({ "data": { "customer_id": customer.customer_id }, "meta": null }),
    )
}
