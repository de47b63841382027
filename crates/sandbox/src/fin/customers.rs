//! Create Individual Customer V2 and Get Customer Details V2.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::{json, Value};

use super::auth::authorize;
use super::check::json_object;
use super::individual::check_individual;
use super::reply::{message, unprocessable};
use super::terms::tos_url;
use crate::formats::{self, str_field};
use crate::state::{App, FinCustomer};

pub(super) async fn create_individual(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let Some(body) = json_object(&body) else {
        return unprocessable(vec![("body".into(), "must be a JSON object".into())]);
    };
    if str_field(&body, "verification_type") == Some("RELIANCE") && !app.cfg.fin_reliance_enabled {
        return message(
            StatusCode::LOCKED,
            "RELIANCE is not available for your client",
        );
    }
    let errors = check_individual(&body);
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let customer_id = uuid::Uuid::new_v4().to_string();
    let tos_value = uuid::Uuid::new_v4().to_string();
    let now = Utc::now();
    let tax_ids: Vec<String> = body["basic_info"]["tax_info"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["document_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let reference = body["meta_data"]["reference"].as_str().map(str::to_string);
    let mut store = app.store();
    let duplicate = store.fin_customers.values().any(|other| {
        let theirs = &other.request["basic_info"]["tax_info"];
        theirs.as_array().is_some_and(|a| {
            a.iter().any(|t| {
                t["document_id"]
                    .as_str()
                    .is_some_and(|d| tax_ids.iter().any(|x| x == d))
            })
        }) || reference
            .as_ref()
            .is_some_and(|r| other.request["meta_data"]["reference"] == json!(r))
    });
    store.fin_customers.insert(
        customer_id.clone(),
        FinCustomer {
            customer_id: customer_id.clone(),
            owner: app.creds.fin.client_id.clone(),
            api_version: "v2".into(),
            customer_type: "INDIVIDUAL".into(),
            status: "INCOMPLETE".into(),
            tos_policies_value: tos_value.clone(),
            request: body,
            created_at: now,
            updated_at: now,
            last_status_updated_at: now,
            attach_count: 0,
            pending: Vec::new(),
            attached: Value::Null,
            rejection_reason: Value::Null,
            request_for_information: Vec::new(),
        },
    );
    store.stats.customer_created("fin", duplicate);
    formats::json(
        StatusCode::OK,
        json!({ "data": {
            "customer_id": customer_id,
            "tos_policies_url": tos_url(&app, &customer_id, &tos_value),
        }}),
    )
}

pub(super) async fn get_customer(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let store = app.store();
    let Some(c) = store.fin_customers.get(&customer_id.to_ascii_lowercase()) else {
        return message(StatusCode::NOT_FOUND, "Customer not found");
    };
    let b = &c.request["basic_info"];
    formats::json(
        StatusCode::OK,
        json!({ "data": {
            "customer_id": c.customer_id,
            "type": c.customer_type,
            "first_name": b["first_name"],
            "last_name": b["last_name"],
            "email": b["email"],
            "phone": b["phone"],
            "country_of_residence": b["country_of_residence"],
            "verification_type": c.request["verification_type"],
            "customer_status": c.status,
            "tos_policies_url": tos_url(&app, &c.customer_id, &c.tos_policies_value),
            "created_at": formats::fin_time(c.created_at),
            "updated_at": formats::fin_time(c.updated_at),
            "last_status_updated_at": formats::fin_time(c.last_status_updated_at),
            "rejection_reason": c.rejection_reason,
            "request_for_information": c.request_for_information,
        }}),
    )
}
