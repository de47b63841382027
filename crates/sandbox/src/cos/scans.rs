//! The compliance scans (OFAC, PEP, internal list) that finish a while after a create.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::records::{emit, full_name};
use crate::formats;
use crate::state::Store;

/// Scan results for the documented sandbox test names; everyone else comes back Clear.
fn scan(record: &Value) -> (&'static str, &'static str, &'static str) {
    let name = formats::fold_name(&full_name(&record["name"]));
    let born = record["profile"]["birthDate"].as_str().unwrap_or("");
    let ofac = if name == "francisco javier arellano felix" && born == "1969-12-11" {
        "Positive"
    } else {
        "Clear"
    };
    let pep = if name == "vladimir putin" {
        "Positive"
    } else {
        "Clear"
    };
    (ofac, pep, "Clear")
}

pub(crate) fn settle(store: &mut Store, now: DateTime<Utc>) -> bool {
    let due: Vec<String> = store
        .cos_customers
        .iter()
        .filter(|(_, c)| !c.scanned && c.scan_due <= now)
        .map(|(id, _)| id.clone())
        .collect();
    for id in &due {
        let Some(customer) = store.cos_customers.get_mut(id) else {
            continue;
        };
        let (ofac, pep, internal) = scan(&customer.record);
        customer.scanned = true;
        let record = &mut customer.record;
        record["ofac"] = json!(ofac);
        record["pepScan"] = json!(pep);
        record["internalList"] = json!(internal);
        record["lastModifiedAt"] = json!(formats::cos_time(now));
        let partner = record["partnerId"].as_str().unwrap_or("").to_string();
        let shown_id = record["id"].as_str().unwrap_or(id).to_string();
        emit(store, &partner, "Core.Customer.Ofac.Changed", &shown_id);
        emit(store, &partner, "Core.Customer.PepScan.Changed", &shown_id);
    }
    !due.is_empty()
}
