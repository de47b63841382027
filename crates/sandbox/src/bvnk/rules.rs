//! Reading a BVNK body, under today's field names, and the checks shared by customers and
//! their associates.

use axum::body::Bytes;
use axum::response::Response;
use serde_json::Value;

use super::reply::bad_request;
use crate::formats::{is_upper_alpha, parse_date, present, str_field};

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

pub(super) fn parse(body: &Bytes) -> Result<Value, Response> {
    let mut v: Value =
        serde_json::from_slice(body).map_err(|_| bad_request("Malformed JSON body"))?;
    normalise(&mut v);
    Ok(v)
}

pub(super) fn check_address(a: &Value, path: &str, errors: &mut Vec<String>) {
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

pub(super) fn check_person(p: &Value, path: &str, errors: &mut Vec<String>) {
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
