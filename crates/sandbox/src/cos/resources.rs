//! What is added to a customer after its creation: addresses, phones, emails and
//! identifications (the first of each kind becomes the primary one), and beneficial owners
//! of a business.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::auth::authorize;
use super::check::Check;
use super::errors::{
    errors, one_error, parse_body, FORMAT, IDENTIFICATION_NOT_FOUND, NOT_BUSINESS, NOT_FOUND,
    NOT_PERSONAL_BENEFICIAL_OWNER, OWNERSHIP_OVER_100,
};
use super::records::{customer_key, emit, now_str, sub_record};
use super::rules::{check_address, check_email, check_identification, check_phone, is_personal};
use crate::formats;
use crate::state::App;

#[derive(Clone, Copy)]
enum Sub {
    Address,
    Phone,
    Email,
    Identification,
}

pub(super) async fn add_address(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Address)
}

pub(super) async fn add_phone(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Phone)
}

pub(super) async fn add_email(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Email)
}

pub(super) async fn add_identification(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Identification)
}

fn add_sub(app: &App, headers: &HeaderMap, id: &str, body: &Bytes, kind: Sub) -> Response {
    if let Err(r) = authorize(app, headers) {
        return r;
    }
    let mut store = app.store();
    let key = match customer_key(&store, id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match parse_body(body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    let errs = match kind {
        Sub::Address => check_address(&body, ""),
        Sub::Phone => check_phone(&body, ""),
        Sub::Email => check_email(&body, ""),
        Sub::Identification => check_identification(&body),
    };
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let shown_id = store.cos_customers[&key].record["id"]
        .as_str()
        .unwrap_or(id)
        .to_string();
    let item = sub_record(&body, &shown_id, &partner_id);
    let Some(customer) = store.cos_customers.get_mut(&key) else {
        return one_error(StatusCode::NOT_FOUND, NOT_FOUND, "Customer not found");
    };
    let (list, primary_field, event) = match kind {
        Sub::Address => (
            &mut customer.addresses,
            "primaryAddress",
            "Core.Customer.Address.Added",
        ),
        Sub::Phone => (
            &mut customer.phones,
            "primaryPhone",
            "Core.Customer.Phone.Added",
        ),
        Sub::Email => (
            &mut customer.emails,
            "primaryEmail",
            "Core.Customer.Email.Added",
        ),
        Sub::Identification => (
            &mut customer.identifications,
            "primaryIdentification",
            "Core.Customer.Identification.Added",
        ),
    };
    // The first record of a kind is the primary one, as the onboarding tutorial says.
    let primary = list.is_empty() || body["isPrimary"] == json!(true);
    list.push(item.clone());
    if primary {
        customer.record[primary_field] = item.clone();
    }
    customer.record["lastModifiedAt"] = json!(now_str());
    emit(&mut store, &partner_id, event, &shown_id);
    formats::json(StatusCode::CREATED, item)
}

pub(super) async fn update_identification(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((id, identification_id)): Path<(String, String)>,
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
    let errs = check_identification(&body);
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let Some(customer) = store.cos_customers.get_mut(&key) else {
        return one_error(StatusCode::NOT_FOUND, NOT_FOUND, "Customer not found");
    };
    let Some(existing) = customer.identifications.iter_mut().find(|i| {
        i["id"]
            .as_str()
            .is_some_and(|x| x.eq_ignore_ascii_case(&identification_id))
    }) else {
        return one_error(
            StatusCode::NOT_FOUND,
            IDENTIFICATION_NOT_FOUND,
            format!("Identification {identification_id} not found"),
        );
    };
    let keep = ["id", "customerId", "status", "createdAt", "partnerId"];
    let mut updated = body.clone();
    for k in keep {
        updated[k] = existing[k].clone();
    }
    updated["lastModifiedAt"] = json!(now_str());
    *existing = updated.clone();
    if customer.record["primaryIdentification"]["id"] == updated["id"]
        || body["isPrimary"] == json!(true)
    {
        customer.record["primaryIdentification"] = updated.clone();
    }
    let shown_id = customer.record["id"].as_str().unwrap_or(&id).to_string();
    emit(
        &mut store,
        &partner_id,
        "Core.Customer.Identification.Changed",
        &shown_id,
    );
    formats::json(StatusCode::OK, updated)
}

pub(super) async fn add_beneficial_owner(
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
    let mut c = Check::new(&body, "");
    let owner = c.guid("ownerCustomerId", true).map(str::to_string);
    c.string("ownerTitle", true, 100);
    let share = c.number("ownershipPercentage", true, 0.0, 100.0);
    if share == Some(0.0) {
        c.errors
            .push((FORMAT, "ownershipPercentage must be above 0".into()));
    }
    if !c.errors.is_empty() {
        return errors(StatusCode::BAD_REQUEST, c.errors);
    }
    let customer = &store.cos_customers[&key];
    if customer.record["classification"] != "Business" {
        return one_error(
            StatusCode::BAD_REQUEST,
            NOT_BUSINESS,
            "Beneficial owners can only be added to a Business customer",
        );
    }
    let owner = owner.unwrap_or_default();
    if !is_personal(&store, &owner) {
        return one_error(
            StatusCode::BAD_REQUEST,
            NOT_PERSONAL_BENEFICIAL_OWNER,
            "ownerCustomerId must be an existing Personal customer",
        );
    }
    let total: f64 = customer
        .beneficial_owners
        .iter()
        .filter_map(|o| o["ownershipPercentage"].as_f64())
        .sum::<f64>()
        + share.unwrap_or(0.0);
    if total > 100.0 {
        return one_error(
            StatusCode::BAD_REQUEST,
            OWNERSHIP_OVER_100,
            "Total ownershipPercentage of beneficial owners would exceed 100",
        );
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let shown_id = customer.record["id"].as_str().unwrap_or(&id).to_string();
    let item = sub_record(&body, &shown_id, &partner_id);
    if let Some(customer) = store.cos_customers.get_mut(&key) {
        customer.beneficial_owners.push(item.clone());
        customer.record["lastModifiedAt"] = json!(now_str());
    }
    formats::json(StatusCode::CREATED, item)
}
