//! Creating a customer: its fields, the signed agreement session it must name, and its
//! associates, each given a person reference and a verification link.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::hawk::verify_hawk;
use super::reply::{bad_request, error, Problems};
use super::rules::{check_company, check_individual, parse};
use super::status::{section_key, verification_word};
use crate::formats::{self, is_guid, str_field};
use crate::state::{App, Store};

/// Where BVNK's verification page for a customer or person would be.
pub(super) fn verification(app: &App, reference: &str, status: &str) -> Value {
    json!({
        "url": format!("{}/platform/verify/{reference}", app.base_url()),
        "status": verification_word(status),
    })
}

/// Gives each associate a person reference (its own, when it sent a UUID, else a new one)
/// and a verification of its own. The list has been checked already.
pub(super) fn with_people(app: &App, list: &[Value], status: &str) -> Vec<Value> {
    list.iter()
        .map(|a| {
            let mut a = a.clone();
            let person_ref = match str_field(&a["person"], "reference") {
                Some(r) if is_guid(r) => r.to_ascii_lowercase(),
                _ => uuid::Uuid::new_v4().to_string(),
            };
            a["person"]["reference"] = json!(person_ref);
            a["verification"] = verification(app, &person_ref, status);
            a
        })
        .collect()
}

/// Problems with the named agreement session: it must exist, be signed, be for this type
/// of customer, and not have served another customer yet.
fn check_session(store: &Store, reference: &str, kind: &str, p: &mut Problems) {
    let field = "signedAgreementSessionReference";
    let said = |what: &str| format!("Agreement session with reference: {reference} {what}");
    let Some(session) = store.bvnk_sessions.get(&reference.to_ascii_lowercase()) else {
        p.add(field, said("was not found"));
        return;
    };
    if session.customer.is_some() {
        p.add(field, said("is already assigned to the customer"));
    } else if session.record["status"] != "SIGNED" {
        p.add(field, said("is not signed"));
    } else if session.record["customerType"] != kind {
        p.add(field, said(&format!("is not for customer type {kind}")));
    }
}

fn tax_id(section: &Value) -> Option<String> {
    section["registrationNumber"]
        .as_str()
        .or(section["taxIdentification"]["number"].as_str())
        .map(str::to_string)
}

pub(super) async fn create(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = verify_hawk(&app, &method, &uri, &headers) {
        return r;
    }
    let body = match parse(&body) {
        Ok(b @ Value::Object(_)) => b,
        Ok(_) => return bad_request("Body must be a JSON object"),
        Err(r) => return r,
    };
    let mut p = Problems::default();
    let kind = str_field(&body, "type").unwrap_or("");
    let section = match kind {
        "COMPANY" => body.get("company"),
        "INDIVIDUAL" => body.get("individual").or(body.get("person")),
        _ => {
            p.add("type", "must be one of COMPANY, INDIVIDUAL");
            None
        }
    };
    let reference = match str_field(&body, "reference") {
        Some(r) if is_guid(r) => r.to_ascii_lowercase(),
        Some(_) => {
            p.add("reference", "must be a UUID");
            String::new()
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    let session_ref = str_field(&body, "signedAgreementSessionReference")
        .filter(|s| !s.trim().is_empty())
        .map(str::trim);
    if session_ref.is_none() {
        p.add("signedAgreementSessionReference", "must not be blank");
    }
    let external = match body.get("externalReference") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            p.add("externalReference", "must be a string");
            None
        }
    };
    let key = if kind == "COMPANY" {
        "company"
    } else {
        "individual"
    };
    match (section, kind) {
        (Some(s @ Value::Object(_)), "COMPANY") => check_company(s, &mut p),
        (Some(s @ Value::Object(_)), "INDIVIDUAL") => check_individual(s, &mut p),
        (_, "COMPANY" | "INDIVIDUAL") => p.add(key, "must not be null"),
        _ => {}
    }

    let mut store = app.store();
    if let Some(s) = session_ref.filter(|_| !kind.is_empty()) {
        check_session(&store, s, kind, &mut p);
    }
    if let Some(ext) = &external {
        let taken = store
            .bvnk_customers
            .values()
            .any(|c| c["externalReference"].as_str() == Some(ext.as_str()));
        if taken {
            p.add(
                "externalReference",
                format!("Customer with external reference: {ext} already exists"),
            );
        }
    }
    if let Err(r) = p.into_result() {
        return r;
    }
    if store.bvnk_customers.contains_key(&reference) {
        return error(
            StatusCode::CONFLICT,
            "CUSTOMER_EXISTS",
            "A customer with this reference already exists",
        );
    }

    let status = "INFO_REQUIRED";
    let mut section = section.cloned().unwrap_or_else(|| json!({}));
    section["verification"] = verification(&app, &reference, status);
    if let Some(list) = section["associates"].as_array() {
        section["associates"] = json!(with_people(&app, list, status));
    }
    let tax = tax_id(&section);
    let duplicate = store
        .bvnk_customers
        .values()
        .any(|other| tax.is_some() && tax_id(&other[section_key(other)]) == tax);
    let mut customer = json!({
        "reference": reference,
        "status": status,
        "type": kind,
        key: section,
        "riskScore": body.get("riskScore").cloned().unwrap_or(json!("LOW")),
    });
    if let Some(ext) = external {
        customer["externalReference"] = json!(ext);
    }
    if let Some(session) =
        session_ref.and_then(|s| store.bvnk_sessions.get_mut(&s.to_ascii_lowercase()))
    {
        session.customer = Some(reference.clone());
    }
    store.bvnk_customers.insert(reference, customer.clone());
    store.stats.customer_created("bvnk", duplicate);
    formats::json(StatusCode::CREATED, customer)
}
