//! The client-credentials token and the bearer check every other COS endpoint makes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::json;

use super::errors::{oauth_error, one_error, UNAUTHORIZED};
use crate::formats;
use crate::state::App;

const AUDIENCE: &str = "https://api.crbcos.com/";

pub(super) async fn token(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "body must be application/x-www-form-urlencoded",
        );
    };
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    let creds = &app.creds.cos;
    if field("client_id") != creds.client_id || field("client_secret") != creds.client_secret {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        );
    }
    if field("audience") != AUDIENCE {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "audience must be https://api.crbcos.com/",
        );
    }
    let token = formats::new_token();
    let ttl = app.cfg.token_ttl;
    let expires = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero());
    app.store().cos_tokens.insert(token.clone(), expires);
    formats::json(
        StatusCode::OK,
        json!({ "access_token": token, "expires_in": ttl.as_secs(), "token_type": "Bearer" }),
    )
}

pub(super) fn authorize(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let ok = formats::bearer(headers)
        .and_then(|t| app.store().cos_tokens.get(t).copied())
        .is_some_and(|expires| expires > Utc::now());
    if ok {
        Ok(())
    } else {
        Err(one_error(
            StatusCode::UNAUTHORIZED,
            UNAUTHORIZED,
            "Missing, invalid or expired access token",
        ))
    }
}
