//! The associates of a COMPANY customer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::customers::lookup;
use super::hawk::verify_hawk;
use super::reply::bad_request;
use super::rules::{check_person, parse};
use crate::formats::{self, is_guid, str_field};
use crate::state::App;

pub(super) async fn update_associates(
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
    formats::json(StatusCode::OK, customer)
}
