//! `/_sandbox/*`: statistics, fault settings, the COS event log and Fin.com customer marks,
//! for tests and trainers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use serde_json::{json, Value};

use crate::faults::Faults;
use crate::formats;
use crate::state::App;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/faults", get(get_faults).put(put_faults))
        .route("/_sandbox/events", get(events))
        .route(
            "/_sandbox/cos/customers/{id}/beneficial-owners",
            get(cos_beneficial_owners),
        )
        .route(
            "/_sandbox/fin/customers/{customer_id}",
            put(mark_fin_customer),
        )
        .route("/_sandbox/fin/tos", put(put_fin_tos))
}

/// Moves Fin.com's terms links to another base (any text, hostile ones included: the point
/// is to see a client refuse them), or back to the sandbox with `null`.
async fn put_fin_tos(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let base = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => match fields.get("base_url") {
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Null) => None,
            _ => return bad_request("expected {\"base_url\": \"…\"} or {\"base_url\": null}"),
        },
        _ => return bad_request("expected a JSON object with base_url"),
    };
    app.set_tos_base_url(base);
    formats::json(StatusCode::OK, json!({ "base_url": app.tos_base_url() }))
}

async fn stats(State(app): State<Arc<App>>) -> Response {
    let stats = app.store().stats.clone();
    formats::json(StatusCode::OK, json!(stats))
}

async fn events(State(app): State<Arc<App>>) -> Response {
    let events = app.store().cos_events.clone();
    formats::json(StatusCode::OK, json!(events))
}

/// The beneficial owners a COS Business holds, as added (COS itself has no route to list
/// them): for a test or trainer to see what reached the provider.
async fn cos_beneficial_owners(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let store = app.store();
    match store.cos_customers.get(&id.to_ascii_lowercase()) {
        Some(customer) => formats::json(StatusCode::OK, json!(customer.beneficial_owners)),
        None => formats::json(
            StatusCode::NOT_FOUND,
            json!({ "message": "Customer not found" }),
        ),
    }
}

async fn get_faults(State(app): State<Arc<App>>) -> Response {
    let faults = app.faults().faults().clone();
    formats::json(StatusCode::OK, json!(faults))
}

async fn put_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    match Faults::from_json_str(&text) {
        Ok(faults) => {
            app.faults().replace(faults.clone());
            formats::json(StatusCode::OK, json!(faults))
        }
        Err(err) => formats::json(
            StatusCode::BAD_REQUEST,
            json!({ "message": err.to_string() }),
        ),
    }
}

fn bad_request(text: &str) -> Response {
    formats::json(StatusCode::BAD_REQUEST, json!({ "message": text }))
}

/// Marks a Fin.com customer as of another `customer_type` (e.g. BUSINESS) or `api_version`
/// (v1), which Create Individual V2 never makes, so the attach's 403 for them can be met.
async fn mark_fin_customer(
    State(app): State<Arc<App>>,
    Path(customer_id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(Value::Object(marks)) = serde_json::from_slice::<Value>(&body) else {
        return bad_request("expected a JSON object with customer_type and/or api_version");
    };
    let mut customer_type = None;
    let mut api_version = None;
    for (key, value) in &marks {
        let allowed: &[&str] = match key.as_str() {
            "customer_type" => &["INDIVIDUAL", "BUSINESS"],
            "api_version" => &["v1", "v2"],
            _ => return bad_request(&format!("unknown field {key}")),
        };
        let Some(text) = value.as_str().filter(|t| allowed.contains(t)) else {
            return bad_request(&format!("{key} must be one of {}", allowed.join(", ")));
        };
        if key == "customer_type" {
            customer_type = Some(text.to_string());
        } else {
            api_version = Some(text.to_string());
        }
    }
    let mut store = app.store();
    let Some(customer) = store
        .fin_customers
        .get_mut(&customer_id.to_ascii_lowercase())
    else {
        return formats::json(
            StatusCode::NOT_FOUND,
            json!({ "message": "Customer not found" }),
        );
    };
    if let Some(kind) = customer_type {
        customer.customer_type = kind;
    }
    if let Some(version) = api_version {
        customer.api_version = version;
    }
    formats::json(
        StatusCode::OK,
        json!({
            "customer_id": customer.customer_id,
            "customer_type": customer.customer_type,
            "api_version": customer.api_version,
            "customer_status": customer.status,
        }),
    )
}
