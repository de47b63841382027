//! The terms link each customer gets, and the page behind it.

use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};

use crate::state::App;

pub(super) fn tos_url(app: &App, customer_id: &str, value: &str) -> String {
    format!(
        "{}/orchestration-customer-tos?customer_id={customer_id}&tos_policies_value={value}",
        app.tos_base_url()
    )
}

pub(super) async fn tos_page(
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let customer = q.get("customer_id").map(String::as_str).unwrap_or("");
    let escaped: String = customer
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Html(format!(
        "<!doctype html><title>Fin.com Terms of Service (sandbox)</title>\
         <h1>Terms of Service</h1><p>Sandbox terms for customer {escaped}. \
         Accepting here has no effect; the tos_policies_value in the link is what the attach call checks.</p>"
    ))
    .into_response()
}
