//! Creating a customer, reading it back, and replacing its profile.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use rand::Rng;
use serde_json::{json, Value};

use super::auth::authorize;
use super::check::Check;
use super::errors::{
    errors, one_error, parse_body, Errors, FORMAT, NOT_FOUND, REQUIRED, WRONG_PARTNER,
};
use super::records::{customer_key, emit, full_name, now_str, sub_record};
use super::rules::{check_address, check_phone, check_profile};
use crate::formats::{self, present, str_field};
use crate::state::{App, CosCustomer};

pub(super) async fn create_customer(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let body = match parse_body(&body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    let mut c = Check::new(&body, "");
    let partner = c.guid("partnerId", true).map(str::to_string);
    let classification = c
        .one_of("classification", true, &["Personal", "Business"])
        .unwrap_or("Personal")
        .to_string();
    c.string("clientIdentifier", false, 50);
    if let Some(email) = c.string("primaryEmail", false, 254) {
        if !formats::is_email(email) {
            c.errors
                .push((FORMAT, "primaryEmail is not a valid email address".into()));
        }
    }
    c.object("dueDiligence", false);
    c.object("businessDueDiligence", false);
    let name = c.object("name", true).cloned();
    let profile = c.object("profile", true).cloned();
    let primary_address = c.object("primaryAddress", false).cloned();
    let primary_phone = c.object("primaryPhone", false).cloned();
    let mut errs = c.errors;
    if let Some(name) = &name {
        let mut n = Check::new(name, "name.");
        if classification == "Business" {
            n.string("entityName", true, 100);
        } else {
            if !present(name, "firstName") {
                n.errors.push((REQUIRED, "First name required".into()));
            } else {
                n.string("firstName", false, 50);
            }
            if !present(name, "lastName") {
                n.errors.push((REQUIRED, "Last name required".into()));
            } else {
                n.string("lastName", false, 50);
            }
            for k in ["prefix", "middleName", "suffix", "preferredName"] {
                n.string(k, false, 50);
            }
        }
        errs.extend(n.errors);
    }
    if let Some(a) = &primary_address {
        errs.extend(check_address(a, "primaryAddress."));
    }
    if let Some(p) = &primary_phone {
        errs.extend(check_phone(p, "primaryPhone."));
    }
    let mut store = app.store();
    let profile_errors = profile
        .as_ref()
        .map(|p| check_profile(p, &classification, &store))
        .unwrap_or_default();
    let (validation, rules): (Errors, Errors) = profile_errors
        .into_iter()
        .partition(|(code, _)| *code < 2000);
    errs.extend(validation);
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner = partner.unwrap_or_default();
    if !partner.eq_ignore_ascii_case(&app.creds.cos.partner_id) {
        return one_error(
            StatusCode::FORBIDDEN,
            WRONG_PARTNER,
            "partnerId does not belong to the authenticated partner",
        );
    }
    if !rules.is_empty() {
        return errors(StatusCode::BAD_REQUEST, rules);
    }
    let (Some(mut name), Some(profile)) = (name, profile) else {
        return one_error(
            StatusCode::BAD_REQUEST,
            REQUIRED,
            "name and profile required",
        );
    };
    name["fullName"] = json!(full_name(&name));

    let tax_id = profile["taxId"].as_str().unwrap_or("").to_string();
    let client_identifier = str_field(&body, "clientIdentifier").map(str::to_string);
    let duplicate = store.cos_customers.values().any(|other| {
        (!tax_id.is_empty() && other.record["profile"]["taxId"] == json!(tax_id))
            || client_identifier
                .as_ref()
                .is_some_and(|ci| other.record["clientIdentifier"] == json!(ci))
    });

    let id = uuid::Uuid::new_v4().to_string();
    store.cif_counter += 1;
    let cif = format!(
        "{}{:08}",
        app.rng().gen_range(1000..10000u32),
        store.cif_counter
    );
    let now = now_str();
    let mut record = json!({
        "id": id,
        "cifNumber": cif,
        "classification": classification,
        "status": "Active",
        "ofac": "Pending",
        "pepScan": "Pending",
        "internalList": "Pending",
        "name": name,
        "profile": profile,
        "createdAt": now,
        "lastModifiedAt": now,
        "partnerId": app.creds.cos.partner_id,
    });
    for key in [
        "clientIdentifier",
        "dueDiligence",
        "businessDueDiligence",
        "primaryEmail",
        "primaryIdentification",
    ] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            record[key] = v.clone();
        }
    }
    let mut customer = CosCustomer {
        record,
        scan_due: Utc::now()
            + chrono::Duration::from_std(app.cfg.compliance_delay)
                .unwrap_or(chrono::Duration::zero()),
        scanned: false,
        addresses: Vec::new(),
        phones: Vec::new(),
        emails: Vec::new(),
        identifications: Vec::new(),
        beneficial_owners: Vec::new(),
    };
    let partner_id = app.creds.cos.partner_id.clone();
    let mut events = vec!["Core.Customer.Onboarded"];
    if let Some(a) = primary_address {
        let item = sub_record(&a, &id, &partner_id);
        customer.record["primaryAddress"] = item.clone();
        customer.addresses.push(item);
        events.push("Core.Customer.Address.Added");
    }
    if let Some(p) = primary_phone {
        let item = sub_record(&p, &id, &partner_id);
        customer.record["primaryPhone"] = item.clone();
        customer.phones.push(item);
        events.push("Core.Customer.Phone.Added");
    }
    let answer = customer.record.clone();
    store.cos_customers.insert(id.clone(), customer);
    store.stats.customer_created("cos", duplicate);
    for event in events {
        emit(&mut store, &partner_id, event, &id);
    }
    formats::json(StatusCode::CREATED, answer)
}

pub(super) async fn get_customer(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let store = app.store();
    match customer_key(&store, &id) {
        Ok(key) => formats::json(StatusCode::OK, store.cos_customers[&key].record.clone()),
        Err(r) => r,
    }
}

pub(super) async fn update_profile(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let mut store = app.store();
    let key = match customer_key(&store, &id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match parse_body(&body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    // Accept the profile itself or wrapped as {"profile": {...}}.
    let profile = match body.get("profile") {
        Some(p @ Value::Object(_)) => p.clone(),
        _ => body,
    };
    let classification = store.cos_customers[&key].record["classification"]
        .as_str()
        .unwrap_or("Personal")
        .to_string();
    let errs = check_profile(&profile, &classification, &store);
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let Some(customer) = store.cos_customers.get_mut(&key) else {
        return one_error(StatusCode::NOT_FOUND, NOT_FOUND, "Customer not found");
    };
    customer.record["profile"] = profile;
    customer.record["lastModifiedAt"] = json!(now_str());
    let answer = customer.record.clone();
    let shown_id = answer["id"].as_str().unwrap_or(&id).to_string();
    emit(
        &mut store,
        &partner_id,
        "Core.Customer.Profile.Changed",
        &shown_id,
    );
    formats::json(StatusCode::OK, answer)
}
