//! Agreement signing sessions: the customer accepts BVNK's terms in one before a customer
//! can be created with it (`signedAgreementSessionReference`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::hawk::verify_hawk;
use super::reply::{bad_request, error, not_found, Problems};
use super::rules::{country, parse};
use crate::formats;
use crate::state::{App, BvnkSession};

const CUSTOMER_TYPES: &[&str] = &["INDIVIDUAL", "COMPANY"];
const USE_CASES: &[&str] = &[
    "STABLECOIN_PAYOUTS",
    "FIAT",
    "EMBEDDED_FIAT_ACCOUNTS",
    "EMBEDDED_STABLECOIN_WALLETS",
];
/// How long a session can be signed, as BVNK's example answer shows (`expiresOn`).
const LIFETIME_DAYS: i64 = 7;

fn one_of(body: &Value, field: &str, allowed: &[&str], p: &mut Problems) {
    match body.get(field) {
        None | Some(Value::Null) => p.add(field, "must not be null"),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => {}
        Some(_) => p.add(field, format!("must be one of {}", allowed.join(", "))),
    }
}

pub(super) async fn create_session(
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
        Ok(b @ Value::Object(_)) => b,
        Ok(_) => return bad_request("Body must be a JSON object"),
        Err(r) => return r,
    };
    let mut p = Problems::default();
    one_of(&body, "customerType", CUSTOMER_TYPES, &mut p);
    country(&body, "", "countryCode", true, &mut p);
    one_of(&body, "useCase", USE_CASES, &mut p);
    if let Err(r) = p.into_result() {
        return r;
    }
    let reference = uuid::Uuid::new_v4().to_string();
    let expires = Utc::now() + Duration::days(LIFETIME_DAYS);
    let record = json!({
        "reference": reference,
        "status": "PENDING",
        "customerType": body["customerType"],
        "useCase": body["useCase"],
        "countryCode": body["countryCode"],
        "expiresOn": expires.to_rfc3339_opts(SecondsFormat::Secs, true),
        "agreements": [{
            "status": "PENDING",
            "name": "EMBEDDED_PARTNER_PLATFORM_CUSTOMERS",
            "displayName": "Terms and Conditions",
            "url": format!("{}/platform/agreements/terms", app.base_url()),
        }],
    });
    let session = BvnkSession {
        record: record.clone(),
        customer: None,
    };
    app.store().bvnk_sessions.insert(reference, session);
    formats::json(StatusCode::CREATED, record)
}

fn unknown(reference: &str) -> Response {
    not_found(format!(
        "Agreement session with reference: {reference} was not found"
    ))
}

pub(super) async fn get_session(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Response {
    if let Err(r) = verify_hawk(&app, &method, &uri, &headers) {
        return r;
    }
    let found = app
        .store()
        .bvnk_sessions
        .get(&reference.to_ascii_lowercase())
        .map(|s| s.record.clone());
    match found {
        Some(record) => formats::json(StatusCode::OK, record),
        None => unknown(&reference),
    }
}

/// Signs or declines a session. Saying the same thing twice is fine (a retry); changing
/// one's mind afterwards is not.
pub(super) async fn update_session(
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
    let key = reference.to_ascii_lowercase();
    if !app.store().bvnk_sessions.contains_key(&key) {
        return unknown(&reference);
    }
    let body = match parse(&body) {
        Ok(b @ Value::Object(_)) => b,
        Ok(_) => return bad_request("Body must be a JSON object"),
        Err(r) => return r,
    };
    let mut p = Problems::default();
    one_of(&body, "status", &["SIGNED", "DECLINED"], &mut p);
    if !matches!(
        body.get("ipAddress"),
        None | Some(Value::Null | Value::String(_))
    ) {
        p.add("ipAddress", "must be a string");
    }
    if let Err(r) = p.into_result() {
        return r;
    }
    let to = body["status"].as_str().unwrap_or("SIGNED");
    let mut store = app.store();
    let Some(session) = store.bvnk_sessions.get_mut(&key) else {
        return unknown(&reference);
    };
    let from = session.record["status"].as_str().unwrap_or("PENDING");
    if from != "PENDING" && from != to {
        return error(
            StatusCode::CONFLICT,
            "INVALID_SESSION_STATUS",
            format!("Agreement session with reference: {reference} is already {from}"),
        );
    }
    session.record["status"] = json!(to);
    if let Some(agreements) = session.record["agreements"].as_array_mut() {
        for a in agreements {
            a["status"] = json!(to);
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// What the agreement's `url` opens: a stand-in for BVNK's terms page.
pub(super) async fn terms_page() -> Response {
    Html(
        "<!doctype html><title>BVNK Terms and Conditions (sandbox)</title>\
         <h1>Terms and Conditions</h1><p>Sandbox terms for embedded partner platform \
         customers. Signing happens through the agreement session, not on this page.</p>",
    )
    .into_response()
}
