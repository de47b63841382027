//! The associates of a COMPANY customer, replaced as a whole.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::create::with_people;
use super::customers::lookup;
use super::hawk::verify_hawk;
use super::reply::{bad_request, invalid, Problems};
use super::rules::{check_associates, parse};
use crate::formats;
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
        return invalid("type", "Only COMPANY customers have associates");
    }
    let body = match parse(&body) {
        Ok(b @ Value::Object(_)) => b,
        Ok(_) => return bad_request("Body must be a JSON object"),
        Err(r) => return r,
    };
    // The same rules as at creation, so a company never loses its controller or signer.
    let mut p = Problems::default();
    check_associates(body.get("associates"), "associates", &mut p);
    if let Err(r) = p.into_result() {
        return r;
    }
    let list = body["associates"].as_array().cloned().unwrap_or_default();
    let status = customer["status"]
        .as_str()
        .unwrap_or("INFO_REQUIRED")
        .to_string();
    customer["company"]["associates"] = json!(with_people(&app, &list, &status));
    app.store().bvnk_customers.insert(key, customer.clone());
    formats::json(StatusCode::OK, customer)
}
