//! Creating a customer, reading it, updating its details and moving its status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::hawk::verify_hawk;
use super::reply::{bad_request, error};
use super::rules::{check_address, check_person, parse};
use crate::formats::{self, is_guid, parse_date, present, str_field};
use crate::state::App;

const STATUSES: &[&str] = &[
    "PENDING_AGREEMENTS",
    "INFO_REQUIRED",
    "PENDING",
    "VERIFIED",
    "REJECTED",
];

fn verification_word(status: &str) -> &'static str {
    match status {
        "PENDING_AGREEMENTS" => "pendingAgreements",
        "INFO_REQUIRED" => "infoRequired",
        "PENDING" => "pending",
        "VERIFIED" => "verified",
        _ => "rejected",
    }
}

fn section_key(customer: &Value) -> &'static str {
    if customer["type"] == "COMPANY" {
        "company"
    } else {
        "individual"
    }
}

pub(super) async fn create(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = verify_hawk(&app, &method, &uri, &headers) {
        return r;
    }
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let kind = str_field(&body, "type").unwrap_or("");
    if !matches!(kind, "COMPANY" | "INDIVIDUAL") {
        errors.push("type must be COMPANY or INDIVIDUAL".to_string());
    }
    let reference = match str_field(&body, "reference") {
        Some(r) if is_guid(r) => r.to_ascii_lowercase(),
        Some(_) => {
            errors.push("reference must be a UUID".into());
            String::new()
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    let section = if kind == "COMPANY" {
        body.get("company").cloned()
    } else {
        body.get("individual").or(body.get("person")).cloned()
    };
    match (&section, kind) {
        (Some(s @ Value::Object(_)), "COMPANY") => {
            if !present(s, "name") {
                errors.push("company.name is required".into());
            }
            if let Some(a) = s.get("address") {
                check_address(a, "company.address", &mut errors);
            }
        }
        (Some(s @ Value::Object(_)), "INDIVIDUAL") => check_person(s, "individual", &mut errors),
        (_, "COMPANY") => errors.push("company is required".into()),
        (_, "INDIVIDUAL") => errors.push("individual is required".into()),
        _ => {}
    }
    if !errors.is_empty() {
        return bad_request(errors.join("; "));
    }
    let mut store = app.store();
    if store.bvnk_customers.contains_key(&reference) {
        return error(
            StatusCode::CONFLICT,
            "CUSTOMER_EXISTS",
            "A customer with this reference already exists",
        );
    }
    let mut section = section.unwrap_or_else(|| json!({}));
    section["verification"] = json!({
        "url": format!("{}/platform/verify/{reference}", app.base_url()),
        "status": verification_word("PENDING_AGREEMENTS"),
    });
    if kind == "COMPANY" && section.get("associates").is_none() {
        section["associates"] = json!([]);
    }
    let tax = |s: &Value| {
        s["registrationNumber"]
            .as_str()
            .or(s["taxIdentification"]["number"].as_str())
            .map(str::to_string)
    };
    let tax_id = tax(&section);
    let external = str_field(&body, "externalReference").map(str::to_string);
    let key = section_key(&json!({ "type": kind }));
    let duplicate = store.bvnk_customers.values().any(|other| {
        tax_id.is_some() && tax(&other[section_key(other)]) == tax_id
            || external.is_some() && other["externalReference"].as_str() == external.as_deref()
    });
    let mut customer = json!({
        "reference": reference,
        "status": "PENDING_AGREEMENTS",
        "type": kind,
        key: section,
        "riskScore": body.get("riskScore").cloned().unwrap_or(json!("LOW")),
    });
    if let Some(ext) = external {
        customer["externalReference"] = json!(ext);
    }
    store.bvnk_customers.insert(reference, customer.clone());
    store.stats.customer_created("bvnk", duplicate);
    formats::json(StatusCode::CREATED, customer)
}

pub(super) fn lookup(app: &App, reference: &str) -> Result<(String, Value), Response> {
    let key = reference.to_ascii_lowercase();
    match app.store().bvnk_customers.get(&key) {
        Some(c) => Ok((key, c.clone())),
        None => Err(error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Customer {reference} not found"),
        )),
    }
}

pub(super) async fn get_customer(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Response {
    if let Err(r) = verify_hawk(&app, &method, &uri, &headers) {
        return r;
    }
    match lookup(&app, &reference) {
        Ok((_, c)) => formats::json(StatusCode::OK, c),
        Err(r) => r,
    }
}

pub(super) async fn update_details(
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
    let (key, mut customer) = match lookup(&app, &reference) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = match parse(&body) {
        Ok(Value::Object(b)) => b,
        Ok(_) => return bad_request("Body must be a JSON object"),
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    if let Some(a) = body.get("address") {
        check_address(a, "address", &mut errors);
    }
    if let Some(d) = body.get("dateOfBirth").and_then(Value::as_str) {
        if parse_date(d).is_none() {
            errors.push("dateOfBirth must be YYYY-MM-DD".into());
        }
    }
    for locked in ["reference", "status", "type"] {
        if body.contains_key(locked) {
            errors.push(format!("{locked} cannot be changed here"));
        }
    }
    if !errors.is_empty() {
        return bad_request(errors.join("; "));
    }
    let section = section_key(&customer);
    if let Some(target) = customer[section].as_object_mut() {
        merge(target, body);
    }
    app.store().bvnk_customers.insert(key, customer.clone());
    formats::json(StatusCode::OK, customer)
}

fn merge(target: &mut Map<String, Value>, changes: Map<String, Value>) {
    for (k, v) in changes {
        match (target.get_mut(&k), v) {
            (Some(Value::Object(t)), Value::Object(c)) => merge(t, c),
            (_, v) => {
                target.insert(k, v);
            }
        }
    }
}

fn transition_allowed(from: &str, to: &str) -> bool {
    from == to
        || matches!(
            (from, to),
            ("PENDING_AGREEMENTS", "INFO_REQUIRED")
                | ("INFO_REQUIRED", "PENDING")
                | ("PENDING", "INFO_REQUIRED")
                | ("PENDING", "VERIFIED")
                | ("PENDING", "REJECTED")
        )
}

pub(super) async fn update_status(
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
    let (key, mut customer) = match lookup(&app, &reference) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(to) = str_field(&body, "status").filter(|s| STATUSES.contains(s)) else {
        return bad_request(format!("status must be one of {}", STATUSES.join(", ")));
    };
    let from = customer["status"].as_str().unwrap_or("").to_string();
    if !transition_allowed(&from, to) {
        return error(
            StatusCode::CONFLICT,
            "INVALID_STATUS_TRANSITION",
            format!("A customer cannot move from {from} to {to}"),
        );
    }
    customer["status"] = json!(to);
    let section = section_key(&customer);
    customer[section]["verification"]["status"] = json!(verification_word(to));
    app.store().bvnk_customers.insert(key, customer.clone());
    formats::json(StatusCode::OK, customer)
}
