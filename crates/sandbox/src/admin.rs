//! `/_sandbox/*`: statistics, fault settings and the COS event log, for tests and trainers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::faults::Faults;
use crate::state::App;
use crate::util;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/faults", get(get_faults).put(put_faults))
        .route("/_sandbox/events", get(events))
}

async fn stats(State(app): State<Arc<App>>) -> Response {
    let stats = app.store().stats.clone();
    util::json(StatusCode::OK, json!(stats))
}

async fn events(State(app): State<Arc<App>>) -> Response {
    let events = app.store().cos_events.clone();
    util::json(StatusCode::OK, json!(events))
}

async fn get_faults(State(app): State<Arc<App>>) -> Response {
    let faults = app.faults().faults().clone();
    util::json(StatusCode::OK, json!(faults))
}

async fn put_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    match Faults::from_json_str(&text) {
        Ok(faults) => {
            app.faults().replace(faults.clone());
            util::json(StatusCode::OK, json!(faults))
        }
        Err(err) => util::json(
            StatusCode::BAD_REQUEST,
            json!({ "message": err.to_string() }),
        ),
    }
}
