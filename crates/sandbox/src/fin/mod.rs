//! Fin.com: OAuth-like tokens, Create Individual Customer V2, document upload, Attach
//! Documents V2 (seed 003 rules) and Get Customer Details V2.
//!
//! - `auth`: token and refresh-token, and the bearer check every other endpoint makes.
//! - `customers`: create and read a customer; `individual` holds the create body's rules.
//! - `terms`: the terms link a customer gets and the page behind it.
//! - `files`: document upload.
//! - `attach`: Attach Documents V2 and its rules.
//! - `review`: what Fin.com decides a while after an attach.
//! - `check` and `reply`: field checks, and the shapes of Fin.com's error answers.

mod attach;
mod auth;
mod check;
mod customers;
mod files;
mod individual;
mod reply;
mod review;
mod terms;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::state::App;
use attach::attach;
use auth::{refresh, token};
use customers::{create_individual, get_customer};
use files::upload;
use terms::tos_page;

pub(crate) use review::settle;

pub(crate) fn routes(app: &Arc<App>) -> Router<Arc<App>> {
    // The body limit must sit above the per-file limit so oversized files reach the
    // handler and get the documented 413 instead of a generic rejection.
    let upload_limit = usize::try_from(app.cfg.fin_upload_limit_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(4)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/v1/oauth/token", post(token))
        .route("/v1/oauth/refresh-token", post(refresh))
        .route("/v2/customers/individual", post(create_individual))
        .route(
            "/v1/customers/upload",
            post(upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/v2/customers/{customer_id}/individual/attach",
            post(attach),
        )
        .route("/v2/customers/{customer_id}", get(get_customer))
        .route("/orchestration-customer-tos", get(tos_page))
}
