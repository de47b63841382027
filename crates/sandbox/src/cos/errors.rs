//! COS's error codes and the bodies that carry them.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::formats;

// Error codes. Ranges follow the COS convention: 1xxx validation, 2xxx rule violation,
// 3xxx security, 9999 system.
pub(super) const REQUIRED: u32 = 1000;
pub(super) const FORMAT: u32 = 1001;
pub(super) const ENUM: u32 = 1002;
pub(super) const TOO_LONG: u32 = 1003;
pub(super) const TYPE: u32 = 1004;
pub(super) const MALFORMED: u32 = 1005;
pub(super) const NOT_FOUND: u32 = 2000;
pub(super) const NOT_PERSONAL_OWNER: u32 = 2001;
pub(super) const NOT_PERSONAL_BENEFICIAL_OWNER: u32 = 2002;
pub(super) const NOT_BUSINESS: u32 = 2003;
pub(super) const OWNERSHIP_OVER_100: u32 = 2004;
pub(super) const IDENTIFICATION_NOT_FOUND: u32 = 2005;
pub(super) const UNAUTHORIZED: u32 = 3000;
pub(super) const WRONG_PARTNER: u32 = 3001;

pub(super) type Errors = Vec<(u32, String)>;

pub(super) fn errors(status: StatusCode, list: Errors) -> Response {
    let list: Vec<Value> = list
        .into_iter()
        .map(|(code, message)| json!({ "Code": code, "Message": message }))
        .collect();
    formats::json(status, json!({ "Errors": list }))
}

pub(super) fn one_error(status: StatusCode, code: u32, message: impl Into<String>) -> Response {
    errors(status, vec![(code, message.into())])
}

pub(super) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    formats::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

pub(super) fn parse_body(body: &Bytes) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(one_error(
            StatusCode::BAD_REQUEST,
            MALFORMED,
            "Request body must be a JSON object",
        )),
    }
}
