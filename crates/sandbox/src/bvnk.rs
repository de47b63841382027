//! BVNK Customers API v1 ("platform") behind Hawk authentication.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use base64::Engine;
use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::state::App;
use crate::util::{self, is_guid, is_upper_alpha, parse_date, present, str_field};

const SKEW_SECS: i64 = 60;
const NONCE_WINDOW_SECS: i64 = 15 * 60;
const STATUSES: &[&str] = &[
    "PENDING_AGREEMENTS",
    "INFO_REQUIRED",
    "PENDING",
    "VERIFIED",
    "REJECTED",
];

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/platform/v1/customers", post(create))
        .route(
            "/platform/v1/customers/{reference}",
            get(get_customer).put(update_details),
        )
        .route(
            "/platform/v1/customers/{reference}/status",
            put(update_status),
        )
        .route(
            "/platform/v1/customers/{reference}/associates",
            put(update_associates),
        )
        .route(
            "/platform/v1/customers/{reference}/documents",
            post(add_documents),
        )
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    util::json(
        status,
        json!({ "status": status.as_u16(), "code": code, "message": message.into() }),
    )
}

fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

fn unauthorized(message: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Hawk"));
    r
}

/// `key="value"` pairs of a Hawk header, or None when it is not Hawk at all.
fn hawk_attributes(value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.trim().strip_prefix("Hawk ")?;
    let mut out = Vec::new();
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        let v = v.trim().strip_prefix('"')?.strip_suffix('"')?;
        out.push((k.trim().to_string(), v.to_string()));
    }
    Some(out)
}

fn hmac_b64(key: &str, text: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()?;
    mac.update(text.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Verifies the Hawk v1 header: MAC over the normalised request string, ±60 s clock skew,
/// and no nonce twice within 15 minutes.
fn verify_hawk(app: &App, method: &Method, uri: &Uri, headers: &HeaderMap) -> Result<(), Response> {
    let Some(attrs) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(hawk_attributes)
    else {
        return Err(unauthorized(
            "Missing or malformed Hawk authorization header",
        ));
    };
    let attr = |k: &str| {
        attrs
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let (Some(id), Some(ts), Some(nonce), Some(mac)) =
        (attr("id"), attr("ts"), attr("nonce"), attr("mac"))
    else {
        return Err(unauthorized("Hawk header needs id, ts, nonce and mac"));
    };
    let creds = &app.creds.bvnk;
    if id != creds.hawk_id {
        return Err(unauthorized("Unknown Hawk id"));
    }
    let host_header = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (host, port) = match host_header.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() => (h, p),
        _ => (host_header, "443"),
    };
    let resource = uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or_else(|| uri.path());
    let normalized = format!(
        "hawk.1.header\n{ts}\n{nonce}\n{}\n{resource}\n{}\n{port}\n{}\n{}\n",
        method.as_str().to_ascii_uppercase(),
        host.to_ascii_lowercase(),
        attr("hash").unwrap_or(""),
        attr("ext").unwrap_or(""),
    );
    let expected = hmac_b64(&creds.hawk_key, &normalized).unwrap_or_default();
    if !constant_time_eq(expected.as_bytes(), mac.as_bytes()) {
        return Err(unauthorized("Bad mac"));
    }
    let now = Utc::now().timestamp();
    let Ok(ts_value) = ts.parse::<i64>() else {
        return Err(unauthorized("Bad timestamp"));
    };
    if (now - ts_value).abs() > SKEW_SECS {
        let mut r = unauthorized("Stale timestamp");
        let tsm = hmac_b64(&creds.hawk_key, &format!("hawk.1.ts\n{now}\n")).unwrap_or_default();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "Hawk ts=\"{now}\", tsm=\"{tsm}\", error=\"Stale timestamp\""
        )) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        return Err(r);
    }
    let mut store = app.store();
    store
        .bvnk_nonces
        .retain(|_, seen| now - *seen <= NONCE_WINDOW_SECS);
    let key = format!("{id}\n{nonce}");
    if store.bvnk_nonces.contains_key(&key) {
        return Err(unauthorized("Replayed nonce"));
    }
    store.bvnk_nonces.insert(key, now);
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Older pages spell some fields differently; read them under the current names.
fn normalise(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (old, new) in [("postCode", "postalCode"), ("contactinfo", "contactInfo")] {
                if !map.contains_key(new) {
                    if let Some(x) = map.remove(old) {
                        map.insert(new.to_string(), x);
                    }
                }
            }
            map.values_mut().for_each(normalise);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}

fn parse(body: &Bytes) -> Result<Value, Response> {
    let mut v: Value =
        serde_json::from_slice(body).map_err(|_| bad_request("Malformed JSON body"))?;
    normalise(&mut v);
    Ok(v)
}

fn check_address(a: &Value, path: &str, errors: &mut Vec<String>) {
    if !a.is_object() {
        errors.push(format!("{path} must be an object"));
        return;
    }
    if let Some(cc) = str_field(a, "countryCode") {
        if !is_upper_alpha(cc, 2) {
            errors.push(format!(
                "{path}.countryCode must be an ISO 3166-1 alpha-2 code"
            ));
        }
    }
}

fn check_person(p: &Value, path: &str, errors: &mut Vec<String>) {
    for f in ["firstName", "lastName"] {
        if !present(p, f) {
            errors.push(format!("{path}.{f} is required"));
        }
    }
    if let Some(d) = str_field(p, "dateOfBirth") {
        if parse_date(d).is_none() {
            errors.push(format!("{path}.dateOfBirth must be YYYY-MM-DD"));
        }
    }
    if let Some(a) = p.get("address") {
        check_address(a, &format!("{path}.address"), errors);
    }
}

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

async fn create(
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
    util::json(StatusCode::CREATED, customer)
}

fn lookup(app: &App, reference: &str) -> Result<(String, Value), Response> {
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

async fn get_customer(
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
        Ok((_, c)) => util::json(StatusCode::OK, c),
        Err(r) => r,
    }
}

async fn update_details(
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
    util::json(StatusCode::OK, customer)
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

async fn update_status(
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
    util::json(StatusCode::OK, customer)
}

async fn update_associates(
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
    if customer["type"] != "COMPANY" {
        return bad_request("Only COMPANY customers have associates");
    }
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(list) = body.get("associates").and_then(Value::as_array) else {
        return bad_request("associates must be an array");
    };
    let mut errors = Vec::new();
    let mut associates = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let Some(person) = a.get("person").filter(|p| p.is_object()) else {
            errors.push(format!("associates[{i}].person is required"));
            continue;
        };
        check_person(person, &format!("associates[{i}].person"), &mut errors);
        let mut a = a.clone();
        let person_ref = match str_field(person, "reference") {
            Some(r) if is_guid(r) => r.to_string(),
            Some(_) => {
                errors.push(format!("associates[{i}].person.reference must be a UUID"));
                continue;
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        a["person"]["reference"] = json!(person_ref);
        if a.get("verification").is_none() {
            a["verification"] = json!({
                "url": format!("{}/platform/verify/{person_ref}", app.base_url()),
                "status": "infoRequired",
            });
        }
        associates.push(a);
    }
    if !errors.is_empty() {
        return bad_request(errors.join("; "));
    }
    customer["company"]["associates"] = Value::Array(associates);
    app.store().bvnk_customers.insert(key, customer.clone());
    util::json(StatusCode::OK, customer)
}

async fn add_documents(
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
    util::json(StatusCode::ACCEPTED, json!({ "documents": accepted }))
}
