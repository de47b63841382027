//! Cross River COS: client-credentials token and Customer Management (core module).
//!
//! - `auth`: the token endpoint and the bearer check every other endpoint makes.
//! - `customers`: create, read and profile update of a customer.
//! - `resources`: addresses, phones, emails, identifications and beneficial owners added
//!   to a customer.
//! - `rules`: what COS checks in each kind of body, on top of `check`'s field checks.
//! - `records`: how stored records are shaped and looked up, and the events they raise.
//! - `scans`: the OFAC/PEP/internal-list scans that finish a while after a create.
//! - `errors`: COS's error codes and bodies.

mod auth;
mod check;
mod customers;
mod errors;
mod records;
mod resources;
mod rules;
mod scans;

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;

use crate::state::App;
use auth::token;
use customers::{create_customer, get_customer, update_profile};
use resources::{
    add_address, add_beneficial_owner, add_email, add_identification, add_phone,
    update_identification,
};

pub(crate) use scans::settle;

pub(crate) fn routes() -> Router<Arc<App>> {
    let cm = Router::new()
        .route("/customers", post(create_customer))
        .route("/customers/{id}", get(get_customer))
        .route("/customers/{id}/addresses", post(add_address))
        .route("/customers/{id}/phones", post(add_phone))
        .route("/customers/{id}/emails", post(add_email))
        .route("/customers/{id}/identifications", post(add_identification))
        .route(
            "/customers/{id}/identifications/{identification_id}",
            post(update_identification),
        )
        .route(
            "/customers/{id}/beneficial-owners",
            post(add_beneficial_owner),
        )
        .route("/customers/{id}/profile", put(update_profile));
    Router::new()
        .route("/connect/token", post(token))
        // The published samples use both spellings of the first path segment.
        .nest("/core/v1/cm", cm.clone())
        .nest("/Core/v1/cm", cm)
}
