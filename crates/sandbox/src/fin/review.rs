//! What Fin.com decides after an attach, and when: the sandbox's test names pick the
//! outcome, and `settle` moves each customer through its pending statuses as they come due.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::formats;
use crate::state::{FinCustomer, Store};

/// Sandbox triggers: last name "Reject" fails the first review (ACTION_REQUIRED) and passes
/// a re-attach; last name "Denied" is refused for good; an attach without a primary
/// identity document always comes back ACTION_REQUIRED.
pub(super) fn final_status(customer: &FinCustomer) -> &'static str {
    let last = formats::fold_name(
        customer.request["basic_info"]["last_name_en"]
            .as_str()
            .or(customer.request["basic_info"]["last_name"].as_str())
            .unwrap_or(""),
    );
    if last == "denied" {
        "REJECTED"
    } else if primary_document(&customer.attached).is_none()
        || (last == "reject" && customer.attach_count == 1)
    {
        "ACTION_REQUIRED"
    } else {
        "APPROVED"
    }
}

fn primary_document(attached: &Value) -> Option<&Value> {
    attached["identifying_documents"]
        .as_array()?
        .iter()
        .find(|d| d["type"] != "SELFIE")
}

fn rejection(customer: &FinCustomer, final_status: &str) -> (Value, Vec<Value>) {
    let Some(doc) = primary_document(&customer.attached) else {
        return (
            json!({
                "applicant": {
                    "moderation_comment": "An identity document is required.",
                    "reject_labels": ["DOCUMENT_MISSING"],
                },
                "documents": [],
            }),
            vec![json!({
                "scope": "CUSTOMER",
                "section": "identifying_documents",
                "categories": [{ "document_type": "PASSPORT", "fields": [
                    { "field_name": "files", "data_type": "URI", "status": "MISSING",
                      "reason": "No identity document was provided.", "options": [] }
                ]}],
            })],
        );
    };
    let uri = doc["files"][0]["uri"].clone();
    let kind = doc["type"].clone();
    let reason = if final_status == "REJECTED" {
        json!({
            "applicant": { "moderation_comment": "The applicant cannot be onboarded.", "reject_labels": ["PROBLEMATIC_APPLICANT_DATA"] },
            "documents": [],
        })
    } else {
        json!({
            "applicant": { "moderation_comment": "", "reject_labels": ["LOW_QUALITY"] },
            "documents": [{
                "uri": uri,
                "category": "PROOF_OF_IDENTITY",
                "moderation_comment": "This document is not accepted.\n - The document should be of good quality.",
                "reject_labels": ["LOW_QUALITY"],
            }],
        })
    };
    let rfi = if final_status == "REJECTED" {
        Vec::new()
    } else {
        vec![json!({
            "scope": "CUSTOMER",
            "section": "identifying_documents",
            "categories": [{ "document_type": kind, "fields": [
                { "field_name": "files", "data_type": "URI", "status": "INVALID",
                  "reason": "Unacceptable document.", "options": [] }
            ]}],
        })]
    };
    (reason, rfi)
}

pub(crate) fn settle(store: &mut Store, now: DateTime<Utc>) -> bool {
    let mut changed = false;
    for customer in store.fin_customers.values_mut() {
        while customer.pending.first().is_some_and(|(at, _)| *at <= now) {
            let (at, status) = customer.pending.remove(0);
            customer.status = status;
            customer.updated_at = at;
            customer.last_status_updated_at = at;
            changed = true;
            match customer.status.as_str() {
                "ACTION_REQUIRED" | "REJECTED" => {
                    let (reason, rfi) = rejection(customer, &customer.status);
                    customer.rejection_reason = reason;
                    customer.request_for_information = rfi;
                }
                _ => {
                    customer.rejection_reason = Value::Null;
                    customer.request_for_information = Vec::new();
                }
            }
        }
    }
    changed
}
