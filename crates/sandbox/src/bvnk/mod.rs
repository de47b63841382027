//! BVNK Customers API v1 ("platform") behind Hawk authentication.
//!
//! - `hawk`: the Hawk check every request passes.
//! - `agreements`: the signing sessions a customer is created with.
//! - `create` and `customers`: create a customer; read, update and move its status.
//! - `associates` and `documents`: what is added to a customer later.
//! - `status`: the status words, and the decision that follows PENDING.
//! - `rules`: reading and checking bodies; `reply`: BVNK's error envelope.

mod agreements;
mod associates;
mod create;
mod customers;
mod documents;
mod hawk;
mod reply;
mod rules;
mod status;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;

use crate::state::App;
use agreements::{create_session, get_session, terms_page, update_session};
use associates::update_associates;
use create::create;
use customers::{get_customer, update_details, update_status};
use documents::add_documents;

pub(crate) use reply::body as error_body;
pub(crate) use status::settle;

/// Documents come as base64 inside JSON: a 25 MB scan is about 34 MB of text, plus the
/// rest of the entry. Every other route keeps the sandbox's smaller default.
pub(crate) const DOCUMENTS_BODY_LIMIT: usize = 48 * 1024 * 1024;

/// Whether `path` is the documents route, whose body limit is [`DOCUMENTS_BODY_LIMIT`].
pub(crate) fn is_documents_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("/platform/v1/customers/") && lower.ends_with("/documents")
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        // A static path: matched before `/platform/v1/customers/{reference}` would be.
        .route(
            "/platform/v1/customers/agreement/sessions",
            post(create_session),
        )
        .route(
            "/platform/v1/customers/agreement/sessions/{reference}",
            get(get_session).put(update_session),
        )
        .route("/platform/agreements/terms", get(terms_page))
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
            post(add_documents).layer(DefaultBodyLimit::max(DOCUMENTS_BODY_LIMIT)),
        )
        .layer(axum::middleware::map_response(reply::envelope_plain_errors))
}
