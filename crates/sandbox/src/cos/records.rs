//! How COS records are shaped and found: names, times, sub-records, the customer in a
//! path, and the events a change raises.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde_json::{json, Value};

use super::errors::{one_error, FORMAT, NOT_FOUND};
use crate::formats::{self, is_guid, str_field};
use crate::state::Store;

pub(super) fn full_name(name: &Value) -> String {
    if let Some(entity) = str_field(name, "entityName") {
        return entity.trim().to_string();
    }
    ["firstName", "middleName", "lastName"]
        .iter()
        .filter_map(|k| str_field(name, k))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn emit(store: &mut Store, partner_id: &str, event: &str, customer_id: &str) {
    store.cos_events.push(json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "eventName": event,
        "status": "Pending",
        "partnerId": partner_id,
        "createdAt": formats::cos_time(Utc::now()),
        "resources": [format!("core/v1/cm/customers/{customer_id}")],
        "details": [],
    }));
}

pub(super) fn now_str() -> String {
    formats::cos_time(Utc::now())
}

pub(super) fn sub_record(v: &Value, customer_id: &str, partner_id: &str) -> Value {
    let mut item = v.clone();
    let now = now_str();
    item["id"] = json!(uuid::Uuid::new_v4().to_string());
    item["customerId"] = json!(customer_id);
    item["status"] = json!("Active");
    item["createdAt"] = json!(now);
    item["lastModifiedAt"] = json!(now);
    item["partnerId"] = json!(partner_id);
    item
}

/// Looks up the customer in the path, answering 400/404 in COS form when it cannot.
pub(super) fn customer_key(store: &Store, id: &str) -> Result<String, Response> {
    if !is_guid(id) {
        return Err(one_error(
            StatusCode::BAD_REQUEST,
            FORMAT,
            "customerId must be a GUID",
        ));
    }
    let key = id.to_ascii_lowercase();
    if store.cos_customers.contains_key(&key) {
        Ok(key)
    } else {
        Err(one_error(
            StatusCode::NOT_FOUND,
            NOT_FOUND,
            format!("Customer {id} not found"),
        ))
    }
}
