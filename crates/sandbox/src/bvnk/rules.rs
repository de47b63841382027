//! Reading a BVNK body, under today's field names, and the field checks of customers and
//! their associates. Each problem is recorded under its field path, as BVNK answers them.

use axum::body::Bytes;
use axum::response::Response;
use serde_json::Value;

use super::reply::{bad_request, Problems};
use crate::formats::{is_guid, is_upper_alpha, parse_date, present, str_field};

const ISO2: &str = "must be an ISO 3166-1 alpha-2 code";
const BLANK: &str = "must not be blank";

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

/// `path.field` when there is a path, `field` at the top level.
pub(super) fn at(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A required non-blank text field.
pub(super) fn require(v: &Value, path: &str, field: &str, p: &mut Problems) {
    if !present(v, field) {
        p.add(at(path, field), BLANK);
    } else if !v[field].is_string() {
        p.add(at(path, field), "must be a string");
    }
}

/// An optional ISO 3166-1 alpha-2 code (required when `needed`).
pub(super) fn country(v: &Value, path: &str, field: &str, needed: bool, p: &mut Problems) {
    match v.get(field) {
        None | Some(Value::Null) if !needed => {}
        Some(Value::String(cc)) if is_upper_alpha(cc, 2) => {}
        None | Some(Value::Null) => p.add(at(path, field), BLANK),
        Some(_) => p.add(at(path, field), ISO2),
    }
}

fn email(v: &Value, path: &str, field: &str, p: &mut Problems) {
    match v.get(field) {
        None | Some(Value::Null) => {}
        Some(Value::String(e)) if e.contains('@') => {}
        Some(_) => p.add(at(path, field), "must be a well-formed email address"),
    }
}

pub(super) fn check_address(a: &Value, path: &str, country_needed: bool, p: &mut Problems) {
    if !a.is_object() {
        p.add(path, "must be an object");
        return;
    }
    country(a, path, "countryCode", country_needed, p);
}

fn date_of_birth(v: &Value, path: &str, p: &mut Problems) {
    match str_field(v, "dateOfBirth") {
        Some(d) if parse_date(d).is_some() => {}
        Some(_) => p.add(
            at(path, "dateOfBirth"),
            "must be a date in the format YYYY-MM-DD",
        ),
        None => p.add(at(path, "dateOfBirth"), BLANK),
    }
}

/// A natural person: an INDIVIDUAL's `individual` section or an associate's `person`.
pub(super) fn check_person(person: &Value, path: &str, p: &mut Problems) {
    require(person, path, "firstName", p);
    require(person, path, "lastName", p);
    date_of_birth(person, path, p);
    if let Some(a) = person.get("address").filter(|a| !a.is_null()) {
        check_address(a, &at(path, "address"), false, p);
    }
}

/// The `individual` section of an INDIVIDUAL customer: a person, plus the optional fields
/// the create page lists.
pub(super) fn check_individual(s: &Value, p: &mut Problems) {
    let path = "individual";
    check_person(s, path, p);
    country(s, path, "birthCountryCode", false, p);
    country(s, path, "nationality", false, p);
    email(s, path, "emailAddress", p);
    match s.get("taxIdentification") {
        None | Some(Value::Null) => {}
        Some(t @ Value::Object(_)) => {
            country(
                t,
                "individual.taxIdentification",
                "taxResidenceCountryCode",
                false,
                p,
            );
        }
        Some(_) => p.add("individual.taxIdentification", "must be an object"),
    }
}

/// One associate of a COMPANY: who they are, how to reach them, and what they control.
pub(super) fn check_associate(a: &Value, path: &str, p: &mut Problems) {
    match a.get("person") {
        Some(person @ Value::Object(_)) => {
            check_person(person, &at(path, "person"), p);
            // A person may keep the reference BVNK gave it earlier; else one is made.
            match person.get("reference") {
                None | Some(Value::Null) => {}
                Some(Value::String(r)) if is_guid(r) => {}
                Some(_) => p.add(at(path, "person.reference"), "must be a UUID"),
            }
        }
        _ => p.add(at(path, "person"), "must not be null"),
    }
    let contact = &a["details"]["contactInfo"];
    if contact.is_object() {
        email(contact, &at(path, "details.contactInfo"), "emailAddress", p);
    }
    match a.get("controls") {
        None | Some(Value::Null) => {}
        Some(c @ Value::Object(_)) => {
            for flag in ["hasOwnership", "hasControl", "isSigner"] {
                if !matches!(c.get(flag), None | Some(Value::Null | Value::Bool(_))) {
                    p.add(at(path, &format!("controls.{flag}")), "must be a boolean");
                }
            }
        }
        Some(_) => p.add(at(path, "controls"), "must be an object"),
    }
}

fn flag(a: &Value, name: &str) -> bool {
    a["controls"][name].as_bool().unwrap_or(false)
}

/// A list of associates: each one checked, and between them someone who controls the
/// company and someone who signs for it. `path` names the list itself.
pub(super) fn check_associates(list: Option<&Value>, path: &str, p: &mut Problems) {
    let Some(list) = list.and_then(Value::as_array) else {
        p.add(path, "must be a list of associates");
        return;
    };
    for (i, a) in list.iter().enumerate() {
        check_associate(a, &format!("{path}[{i}]"), p);
    }
    if !list.iter().any(|a| flag(a, "hasControl")) {
        p.add(
            path,
            "at least one associate must have controls.hasControl true",
        );
    }
    if !list.iter().any(|a| flag(a, "isSigner")) {
        p.add(
            path,
            "at least one associate must have controls.isSigner true",
        );
    }
}

/// The `company` section of a COMPANY customer.
pub(super) fn check_company(s: &Value, p: &mut Problems) {
    let path = "company";
    require(s, path, "name", p);
    require(s, path, "registrationNumber", p);
    country(s, path, "taxResidenceCountryCode", true, p);
    match s.get("address") {
        Some(a) if !a.is_null() => check_address(a, "company.address", true, p),
        _ => p.add("company.address", "must not be null"),
    }
    check_associates(s.get("associates"), "company.associates", p);
}
