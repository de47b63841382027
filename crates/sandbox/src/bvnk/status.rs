//! A customer's status: the documented words, the moves allowed by hand, and the decision
//! BVNK takes a while after a customer has become PENDING.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::formats::fold_name;
use crate::state::Store;

pub(super) const STATUSES: &[&str] = &[
    "PENDING_AGREEMENTS",
    "INFO_REQUIRED",
    "PENDING",
    "VERIFIED",
    "REJECTED",
];

/// The word a customer's (and its associates') `verification.status` shows.
pub(super) fn verification_word(status: &str) -> &'static str {
    match status {
        "PENDING_AGREEMENTS" => "pendingAgreements",
        "INFO_REQUIRED" => "infoRequired",
        "PENDING" => "pending",
        "VERIFIED" => "verified",
        _ => "rejected",
    }
}

pub(super) fn section_key(customer: &Value) -> &'static str {
    if customer["type"] == "COMPANY" {
        "company"
    } else {
        "individual"
    }
}

pub(super) fn transition_allowed(from: &str, to: &str) -> bool {
    from == to
        || matches!(
            (from, to),
            ("PENDING_AGREEMENTS", "INFO_REQUIRED")
                | ("INFO_REQUIRED", "PENDING")
                | ("PENDING", "INFO_REQUIRED")
                | ("PENDING", "VERIFIED")
                | ("PENDING", "REJECTED")
        )
}

/// Moves a stored customer to `to`, its verification words with it, and starts (or
/// stops) the clock of the decision. Returns the customer as it now is.
pub(super) fn set_status(
    store: &mut Store,
    key: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Option<Value> {
    let customer = store.bvnk_customers.get_mut(key)?;
    let was_pending = customer["status"] == "PENDING";
    customer["status"] = json!(to);
    let word = verification_word(to);
    let section = section_key(customer);
    customer[section]["verification"]["status"] = json!(word);
    if let Some(associates) = customer[section]["associates"].as_array_mut() {
        for a in associates {
            a["verification"]["status"] = json!(word);
        }
    }
    let customer = customer.clone();
    if to != "PENDING" {
        store.bvnk_pending_since.remove(key);
    } else if !was_pending {
        // Setting PENDING again does not restart the review.
        store.bvnk_pending_since.insert(key.to_string(), now);
    }
    Some(customer)
}

/// The documented sandbox trigger: a company, individual or associate called "Reject" is
/// rejected; everyone else is verified. This sandbox's own trigger for trying the review
/// queue: one called "Review" stays PENDING until its status is set
/// (`PUT …/status`), as a customer held for a person's decision.
fn decide(customer: &Value) -> Option<&'static str> {
    let named = |word: &str| {
        let is = |v: &Value| v.as_str().is_some_and(|s| fold_name(s) == word);
        let section = &customer[section_key(customer)];
        let mut associates = section["associates"].as_array().into_iter().flatten();
        is(&section["name"])
            || is(&section["lastName"])
            || associates.any(|a| is(&a["person"]["lastName"]))
    };
    if named("review") {
        None
    } else if named("reject") {
        Some("REJECTED")
    } else {
        Some("VERIFIED")
    }
}

/// Decides every customer that has been PENDING for `delay` by `now`; true when anything
/// changed. Runs before each request, so a customer is decided when next read.
pub(crate) fn settle(store: &mut Store, now: DateTime<Utc>, delay: chrono::Duration) -> bool {
    let due: Vec<String> = store
        .bvnk_pending_since
        .iter()
        .filter(|(_, since)| **since + delay <= now)
        .map(|(key, _)| key.clone())
        .collect();
    for key in &due {
        store.bvnk_pending_since.remove(key);
        let outcome = match store
            .bvnk_customers
            .get(key)
            .filter(|c| c["status"] == "PENDING")
        {
            Some(c) => match decide(c) {
                Some(outcome) => outcome,
                None => continue,
            },
            None => continue,
        };
        set_status(store, key, outcome, now);
    }
    !due.is_empty()
}
