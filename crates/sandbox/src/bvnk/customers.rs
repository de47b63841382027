//! Reading a customer, updating its details and moving its status by hand.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Map, Value};

use super::hawk::verify_hawk;
use super::reply::{bad_request, error, invalid, not_found, Problems};
use super::rules::{check_address, parse};
use super::status::{section_key, set_status, transition_allowed, STATUSES};
use crate::formats::{self, parse_date, str_field};
use crate::state::App;

pub(super) fn lookup(app: &App, reference: &str) -> Result<(String, Value), Response> {
    let key = reference.to_ascii_lowercase();
    match app.store().bvnk_customers.get(&key) {
        Some(c) => Ok((key, c.clone())),
        None => Err(not_found(format!(
            "Customer with reference: {reference} was not found"
        ))),
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
    let mut p = Problems::default();
    if let Some(a) = body.get("address") {
        check_address(a, "address", false, &mut p);
    }
    if let Some(d) = body.get("dateOfBirth").and_then(Value::as_str) {
        if parse_date(d).is_none() {
            p.add("dateOfBirth", "must be a date in the format YYYY-MM-DD");
        }
    }
    for locked in ["reference", "status", "type"] {
        if body.contains_key(locked) {
            p.add(locked, "cannot be changed here");
        }
    }
    if let Err(r) = p.into_result() {
        return r;
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
    let (key, customer) = match lookup(&app, &reference) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(to) = str_field(&body, "status").filter(|s| STATUSES.contains(s)) else {
        return invalid("status", format!("must be one of {}", STATUSES.join(", ")));
    };
    let from = customer["status"].as_str().unwrap_or("");
    if !transition_allowed(from, to) {
        return error(
            StatusCode::CONFLICT,
            "INVALID_STATUS_TRANSITION",
            format!("A customer cannot move from {from} to {to}"),
        );
    }
    let mut store = app.store();
    match set_status(&mut store, &key, to, Utc::now()) {
        Some(updated) => {
            *store.stats.status_changes.entry("bvnk".into()).or_default() += 1;
            formats::json(StatusCode::OK, updated)
        }
        None => not_found(format!(
            "Customer with reference: {reference} was not found"
        )),
    }
}
