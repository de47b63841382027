//! BVNK Customers API v1 ("platform") behind Hawk authentication.
//!
//! - `hawk`: the Hawk check every request passes.
//! - `customers`: create, read, update and move a customer's status.
//! - `associates` and `documents`: what is added to a customer later.
//! - `rules`: reading and checking bodies; `reply`: BVNK's error answers.

mod associates;
mod customers;
mod documents;
mod hawk;
mod reply;
mod rules;

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;

use crate::state::App;
use associates::update_associates;
use customers::{create, get_customer, update_details, update_status};
use documents::add_documents;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/platform/v1/customers", post(create))
        .route(
            "/platform/v1/customers/{reference}",
            get(get_customer).put(update_details),
        )
        .route(
            "/platform/v1/customers/{reference}/status",
            put(update_status),
        )
        .route(
            "/platform/v1/customers/{reference}/associates",
            put(update_associates),
        )
        .route(
            "/platform/v1/customers/{reference}/documents",
            post(add_documents),
        )
}
