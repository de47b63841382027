//! The shapes of Fin.com's error answers.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::formats;

pub(super) type FieldErrors = Vec<(String, String)>;

pub(super) fn message(status: StatusCode, text: &str) -> Response {
    formats::json(status, json!({ "message": text }))
}

pub(super) fn unprocessable(errors: FieldErrors) -> Response {
    let first = errors
        .first()
        .map(|(f, m)| format!("{f}: {m}"))
        .unwrap_or_else(|| "The given data was invalid.".into());
    let list: Vec<Value> = errors.into_iter().map(|(f, m)| json!({ f: m })).collect();
    formats::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "message": first, "errors": list }),
    )
}

pub(super) fn coded(status: StatusCode, code: &str, text: &str) -> Response {
    formats::json(
        status,
        json!({ "error": { "code": code, "message": text } }),
    )
}

pub(super) fn unauthorized() -> Response {
    message(StatusCode::UNAUTHORIZED, "Authentication failed")
}

pub(super) fn forbidden() -> Response {
    coded(
        StatusCode::FORBIDDEN,
        "forbidden",
        "Customer is not eligible for this operation",
    )
}
