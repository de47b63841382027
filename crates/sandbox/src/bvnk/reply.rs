//! BVNK's error answers. Every one has the documented envelope
//! `{"code", "status": "<reason phrase>", "message", "details": {"errors": {field: [..]}} | null}`,
//! so a client reads one shape whatever went wrong.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::formats;

/// The code BVNK gives a request whose fields break the rules.
const INVALID_REQUEST: &str = "ACCOUNTS-2000";

/// The envelope as JSON; also used by the middleware for faults and idempotency refusals.
pub(crate) fn body(status: StatusCode, code: &str, message: &str, details: Value) -> Value {
    json!({
        "code": code,
        "status": status.canonical_reason().unwrap_or("Error"),
        "message": message,
        "details": details,
    })
}

pub(super) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    formats::json(status, body(status, code, &message.into(), Value::Null))
}

/// A body that cannot be read at all (not JSON, or not the object/array the endpoint
/// takes): there is no field to name, so no details.
pub(super) fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

pub(super) fn not_found(message: impl Into<String>) -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", message)
}

pub(super) fn unauthorized(message: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Hawk"));
    r
}

/// Field problems gathered while checking a body, all answered at once under their paths
/// (`company.name`, `company.associates[0].person.dateOfBirth`, `[1].subType`).
#[derive(Debug, Default)]
pub(super) struct Problems(Vec<(String, String)>);

impl Problems {
    pub(super) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// `Ok` when nothing was found, else the 400 answer listing every problem.
    pub(super) fn into_result(self) -> Result<(), Response> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.answer())
        }
    }

    fn answer(self) -> Response {
        let mut errors = Map::new();
        for (field, message) in self.0 {
            match errors.entry(field).or_insert_with(|| json!([])) {
                Value::Array(list) => list.push(json!(message)),
                other => *other = json!([message]),
            }
        }
        let status = StatusCode::BAD_REQUEST;
        let details = json!({ "errors": errors });
        formats::json(
            status,
            body(status, INVALID_REQUEST, "Invalid request", details),
        )
    }
}

/// One field problem as the whole answer.
pub(super) fn invalid(field: &str, message: impl Into<String>) -> Response {
    let mut p = Problems::default();
    p.add(field, message);
    p.answer()
}

/// Rewrites the framework's own plain-text refusals (405, 413 from the body limit, …) on
/// BVNK routes into the envelope, so no BVNK error escapes in another shape.
pub(super) async fn envelope_plain_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    // Framework refusals are a line of text; anything longer is not one of them.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        text
    };
    let code = status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace(' ', "_");
    let mut answer = error(status, &code, message);
    for (name, value) in &parts.headers {
        // Keep what the refusal said besides its body (Allow on a 405, WWW-Authenticate).
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}
