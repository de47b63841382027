//! BVNK's error answers.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::formats;

pub(super) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    formats::json(
        status,
        json!({ "status": status.as_u16(), "code": code, "message": message.into() }),
    )
}

pub(super) fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

pub(super) fn unauthorized(message: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Hawk"));
    r
}
